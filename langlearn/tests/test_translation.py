"""DeepL through the real deepl SDK against the fake server, with the database cache."""

import pytest

from langlearn.clients import ProviderError, get_translator
from langlearn.clients.translation import deepl_source_code, deepl_target_code
from langlearn.models import TranslationCacheEntry

pytestmark = pytest.mark.django_db


def test_translate_batches_and_sends_codes_and_auth(fake_providers):
    batch = get_translator().translate(["Hello world", "Good morning"], source="en", target="es")

    assert batch.provider == "deepl"
    assert batch.texts == ["[ES] Hello world", "[ES] Good morning"]
    assert [t.billed_characters for t in batch.translations] == [11, 12]
    assert not any(t.cached for t in batch.translations)
    [req] = fake_providers.requests_for("deepl")
    assert (req.method, req.path) == ("POST", "/v2/translate")
    assert req.headers["authorization"] == "DeepL-Auth-Key fake-deepl-key:fx"
    assert req.json["text"] == ["Hello world", "Good morning"]
    assert req.json["source_lang"] == "EN"
    assert req.json["target_lang"] == "ES"


@pytest.mark.parametrize(
    ("ours", "target", "source"),
    [
        ("en", "EN-US", "EN"),
        ("en-GB", "EN-GB", "EN"),
        ("pt", "PT-BR", "PT"),
        ("pt-PT", "PT-PT", "PT"),
        ("pt-BR", "PT-BR", "PT"),
        ("de", "DE", "DE"),
        ("zh", "ZH-HANS", "ZH"),
        ("nb", "NB", "NB"),
    ],
)
def test_language_codes_map_to_deepl(ours, target, source):
    assert deepl_target_code(ours) == target
    assert deepl_source_code(ours) == source


def test_target_code_reaches_the_wire(fake_providers):
    get_translator().translate(["Hola"], source="es", target="pt-PT")
    get_translator().translate(["Hola"], source="es", target="en")
    assert [r.json["target_lang"] for r in fake_providers.requests_for("deepl")] == ["PT-PT", "EN-US"]


def test_second_call_is_answered_from_the_cache(fake_providers):
    translator = get_translator()
    translator.translate(["Where is the station?"], source="en", target="fr")

    again = translator.translate(["Where is the station?"], source="en", target="fr")

    assert again.texts == ["[FR] Where is the station?"]
    assert again.translations[0].cached is True
    assert again.translations[0].billed_characters == 0
    assert len(fake_providers.requests_for("deepl")) == 1
    assert TranslationCacheEntry.objects.filter(source_language="EN", target_language="FR").count() == 1


def test_only_missing_texts_are_sent_and_order_is_kept(fake_providers):
    translator = get_translator()
    translator.translate(["two"], source="en", target="de")

    batch = translator.translate(["one", "two", "one", "", "three"], source="en", target="de")

    assert batch.texts == ["[DE] one", "[DE] two", "[DE] one", "", "[DE] three"]
    assert [t.cached for t in batch.translations] == [False, True, True, True, False]
    assert fake_providers.requests_for("deepl")[-1].json["text"] == ["one", "three"]


def test_cache_is_per_language_pair(fake_providers):
    translator = get_translator()
    translator.translate(["Hello"], source="en", target="es")
    translator.translate(["Hello"], source="en", target="it")
    assert len(fake_providers.requests_for("deepl")) == 2


def test_large_batches_are_split_at_fifty(fake_providers):
    texts = [f"sentence {i}" for i in range(120)]
    batch = get_translator().translate(texts, source="en", target="es")
    assert batch.texts == [f"[ES] sentence {i}" for i in range(120)]
    assert [len(r.json["text"]) for r in fake_providers.requests_for("deepl")] == [50, 50, 20]


def test_can_translate_to_uses_the_cached_language_list(fake_providers):
    translator = get_translator()

    assert translator.can_translate_to("es") is True
    assert translator.can_translate_to("pt-BR") is True
    assert translator.can_translate_to("en") is True
    assert translator.can_translate_to("xx") is False

    [req] = fake_providers.requests_for("deepl")  # one fetch for four questions
    assert (req.method, req.path) == ("GET", "/v2/languages")
    assert req.form == {"type": ["target"]}


@pytest.mark.parametrize(
    ("status", "retryable"), [(429, True), (500, True), (503, True), (456, False), (403, False), (400, False)]
)
def test_status_errors_map_to_retryable(fake_providers, status, retryable):
    fake_providers.push_error("deepl", status)
    with pytest.raises(ProviderError) as err:
        get_translator().translate(["Hello"], source="en", target="es")
    assert err.value.provider == "deepl"
    assert err.value.status_code == status
    assert err.value.retryable is retryable
    assert TranslationCacheEntry.objects.count() == 0  # nothing half-written


def test_timeout_is_retryable(fake_providers, settings):
    settings.PROVIDER_TIMEOUT_SECONDS = 0.3
    fake_providers.push_hang("deepl", 3)
    with pytest.raises(ProviderError) as err:
        get_translator().translate(["Hello"], source="en", target="es")
    assert err.value.retryable is True


def test_malformed_body_is_retryable(fake_providers):
    fake_providers.push_malformed("deepl")
    with pytest.raises(ProviderError) as err:
        get_translator().translate(["Hello"], source="en", target="es")
    assert err.value.retryable is True


def test_cache_is_visible_read_only_in_the_admin(fake_providers, admin_client):
    get_translator().translate(["See you tomorrow"], source="en", target="it")
    entry = TranslationCacheEntry.objects.get()

    changelist = admin_client.get("/admin/langlearn/translationcacheentry/?q=tomorrow")
    assert changelist.status_code == 200
    assert "[IT] See you tomorrow" in changelist.content.decode()
    assert admin_client.get("/admin/langlearn/translationcacheentry/add/").status_code == 403
    detail = admin_client.post(f"/admin/langlearn/translationcacheentry/{entry.pk}/change/", {"translation": "x"})
    assert detail.status_code == 403
    entry.refresh_from_db()
    assert entry.translation == "[IT] See you tomorrow"
