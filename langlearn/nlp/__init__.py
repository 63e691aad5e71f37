"""The language core: POS tagging and lemmas for tokenised text (langlearn.clients.nlp tokenises).

`WordAnalyzer(lang).analyze(words)` → (UPOS, lemma) per word. Models in `models/` are trained from the
UD dev treebanks by `python -m langlearn.nlp.train`; `bench/nlp_accuracy.py` measures them.
"""
