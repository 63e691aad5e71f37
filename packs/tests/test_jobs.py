"""Admin actions that enqueue provider work: translations (DeepL) and audio (Gemini TTS), through
the real SDKs against the loopback fake server and a real Dramatiq worker."""

import pytest

from langlearn import storage
from langlearn.testing import run_jobs
from packs.models import JobStatus, WordBankPackEntry

from .factories import PackFactory

pytestmark = pytest.mark.django_db(transaction=True)

CHANGELIST = "/admin/packs/wordbankpack/"


@pytest.fixture
def editor_session(client, pack_editor):
    client.force_login(pack_editor)
    return client


def act(client, action, pack):
    return client.post(CHANGELIST, {"action": action, "_selected_action": [str(pack.pk)]}, follow=True)


def test_fill_missing_translations(editor_session, fake_providers, broker, worker):
    pack = PackFactory(source_language="en", target_language="es")
    kept = pack.entries.create(text="hola", translation="hi (editor's)", position=1)
    pack.entries.create(text="perro", position=2)
    pack.entries.create(text="gato", position=3)
    # The fake DeepL answers "[<target>] <text>" (a scripted answer would go to the language list call).
    response = act(editor_session, "fill_missing_translations", pack)
    assert "Queued translation of 2 entries" in response.content.decode()
    run_jobs(broker, worker)
    assert dict(pack.entries.values_list("text", "translation")) == {
        "hola": "hi (editor's)",
        "perro": "[EN-US] perro",
        "gato": "[EN-US] gato",
    }
    assert set(pack.entries.exclude(pk=kept.pk).values_list("translation_status", flat=True)) == {JobStatus.DONE}
    sent = [r for r in fake_providers.requests_for("deepl") if r.path.endswith("/translate")]
    assert len(sent) == 1  # one batch for the pack
    change = editor_session.get(f"{CHANGELIST}{pack.pk}/change/").content.decode()
    assert "Translation: 2 done, 0 queued, 0 failed" in change


def test_generate_missing_audio_stores_wav_per_entry(editor_session, fake_providers, broker, worker):
    pack = PackFactory(slug="sounds")
    pack.entries.create(text="hola", position=1)
    pack.entries.create(text="adiós", position=2, audio="packs/sounds/audio/own.wav")
    act(editor_session, "generate_missing_audio", pack)
    run_jobs(broker, worker)
    hola = pack.entries.get(text="hola")
    assert hola.audio == f"packs/sounds/audio/{hola.id}.wav"
    assert hola.audio_status == JobStatus.DONE
    assert storage.read_bytes(hola.audio)[:4] == b"RIFF"
    assert pack.entries.get(text="adiós").audio == "packs/sounds/audio/own.wav"
    assert len(fake_providers.requests_for("gemini")) == 1
    # asking again queues nothing: no entry lacks audio
    assert "Queued audio for 0 entries" in act(editor_session, "generate_missing_audio", pack).content.decode()


def test_permanent_provider_error_marks_entries_failed(editor_session, fake_providers, broker, worker):
    pack = PackFactory()
    pack.entries.create(text="hola", position=1)
    fake_providers.push_error("gemini", 400)
    act(editor_session, "generate_missing_audio", pack)
    run_jobs(broker, worker)
    entry = WordBankPackEntry.objects.get()
    assert (entry.audio, entry.audio_status) == ("", JobStatus.FAILED)
    assert "gemini" in entry.job_error.lower()
    assert len(fake_providers.requests_for("gemini")) == 1  # not retried
    listed = editor_session.get(CHANGELIST).content.decode()
    assert "0 queued, 1 failed" in listed
