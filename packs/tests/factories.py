import factory

from packs.models import WordBankPack, WordBankPackEntry


class PackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WordBankPack

    title = factory.Sequence(lambda n: f"Pack {n}")
    slug = factory.Sequence(lambda n: f"pack-{n}")
    source_language = "en"
    target_language = "es"
    level = "A1"
    tags = factory.LazyFunction(lambda: ["everyday"])
    published = True
    published_at = factory.Faker("date_time", tzinfo=__import__("datetime").UTC)


class PackEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WordBankPackEntry

    pack = factory.SubFactory(PackFactory)
    text = factory.Sequence(lambda n: f"palabra {n}")
    translation = factory.Sequence(lambda n: f"word {n}")
    position = factory.Sequence(lambda n: n)


def make_entries(pack: WordBankPack, n: int, *, start: int = 0) -> list[WordBankPackEntry]:
    return WordBankPackEntry.objects.bulk_create(
        WordBankPackEntry(
            pack=pack, position=i, text=f"palabra {i}", normalized_text=f"palabra {i}", translation=f"word {i}"
        )
        for i in range(start, start + n)
    )
