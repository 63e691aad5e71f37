"""Adding words with only their text: lemma/POS from spaCy, translation from DeepL, audio from Gemini
TTS, all through the real SDKs against the loopback fake server (`fake_providers`)."""

import pytest

from langlearn import storage
from langlearn.clients import ProviderError, get_translator, get_tts
from langlearn.testing import run_jobs
from vocab.models import LearnableWordBankEntry
from vocab.services import entry_media_generate
from vocab.tasks import entry_media_generate as entry_media_job
from vocab.tests.factories import EntryFactory, PairFactory

URL = "/api/vocab/entries"


def translate_calls(fake):
    return [r for r in fake.requests_for("deepl") if r.path.endswith("/translate")]


def add(client, pair, **fields):
    return client.post(URL, {"language_pair": str(pair.pk), **fields})


@pytest.mark.django_db
def test_only_text_fills_lemma_pos_and_translation(auth_client, pair, fake_providers):
    r = add(auth_client, pair, text="comiendo")
    assert r.status_code == 201, r.json()
    body = r.json()
    assert body["lemma"] == "comer"
    assert body["translation"] == "[EN-US] comiendo"
    (call,) = translate_calls(fake_providers)
    assert call.json["source_lang"] == "ES"
    assert call.json["text"] == ["comiendo"]
    assert LearnableWordBankEntry.objects.get(pk=body["id"]).normalized_lemma == "comer"


@pytest.mark.django_db
def test_another_form_of_a_word_already_there_is_a_duplicate(auth_client, pair, fake_providers):
    first = add(auth_client, pair, text="comiendo").json()
    again = add(auth_client, pair, text="comer")
    assert again.status_code == 200
    assert (again.json()["created"], again.json()["id"]) == (False, first["id"])
    assert len(translate_calls(fake_providers)) == 1  # nothing paid for a word already there


@pytest.mark.django_db
def test_learner_values_override_the_providers(auth_client, pair, fake_providers):
    r = add(auth_client, pair, text="casas", lemma="casa", translation="houses", part_of_speech="NOUN")
    assert r.status_code == 201
    assert (r.json()["lemma"], r.json()["translation"], r.json()["part_of_speech"]) == ("casa", "houses", "NOUN")
    assert translate_calls(fake_providers) == []


@pytest.mark.django_db
def test_translations_are_cached(auth_client, user, fake_providers):
    a = PairFactory(user=user)
    b = PairFactory(user=user, source_language="en-GB", target_language="es")
    add(auth_client, a, text="perro")
    # Same word and languages in another pair: answered from the translation cache, not paid again.
    c = PairFactory(user=user, source_language="en-US", target_language="es")
    r1 = add(auth_client, c, text="perro").json()
    assert r1["translation"] == "[EN-US] perro"
    assert len(translate_calls(fake_providers)) == 1
    assert add(auth_client, b, text="perro").json()["translation"] == "[EN-GB] perro"
    assert len(translate_calls(fake_providers)) == 2


@pytest.mark.django_db
def test_bulk_translates_new_words_in_one_call(auth_client, pair, fake_providers):
    EntryFactory(pair=pair, text="gato", lemma="gato")
    items = [{"text": t} for t in ("gato", "perro", "caballo", "pájaro")]
    body = auth_client.post(f"{URL}/bulk", {"language_pair": str(pair.pk), "entries": items}, format="json").json()
    assert (body["created"], body["existing"]) == (3, 1)
    (call,) = translate_calls(fake_providers)
    assert call.json["text"] == ["perro", "caballo", "pájaro"]
    assert [e["translation"] for e in body["results"][1:]] == ["[EN-US] perro", "[EN-US] caballo", "[EN-US] pájaro"]


@pytest.mark.django_db
def test_translation_outage_still_saves_the_word(auth_client, pair, fake_providers):
    fake_providers.push_error("deepl", 503)
    r = add(auth_client, pair, text="perro")
    assert r.status_code == 201
    assert r.json()["translation"] == ""
    assert r.json()["lemma"] == "perro"


@pytest.mark.django_db(transaction=True)
def test_audio_job_speaks_the_word_and_fills_a_missing_translation(auth_client, pair, fake_providers, broker, worker):
    fake_providers.push_error("deepl", 503)  # the add-time translation fails ...
    entry_id = add(auth_client, pair, text="perro").json()["id"]
    run_jobs(broker, worker, entry_media_job.queue_name)
    entry = LearnableWordBankEntry.objects.get(pk=entry_id)
    assert entry.translation == "[EN-US] perro"  # ... and the job fills it
    assert entry.audio == f"vocab/audio/{pair.user_id}/{entry_id}.wav"
    assert storage.read_bytes(entry.audio)[:4] == b"RIFF"
    (tts_call,) = fake_providers.requests_for("gemini")
    assert "perro" in tts_call.body.decode()
    assert auth_client.get(f"{URL}/{entry_id}").json()["audio_url"]
    assert auth_client.get(URL, {"has_audio": "true"}).json()["results"][0]["id"] == entry_id


@pytest.mark.django_db
def test_media_job_is_idempotent_and_keeps_learner_edits(pair, fake_providers):
    entry = EntryFactory(pair=pair, text="perro", translation="")
    kwargs = {"entry_id": entry.pk, "tts": get_tts(), "translator": get_translator()}
    entry_media_generate(**kwargs)
    entry.refresh_from_db()
    first_audio = entry.audio
    LearnableWordBankEntry.objects.filter(pk=entry.pk).update(translation="doggy")
    entry_media_generate(**kwargs)
    entry.refresh_from_db()
    assert (entry.audio, entry.translation) == (first_audio, "doggy")
    assert len(fake_providers.requests_for("gemini")) == 1


@pytest.mark.django_db
def test_media_job_transient_error_raises_for_retry_permanent_error_gives_up(pair, fake_providers):
    entry = EntryFactory(pair=pair, text="perro")
    kwargs = {"entry_id": entry.pk, "tts": get_tts(), "translator": get_translator()}
    fake_providers.push_error("gemini", 503)
    with pytest.raises(ProviderError) as exc:
        entry_media_generate(**kwargs)
    assert exc.value.retryable
    fake_providers.push_error("gemini", 400)
    entry_media_generate(**kwargs)  # logged, not raised: retrying cannot help
    entry.refresh_from_db()
    assert entry.audio == ""


@pytest.mark.django_db
def test_media_job_for_a_deleted_entry_does_nothing(fake_providers):
    import uuid

    assert entry_media_generate(entry_id=uuid.uuid4(), tts=get_tts(), translator=get_translator()) is None
    assert fake_providers.requests_for("gemini") == []


@pytest.mark.django_db
def test_lookup(auth_client, pair, fake_providers):
    r = auth_client.post("/api/vocab/lookup", {"language_pair": str(pair.pk), "text": "Comiendo"})
    assert r.status_code == 200, r.json()
    assert r.json() == {
        "text": "Comiendo",
        "lemma": "comer",
        "part_of_speech": r.json()["part_of_speech"],
        "translation": "[EN-US] comer",  # the lemma is translated, not the tapped form
        "in_word_bank": False,
        "entry_id": None,
        "expressions": [],
    }
    entry = EntryFactory(pair=pair, text="comer", lemma="comer", translation="to eat")
    r = auth_client.post("/api/vocab/lookup", {"language_pair": str(pair.pk), "text": "comiendo"}).json()
    assert (r["in_word_bank"], r["entry_id"], r["translation"]) == (True, str(entry.pk), "to eat")
    assert len(translate_calls(fake_providers)) == 1  # the learner's own translation, free


@pytest.mark.django_db
def test_lookup_translation_outage_is_503(auth_client, pair, fake_providers):
    fake_providers.push_error("deepl", 503)
    r = auth_client.post("/api/vocab/lookup", {"language_pair": str(pair.pk), "text": "perro"})
    assert r.status_code == 503
    assert r.json()["code"] == "provider_unavailable"
    assert "Retry-After" in r.headers


@pytest.mark.django_db
def test_lookup_validation(auth_client, pair):
    assert auth_client.post("/api/vocab/lookup", {"language_pair": str(pair.pk), "text": ""}).status_code == 400
    assert auth_client.post("/api/vocab/lookup", {"text": "perro"}).status_code == 400
