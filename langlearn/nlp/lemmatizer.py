"""POS-aware lemmas: the treebank's own lemma for a known (form, tag), otherwise simplemma's dictionary
candidate when its edit fits the tag, otherwise the tag's most frequent edit for the form's ending.

simplemma alone has no POS and so picks one reading: "casa" may come out as the verb "casar" and
"vino" as the noun. The tag decides: a NOUN is never lemmatised by an edit only verbs take.
"""

from __future__ import annotations

from . import dictionaries
from .conllu import CONTENT
from .lexicon import Lexicon, apply_script, edit_script

_KEEP_FORM = frozenset({"PUNCT", "NUM", "SYM", "X"})
# A candidate's edit "fits" when it is this common among the edits seen for the suffix under the tag.
FIT_SHARE = 0.05
# The suffix's edit gives way to the dictionary's lemma when its word is this much rarer (Zipf units,
# i.e. powers of ten in frequency).
RARER_BY = 2.0


def _zipf(word: str, lang: str) -> float:
    """How common `word` is as a word of `lang` (wordfreq's Zipf scale; 0 when unknown)."""
    try:
        from wordfreq import zipf_frequency

        return zipf_frequency(word, lang)
    except LookupError:  # a language wordfreq does not have
        return 0.0


def simplemma_lemma(form: str, lang: str) -> str:
    try:
        return dictionaries.lemmatize(form, lang)
    except ValueError:  # a language simplemma does not have
        return form


class Lemmatizer:
    def __init__(self, lang: str, lexicon: Lexicon | None) -> None:
        self.lang = lang
        self.lexicon = lexicon

    def lemma(self, form: str, upos: str, *, sure: bool = True) -> str:
        if self.lexicon is None:
            return simplemma_lemma(form, self.lang)
        known = self.lexicon.lemma(form, upos)
        if known and not (upos == "VERB" and known == form.lower()):
            return known
        # A verb whose treebank lemma is the form itself is either an infinitive or an annotation slip
        # ("come" → "come" once in es GSD): the dictionary decides.
        if known and simplemma_lemma(form, self.lang).lower() == known:
            return known
        if upos in _KEEP_FORM:
            return form
        candidate = simplemma_lemma(form, self.lang)
        if upos not in CONTENT and upos != "AUX":
            return candidate
        # An unsure tag overrides only a guess: simplemma's affix rules can invent "comendar".
        if not sure and dictionaries.is_known(candidate, self.lang):
            return candidate
        _, scripts = self.lexicon.scripts(form, upos)
        if not scripts:
            return candidate
        total = sum(n for _, n in scripts)
        wanted = edit_script(form, candidate)
        if any(s == wanted and n >= FIT_SHARE * total for s, n in scripts):
            return candidate
        best = apply_script(form, scripts[0][0])
        # Only a real word replaces the dictionary's answer: a mistagged form must not be "lemmatised"
        # into a non-word ("encabezaba" tagged ADJ would become "encabezabo").
        # It must also be a lemma, not another inflected form ("Ergebnissen" for "Ergebnissen").
        if not best or best == form.lower() or simplemma_lemma(best, self.lang).lower() != best:
            return candidate
        if not dictionaries.is_known(best, self.lang):
            return candidate
        # Both are words. The treebanks are news and encyclopaedia text, thin on first and second
        # persons, so a suffix's commonest edit can land on a rare word ("llamo" -> "llar", hearth;
        # "pido" -> "per") where the dictionary had the verb. A rare word does not beat a common one.
        if _zipf(candidate, self.lang) - _zipf(best, self.lang) >= RARER_BY:
            return candidate
        if self.lang == "de" and upos == "NOUN":
            best = best[:1].upper() + best[1:]
        return best
