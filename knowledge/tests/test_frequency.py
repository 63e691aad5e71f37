"""The placement's lemma list: lemmas (not forms), deduplicated, cached, and the command that
builds it ahead of time."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from knowledge.frequency import lemma_list_cached, lemmatise_forms, ranked_lemmas


def test_the_list_holds_lemmas_once_each_most_frequent_first():
    lemmas = ranked_lemmas("es")
    assert len(lemmas) == len(set(lemmas)) > 20_000
    rank = {w: i for i, w in enumerate(lemmas)}
    assert {"tener", "casa", "comer"} <= rank.keys()
    assert not {"tiene", "tenía", "casas", "johnson"} & rank.keys()  # forms and names are not listed
    assert rank["tener"] < rank["casa"] < rank["comer"]
    assert ranked_lemmas("pt-BR") is ranked_lemmas("pt-BR")  # kept in the process too
    assert ranked_lemmas("sw") == ()  # no wordfreq list


def test_forms_are_keyed_as_the_word_bank_keys_a_word_added_alone():
    out = lemmatise_forms(["tenían", "casas", "Madrid"], "es")
    assert out["tenían"] == "tener"
    assert out["casas"] == "casa"
    assert "Madrid" not in out  # a name


def test_the_command_builds_what_is_missing(settings, tmp_path):
    settings.FREQUENCY_CACHE_DIR = str(tmp_path)
    out = io.StringIO()
    call_command("placement_lists", "--language", "es", "--dry-run", stdout=out)
    assert "es: would build" in out.getvalue()
    assert not lemma_list_cached("es")
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(CommandError, match="sw"):
        call_command("placement_lists", "--language", "sw", stdout=out)
