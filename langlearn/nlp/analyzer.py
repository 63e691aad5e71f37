"""One language's tagger + lemmatiser, loaded from a model directory (shipped: langlearn/nlp/models)."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Sequence
from pathlib import Path

from .conllu import Unit
from .lemmatizer import COMMON_VERB_ZIPF, INFINITIVE_ENDINGS, Lemmatizer, word_zipf
from .lexicon import Lexicon
from .tagger import Tagger, train

# Below this tag probability the lemmatiser keeps the dictionary's answer rather than the tag's rule.
SURE = 0.8
# First- and second-person subject pronouns, and what may stand between one and its verb (object
# clitics, negation, a few adverbs). Third persons are left out: "él", "elle", "nous" also follow
# prepositions ("para él", "avec elle").
# fmt: off
SUBJECTS = {
    "fr": (frozenset({"je", "j'", "tu"}),
           frozenset({"ne", "n'", "me", "m'", "te", "t'", "se", "s'", "le", "la", "l'", "les",
                      "lui", "leur", "y", "en", "vous", "nous"})),
    "es": (frozenset({"yo", "tú"}),
           frozenset({"no", "me", "te", "se", "lo", "la", "le", "nos", "os", "los", "las", "les",
                      "ya", "nunca", "también", "siempre"})),
    "pt": (frozenset({"eu"}),
           frozenset({"não", "me", "te", "se", "o", "a", "lhe", "nos", "vos", "os", "as", "lhes",
                      "já", "nunca", "também", "sempre"})),
}
# fmt: on
# What the model calls a word it should have called a verb after such a pronoun.
NOT_VERB_AFTER_SUBJECT = frozenset({"NOUN", "PROPN", "ADJ", "ADP", "SCONJ", "X"})
MODELS = Path(__file__).resolve().parent / "models"


def has_model(lang: str, directory: Path = MODELS) -> bool:
    return (directory / f"{lang}.crfsuite").is_file()


@functools.cache
def fingerprint(lang: str, directory: Path = MODELS) -> str:
    """Eight hex digits that change whenever `lang`'s analysis may: the analyser's code (this package,
    curated expressions included), the language's model files and the versions of simplemma and
    spaCy. Pipelines carry it in their name (`blank+crf@1a2b3c4d`), so what was analysed before a
    change is known as stale — stored reader tokens (`manage.py relemmatize`), cached phrase
    analyses. Content, not mtimes: every host of one release agrees. ~10 ms, once per process."""
    import simplemma
    import spacy

    digest = hashlib.sha256(f"{simplemma.__version__} {spacy.__version__}".encode())
    package = Path(__file__).resolve().parent
    code = sorted(package.rglob("*.py")) + sorted(package.glob("expressions/*.txt"))
    for path in [*code, *sorted(directory.glob(f"{lang}.*"))]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:8]


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
        if self.tagger and self.lang in SUBJECTS:
            tags = self._verbs_after_subjects(words, tags)
        return [
            (tag, self.lemmatizer.lemma(word, tag, sure=p >= SURE)) for word, (tag, p) in zip(words, tags, strict=True)
        ]

    def _verbs_after_subjects(self, words: Sequence[str], tags: list[tuple[str, float]]) -> list[tuple[str, float]]:
        """Only a finite verb follows a first- or second-person subject pronoun (past object
        clitics and negation): "je mets", "yo como", "eu trabalho". The news treebanks hold few first
        persons, so the model tags such a word NOUN or ADP; where the word can be a verb — the
        treebank saw it as one, or it has a common infinitive ("bois" → "boire") — it is one."""
        subjects, clitics = SUBJECTS[self.lang]
        out = list(tags)
        for i in range(1, len(words)):
            low = words[i].lower()
            if out[i][0] not in NOT_VERB_AFTER_SUBJECT or low in clitics or low in subjects:
                continue
            j = i - 1
            while j >= 0 and words[j].lower() in clitics:
                j -= 1
            if j < 0 or words[j].lower() not in subjects:
                continue
            if self._can_be_verb(words[i]):
                out[i] = ("VERB", max(out[i][1], SURE))
        return out

    def _can_be_verb(self, word: str) -> bool:
        assert self.tagger is not None
        if self.tagger.lexicon.seen_as_verb(word):
            return True
        lemma = self.lemmatizer.lemma(word, "VERB")
        if lemma == word.lower() or not lemma.endswith(INFINITIVE_ENDINGS.get(self.lang, ())):
            return False
        # Overruling the model takes a verb the treebank knows, or a common infinitive ("mets" would
        # be "mere", a word the treebank never saw; it stays the noun the model said).
        return bool(self.tagger.lexicon.seen_as_verb(lemma)) or word_zipf(lemma, self.lang) >= COMMON_VERB_ZIPF


def fit(sentences: Sequence[list[Unit]], lang: str, directory: Path) -> None:
    """Write `lang`'s lexicon tries and CRF model into `directory` from treebank sentences."""
    directory.mkdir(parents=True, exist_ok=True)
    lexicon = Lexicon.build(sentences)
    lexicon.save(directory, lang)
    lexicon = Lexicon.load(directory, lang)  # tag with the saved tries, exactly as at run time
    train([[(u.form, u.upos) for u in s] for s in sentences], lexicon, lang, directory / f"{lang}.crfsuite")
