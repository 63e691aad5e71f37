"""One learner's objects of every kind, built directly in the database (no providers): what the
access-control matrix probes with another learner, and what the fuzzer finds in its lists."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from accounts.models import Account
from adventures.models import Adventure, AdventureScene
from adventures.tests.factories import AdventureFactory, SceneFactory
from articles.models import ARTICLE_JOB_KIND, TranslatedArticle
from articles.tests.factories import ArticleFactory
from flashcards.models import Flashcard, FlashcardEvent
from knowledge.models import PlacementTest
from langlearn import storage
from langlearn.jobs.models import Job, JobStatus
from packs.models import WordBankPack, WordBankPackEntry
from packs.tests.factories import PackEntryFactory, PackFactory
from vocab.models import LearnableWordBankEntry, UserLanguagePair
from vocab.tests.factories import PairFactory, entry_with_cards


@dataclass
class World:
    user: Account
    pair: UserLanguagePair
    entry: LearnableWordBankEntry
    card: Flashcard
    event: FlashcardEvent
    job: Job
    article: TranslatedArticle
    adventure: Adventure
    scene: AdventureScene
    pack: WordBankPack  # a published pack: the shared catalogue, not the learner's
    pack_entry: WordBankPackEntry
    placement: PlacementTest | None = None  # a running placement test of the pair
    anki_export: Job | None = None  # a finished Anki export of the pair, its file stored


def build_world(user: Account, *, words: int = 3) -> World:
    pair = PairFactory(user=user, source_language="en", target_language="es", level="A2")
    entries = [entry_with_cards(pair) for _ in range(words)]
    entry, cards = entries[0]
    card = cards[0]
    now = timezone.now()
    event = FlashcardEvent.objects.create(
        card=card,
        user=user,
        rating=3,
        reviewed_at=now,
        duration_ms=1200,
        state_before={"state": 1},
        state_after={"state": 2},
    )
    job = Job.objects.create(
        user=user, kind=ARTICLE_JOB_KIND, status=JobStatus.FAILED, params={"language_pair": str(pair.pk)}, steps=[]
    )
    article = ArticleFactory(pair=pair, user=user, job=job)
    adventure = AdventureFactory(pair=pair, user=user)
    scene = SceneFactory(adventure=adventure)
    adventure.current_scene = scene
    adventure.save(update_fields=["current_scene"])
    pack = PackFactory(published=True)
    pack_entry = PackEntryFactory(pack=pack)
    placement = PlacementTest.objects.create(
        user=user,
        pair=pair,
        language="es",
        seed=1,
        items=[{"id": 0, "word": "casa", "band": 0, "pseudo": False, "answer": None}],
        search={"lo": 0, "hi": 15, "band": 0, "round": 1},
    )
    return World(
        user, pair, entry, card, event, job, article, adventure, scene, pack, pack_entry, placement, _anki_export(pair)
    )


def _anki_export(pair: UserLanguagePair) -> Job:
    key = f"anki-exports/{pair.user_id}/{pair.pk}/deck.apkg"
    storage.save_bytes(key, b"PK\x05\x06" + bytes(18), content_type="application/apkg")  # an empty zip
    output = {"key": key, "filename": "deck.apkg", "bytes": 22, "notes": 0, "cards": 0, "reviews": 0, "audio": 0}
    return Job.objects.create(
        user=pair.user,
        kind="anki_export",
        status=JobStatus.SUCCEEDED,
        params={"pair": str(pair.pk)},
        steps=[{"name": "build", "status": "done", "output": output}],
    )
