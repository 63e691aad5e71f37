"""Pack entries re-analysed by `manage.py relemmatize`: blank POS filled (an editor's POS kept), words
of one pack that now share a lemma reported and kept; idempotent."""

from io import StringIO

import pytest
from django.core.management import call_command

from packs.models import WordBankPackEntry
from packs.tests.factories import PackEntryFactory, PackFactory

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    out = StringIO()
    call_command("relemmatize", "--skip-articles", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_pack_entries_get_a_pos_and_lemma_collisions_are_reported():
    pack = PackFactory(slug="basics")
    libro = PackEntryFactory(pack=pack, text="libro")
    libros = PackEntryFactory(pack=pack, text="libros")
    vino = PackEntryFactory(pack=pack, text="vino", part_of_speech="noun")

    assert "would fill POS of 2" in _run("--dry-run")
    assert WordBankPackEntry.objects.get(pk=libro.pk).part_of_speech == ""

    out = _run()

    assert "pack collision: pack basics: 'libro', 'libros' share the lemma 'libro'; all kept" in out
    assert "fill POS of 2, 1 lemma collisions reported" in out
    pos = dict(WordBankPackEntry.objects.values_list("pk", "part_of_speech"))
    assert (pos[libro.pk], pos[libros.pk], pos[vino.pk]) == ("NOUN", "NOUN", "noun")
    assert WordBankPackEntry.objects.filter(pack=pack).count() == 3
    assert "fill POS of 0" in _run()
    keys = dict(WordBankPackEntry.objects.values_list("text", "lemma_key"))
    assert keys == {"libro": "libro", "libros": "libro", "vino": "vino"}
    assert "set the word-bank key of 0" in _run()


def test_adding_a_pack_after_the_word_bank_was_reanalysed_adds_nothing_twice(auth_client, pair):
    pack = PackFactory(slug="plurals")
    PackEntryFactory(pack=pack, text="libros", translation="books")
    PackEntryFactory(pack=pack, text="casas", translation="houses")
    add = f"/api/packs/{pack.pk}/add-to-word-bank"
    assert auth_client.post(add, {"language_pair": str(pair.pk)}).json() == {"added": 2, "already_present": 0}

    _run()  # the learner's copies are re-keyed ("libros" → "libro") and the pack learns its keys

    assert set(pair.entries.values_list("normalized_lemma", flat=True)) == {"libro", "casa"}
    assert auth_client.post(add, {"language_pair": str(pair.pk)}).json() == {"added": 0, "already_present": 2}
    assert pair.entries.count() == 2


def test_an_edited_text_drops_the_lemma_key_it_was_analysed_for():
    entry = PackEntryFactory(text="libros")
    _run()
    entry = WordBankPackEntry.objects.get(pk=entry.pk)
    assert entry.word_bank_key == "libro"

    entry.text = "mesas"
    entry.save()

    assert WordBankPackEntry.objects.get(pk=entry.pk).word_bank_key == "mesas"
