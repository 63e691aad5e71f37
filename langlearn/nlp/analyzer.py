"""One language's tagger + lemmatiser, loaded from a model directory (shipped: langlearn/nlp/models)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from .conllu import Unit
from .lemmatizer import Lemmatizer
from .lexicon import Lexicon
from .tagger import Tagger, train

# Below this tag probability the lemmatiser keeps the dictionary's answer rather than the tag's rule.
SURE = 0.8
MODELS = Path(__file__).resolve().parent / "models"


def has_model(lang: str, directory: Path = MODELS) -> bool:
    return (directory / f"{lang}.crfsuite").is_file()


class WordAnalyzer:
    """Tags and lemmatises already-tokenised words. Without a trained model for the language
    (e.g. Italian today) lemmas come from simplemma alone and the tag is empty."""

    def __init__(self, lang: str, directory: Path = MODELS) -> None:
        self.lang = lang
        if has_model(lang, directory):
            lexicon = Lexicon.load(directory, lang)
            self.tagger: Tagger | None = Tagger(directory / f"{lang}.crfsuite", lexicon, lang)
            self.lemmatizer = Lemmatizer(lang, lexicon)
        else:
            self.tagger = None
            self.lemmatizer = Lemmatizer(lang, None)

    @property
    def trained(self) -> bool:
        return self.tagger is not None

    def analyze(self, words: Sequence[str]) -> list[tuple[str, str]]:
        """(UPOS, lemma) per word."""
        tags = self.tagger.tag(words) if self.tagger else [("", 0.0)] * len(words)
        return [
            (tag, self.lemmatizer.lemma(word, tag, sure=p >= SURE)) for word, (tag, p) in zip(words, tags, strict=True)
        ]


def fit(sentences: Sequence[list[Unit]], lang: str, directory: Path) -> None:
    """Write `lang`'s lexicon tries and CRF model into `directory` from treebank sentences."""
    directory.mkdir(parents=True, exist_ok=True)
    lexicon = Lexicon.build(sentences)
    lexicon.save(directory, lang)
    lexicon = Lexicon.load(directory, lang)  # tag with the saved tries, exactly as at run time
    train([[(u.form, u.upos) for u in s] for s in sentences], lexicon, lang, directory / f"{lang}.crfsuite")
