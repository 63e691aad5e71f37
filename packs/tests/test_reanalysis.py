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
