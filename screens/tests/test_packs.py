import pytest

from packs.tests.factories import PackFactory, make_entries
from screens.serializers import PacksScreenSerializer
from vocab.models import EntrySource
from vocab.tests.factories import EntryFactory, PairFactory

from .conftest import assert_shape

URL = "/bff/packs"
pytestmark = pytest.mark.django_db


def test_packs_grouped_by_level_for_the_active_pair(auth_client, user, pair, read_only):
    b1 = PackFactory(level="B1", title="Viajes")
    a1 = PackFactory(level="A1", title="Comida")
    a1_added = PackFactory(level="A1", title="Animales")
    make_entries(b1, 8)
    make_entries(a1, 2)
    make_entries(a1_added, 1)
    EntryFactory(pair=pair, text="perro", source=EntrySource.PACK, source_ref=a1_added.pk)
    PackFactory(level="A1", target_language="fr")  # another pair's languages
    PackFactory(level="A1", published=False)

    with read_only():
        response = auth_client.get(URL)

    assert response.status_code == 200
    body = response.json()
    assert_shape(body, PacksScreenSerializer())
    assert body["language_pair"] == str(pair.pk)
    assert [g["level"] for g in body["levels"]] == ["A1", "B1"]
    a1_group, b1_group = body["levels"]
    assert [p["title"] for p in a1_group["packs"]] == ["Animales", "Comida"]
    assert [p["already_added"] for p in a1_group["packs"]] == [True, False]
    assert [p["entry_count"] for p in a1_group["packs"]] == [1, 2]
    viajes = b1_group["packs"][0]
    assert viajes["entry_count"] == 8
    assert [e["text"] for e in viajes["preview"]] == [f"palabra {i}" for i in range(5)]  # first 5 by position
    assert body["truncated"] is False


def test_packs_for_a_chosen_pair_and_others_404(auth_client, user, pair, other_pair):
    french = PairFactory(user=user, target_language="fr")
    PackFactory(level="A1")
    french_pack = PackFactory(level="A2", target_language="fr")

    body = auth_client.get(URL, {"language_pair": str(french.pk)}).json()
    assert [p["id"] for g in body["levels"] for p in g["packs"]] == [str(french_pack.pk)]
    assert auth_client.get(URL, {"language_pair": str(other_pair.pk)}).status_code == 404


def test_packs_without_a_pair_lists_every_published_pack(auth_client):
    PackFactory(level="A1")
    PackFactory(level="C1", target_language="fr")
    body = auth_client.get(URL).json()
    assert body["pair"] is None
    assert [g["level"] for g in body["levels"]] == ["A1", "C1"]


@pytest.mark.parametrize("packs", [1, 20])
def test_packs_query_count_is_constant(auth_client, pair, packs, django_assert_num_queries):
    for i in range(packs):
        make_entries(PackFactory(level=["A1", "A2", "B1"][i % 3]), 12)

    with django_assert_num_queries(4):  # the account (JWT), the pair, the packs, the previews
        body = auth_client.get(URL).json()
    assert sum(len(g["packs"]) for g in body["levels"]) == packs
    assert all(len(p["preview"]) == 5 for g in body["levels"] for p in g["packs"])
