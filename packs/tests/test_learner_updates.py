"""Corrections to a pack reach learners who added it before: new audio, and a corrected
translation unless the learner edited theirs."""

import pytest
from django.core.management import call_command

from langlearn.clients import get_tts
from packs.services.enrich import pack_entry_synthesize
from vocab.models import LearnableWordBankEntry, UserLanguagePair

from .factories import PackFactory

pytestmark = pytest.mark.django_db


def add(client, pack, pair):
    response = client.post(f"/api/packs/{pack.id}/add-to-word-bank", {"language_pair": str(pair.id)}, format="json")
    assert response.status_code == 200, response.json()


@pytest.fixture
def learners(auth_client, other_client, pair, other_user):
    other_pair = UserLanguagePair.objects.create(user=other_user, source_language="en", target_language="es")
    return [(auth_client, pair), (other_client, other_pair)]


def _copy(pair, text="el perro"):
    return LearnableWordBankEntry.objects.get(pair=pair, normalized_lemma=text)


def test_audio_generated_after_learners_added_the_pack_reaches_them(learners):
    pack = PackFactory(published=True)
    entry = pack.entries.create(text="el perro", translation="the dog")
    for client, pair in learners:
        add(client, pack, pair)
    assert _copy(learners[0][1]).audio == ""
    assert pack_entry_synthesize(entry_id=entry.id, tts=get_tts()) is True
    entry.refresh_from_db()
    assert entry.audio
    assert [_copy(pair).audio for _, pair in learners] == [entry.audio, entry.audio]


def test_a_corrected_translation_reaches_learners_who_did_not_edit_theirs(learners, pack_editor_client):
    pack = PackFactory(published=True)
    entry = pack.entries.create(text="el perro", translation="the dgo")
    for client, pair in learners:
        add(client, pack, pair)
    (_, mine), (_, theirs) = learners
    LearnableWordBankEntry.objects.filter(pk=_copy(theirs).pk).update(translation="dog (my note)")
    response = pack_editor_client.patch(
        f"/api/admin/packs/{pack.id}/entries/{entry.id}", {"translation": "the dog"}, format="json"
    )
    assert response.status_code == 200
    assert _copy(mine).translation == "the dog"
    assert _copy(theirs).translation == "dog (my note)"


def test_a_word_the_learner_had_before_the_pack_is_not_touched(auth_client, pair, pack_editor_client):
    pack = PackFactory(published=True)
    entry = pack.entries.create(text="el perro", translation="the dgo")
    LearnableWordBankEntry.objects.create(
        user=pair.user, pair=pair, text="el perro", normalized_lemma="el perro", translation="the dgo"
    )
    add(auth_client, pack, pair)
    pack_editor_client.patch(
        f"/api/admin/packs/{pack.id}/entries/{entry.id}", {"translation": "the dog"}, format="json"
    )
    assert _copy(pair).translation == "the dgo"  # manual entry, not the pack's copy


def test_backfill_command_gives_old_copies_the_audio_once(learners, capsys):
    pack = PackFactory(published=True, slug="old-pack")
    entry = pack.entries.create(text="el perro", translation="the dog")
    for client, pair in learners:
        add(client, pack, pair)
    type(entry).objects.filter(pk=entry.pk).update(audio="packs/old-pack/audio/perro.wav")  # generated before the fix

    call_command("backfill_pack_audio", "--dry-run")
    assert "2 learner entries would get audio from 1 pack entries." in capsys.readouterr().out
    assert _copy(learners[0][1]).audio == ""

    call_command("backfill_pack_audio", "old-pack")
    assert "2 learner entries got audio" in capsys.readouterr().out
    assert {_copy(pair).audio for _, pair in learners} == {"packs/old-pack/audio/perro.wav"}

    call_command("backfill_pack_audio")
    assert "0 learner entries got audio" in capsys.readouterr().out


def test_a_translation_corrected_in_the_admin_reaches_learners(auth_client, pair, client, pack_editor):
    pack = PackFactory(published=True)
    entry = pack.entries.create(text="el perro", translation="the dgo")
    add(auth_client, pack, pair)
    client.force_login(pack_editor)
    data = {"pack": str(pack.pk), "position": "0", "text": "el perro", "translation": "the dog"}
    response = client.post(f"/admin/packs/wordbankpackentry/{entry.pk}/change/", data)
    assert response.status_code == 302
    assert _copy(pair).translation == "the dog"
