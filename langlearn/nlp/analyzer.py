"""One language's tagger + lemmatiser, loaded from a model directory (shipped: langlearn/nlp/models)."""

from __future__ import annotations

import functools
import hashlib
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
