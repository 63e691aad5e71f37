"""POS-aware lemmas: the treebank's own lemma for a known (form, tag), otherwise simplemma's dictionary
candidate when its edit fits the tag, otherwise the tag's most frequent edit for the form's ending.

simplemma alone has no POS and so picks one reading: "casa" may come out as the verb "casar" and
"vino" as the noun. The tag decides: a NOUN is never lemmatised by an edit only verbs take.
"""

from __future__ import annotations

import functools

from . import dictionaries
from .conllu import CONTENT
from .lexicon import Lexicon, apply_script, edit_script

_KEEP_FORM = frozenset({"PUNCT", "NUM", "SYM", "X"})
# A candidate's edit "fits" when it is this common among the edits seen for the suffix under the tag.
FIT_SHARE = 0.05
# The suffix's edit gives way to the dictionary's lemma when its word is this much rarer (Zipf units,
# i.e. powers of ten in frequency).
RARER_BY = 2.0
# How a verb's lemma (its infinitive) ends, where that is fixed. A VERB/AUX lemma that does not end so
# is not a lemma ("leo" → "leo", "lis" → "lis"): the first and second persons the treebanks barely
# hold. Not German: its infinitives end in a bare -n, which many forms share (block-CV -0.06 pt).
# Only languages with a trained model (the rule needs the treebank's edits): Italian has none yet.
INFINITIVE_ENDINGS = {
    "es": ("ar", "er", "ir", "ír"),
    "pt": ("ar", "er", "ir", "or", "ôr"),
    "fr": ("er", "ir", "re", "ïr"),
}
# A verb edit's result must be at least this common a word (Zipf) to replace the chosen lemma; an
# infinitive this common is kept without a look at the alternatives (most verbs of a text).
MIN_VERB_ZIPF = 3.0
COMMON_VERB_ZIPF = 4.0


@functools.lru_cache(maxsize=100_000)  # wordfreq tokenises each word it is asked about
def word_zipf(word: str, lang: str) -> float:
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
        # Verb forms repeat (Zipf's law): each (form, lemma) is looked into once per process.
        self._infinitive = functools.lru_cache(maxsize=20_000)(self._infinitive)

    def lemma(self, form: str, upos: str, *, sure: bool = True) -> str:
        lemma = self._lemma(form, upos, sure=sure)
        if upos in ("VERB", "AUX") and self.lexicon is not None and self.lang in INFINITIVE_ENDINGS:
            return self._infinitive(form, lemma)
        return lemma

    def _infinitive(self, form: str, lemma: str) -> str:
        """A verb's lemma is an infinitive. When the chosen one is not infinitive-shaped, or is a rare
        word while the form's verb edits lead to a common one ("salgo" → "salgar", to salt cattle,
        where "salir" is 10^3 times more common), take the most common real infinitive those edits
        give. The edits are the treebank's for the form's endings, under VERB."""
        endings = INFINITIVE_ENDINGS[self.lang]
        low = lemma.lower()
        shaped = low.endswith(endings)
        here = word_zipf(low, self.lang) if shaped else float("-inf")
        if here >= COMMON_VERB_ZIPF:
            return lemma  # a common infinitive already: only a far commoner one could replace it
        best, best_zipf = lemma, here
        for candidate, swapped in self._verb_candidates(form, endings).items():
            if candidate == low or simplemma_lemma(candidate, self.lang).lower() != candidate:
                continue  # a lemma, not another form
            zipf = word_zipf(candidate, self.lang)
            verb = self.lexicon.seen_as_verb(candidate)
            if verb is None:
                if swapped and zipf < COMMON_VERB_ZIPF:  # a bare ending swap the treebank never saw
                    continue  # must give a common word ("mets" → "mere")
            elif not verb:
                continue  # the treebank knows the word, and never as a verb ("sors" → "soir", evening)
            if zipf > best_zipf:
                best, best_zipf = candidate, zipf
        if best is lemma or best_zipf < MIN_VERB_ZIPF:
            return lemma
        return best if not shaped or best_zipf - here >= RARER_BY else lemma

    def _verb_candidates(self, form: str, endings: tuple[str, ...]) -> dict[str, bool]:
        """Infinitives the form may belong to, each with whether it is only an ending swap: the
        treebank's verb edits for its endings (False), and its last one to three letters replaced by
        each infinitive ending (True: "trabajo" → "trabajar", "lis" → "lire"). Each keeps the form's
        first half: no suppletion ("fue" → "ir" is the dictionary's)."""
        low = form.lower()
        stem = max(2, (len(low) + 1) // 2)
        found: dict[str, bool] = {}
        for cut in range(1, 4):
            if len(low) - cut >= stem:
                found.update(dict.fromkeys((low[: len(low) - cut] + ending for ending in endings), True))
        for script in self.lexicon.all_scripts(form, "VERB"):
            if len(low) - int(script.split("|", 1)[0]) >= stem:
                found[apply_script(form, script) or ""] = False
        return {c: swapped for c, swapped in found.items() if c.endswith(endings)}

    def _lemma(self, form: str, upos: str, *, sure: bool = True) -> str:
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
        if word_zipf(candidate, self.lang) - word_zipf(best, self.lang) >= RARER_BY:
            return candidate
        if self.lang == "de" and upos == "NOUN":
            best = best[:1].upper() + best[1:]
        return best
