import pytest
from django.utils import timezone

from accounts.models import Account
from flashcards.models import Flashcard, FlashcardEvent
from vocab.models import LearnableWordBankEntry
from vocab.tests.factories import EntryFactory, PairFactory, card_for, entry_with_cards

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    admin = Account.objects.create_superuser(email="root@example.com", password="pw-pw-pw-pw")
    client.force_login(admin)
    return client


def test_changelists_and_change_pages_render(admin_client, user):
    pair = PairFactory(user=user)
    entry, cards = entry_with_cards(pair)
    event = FlashcardEvent.objects.create(
        card=cards[0], user=user, rating=3, reviewed_at=timezone.now(), state_before={}, state_after={}
    )
    pages = [
        "/admin/vocab/userlanguagepair/",
        f"/admin/vocab/userlanguagepair/{pair.pk}/change/",
        "/admin/vocab/learnablewordbankentry/",
        f"/admin/vocab/learnablewordbankentry/?source=manual&pair__id__exact={pair.pk}",
        "/admin/vocab/learnablewordbankentry/?q=palabra",
        f"/admin/vocab/learnablewordbankentry/{entry.pk}/change/",
        "/admin/flashcards/flashcard/",
        f"/admin/flashcards/flashcard/{cards[0].pk}/change/",
        "/admin/flashcards/flashcardevent/",
        f"/admin/flashcards/flashcardevent/{event.pk}/change/",
    ]
    for url in pages:
        assert admin_client.get(url).status_code == 200, url


def test_admin_edit_goes_through_the_service(admin_client, user):
    pair = PairFactory(user=user)
    EntryFactory(pair=pair, text="comer", lemma="comer")
    entry = EntryFactory(pair=pair, text="comiendo", lemma="comiendo", translation="eating")
    url = f"/admin/vocab/learnablewordbankentry/{entry.pk}/change/"
    form = {"text": "comiendo", "lemma": "comer", "part_of_speech": "", "translation": "eating",
            "example_sentence": "", "example_translation": "", "flashcards-TOTAL_FORMS": "0",
            "flashcards-INITIAL_FORMS": "0"}  # fmt: skip
    r = admin_client.post(url, form)
    assert r.status_code == 200  # the form again, with the duplicate error
    assert b"already has this word" in r.content
    form["lemma"] = "Comiendo "
    form["translation"] = "while eating"
    assert admin_client.post(url, form).status_code == 302
    entry.refresh_from_db()
    assert (entry.translation, entry.normalized_lemma) == ("while eating", "comiendo")


def test_fsrs_state_is_read_only_in_the_admin(admin_client, pair):
    card = card_for(pair)
    url = f"/admin/flashcards/flashcard/{card.pk}/change/"
    r = admin_client.post(url, {"suspended": "on", "stability": "99", "state": "2", "events-TOTAL_FORMS": "0",
                                "events-INITIAL_FORMS": "0"})  # fmt: skip
    assert r.status_code == 302
    card.refresh_from_db()
    assert (card.suspended, card.stability, card.state) == (True, None, 1)
    assert admin_client.get("/admin/flashcards/flashcard/add/").status_code == 403
    assert admin_client.get("/admin/vocab/learnablewordbankentry/add/").status_code == 403


def test_admin_pair_settings_use_the_service(admin_client, user):
    pair = PairFactory(user=user, production_cards_enabled=False)
    entry, _ = entry_with_cards(pair)
    url = f"/admin/vocab/userlanguagepair/{pair.pk}/change/"
    form = {"level": "B2", "is_active": "on", "daily_new_cards": "10", "production_cards_enabled": "on",
            "desired_retention": "0.85", "fsrs_parameters": "null", "coverage_target": "0.97",
            "new_words_per_100": "2", "revision_rounds": "1"}  # fmt: skip
    r = admin_client.post(url, form)
    assert r.status_code == 302, r.content[:2000]
    pair.refresh_from_db()
    assert (pair.level, pair.daily_new_cards, pair.desired_retention) == ("B2", 10, 0.85)
    assert (pair.coverage_target, pair.revision_rounds) == (0.97, 1)
    assert Flashcard.objects.filter(entry=entry, direction="produce").exists()
    assert admin_client.post(f"/admin/vocab/userlanguagepair/{pair.pk}/delete/", {"post": "yes"}).status_code == 302
    assert not LearnableWordBankEntry.objects.filter(pk=entry.pk).exists()
