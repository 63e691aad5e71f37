import factory

from adventures.models import Adventure, AdventureScene, AdventureStatus, SceneStatus
from vocab.tests.factories import PairFactory


class AdventureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Adventure

    pair = factory.SubFactory(PairFactory)
    user = factory.SelfAttribute("pair.user")
    title = factory.Sequence(lambda n: f"El misterio {n}")
    genre = "mystery"
    level = "A2"
    target_length = 8
    status = AdventureStatus.READY


class SceneFactory(factory.django.DjangoModelFactory):
    """A ready scene with two choices (a, b)."""

    class Meta:
        model = AdventureScene

    adventure = factory.SubFactory(AdventureFactory)
    depth = 1
    status = SceneStatus.READY
    paragraphs = factory.LazyFunction(lambda: ["La puerta está abierta.", "Oyes un ruido en la cocina."])
    translation = factory.LazyFunction(lambda: ["The door is open.", "You hear a noise in the kitchen."])
    choices = factory.LazyFunction(
        lambda: [
            {"id": "a", "text": "Entrar en la cocina", "translation": "Go into the kitchen"},
            {"id": "b", "text": "Llamar a la policía", "translation": "Call the police"},
        ]
    )
    new_words = factory.LazyFunction(
        lambda: [{"lemma": "ruido", "translation": "noise", "sentence": "Oyes un ruido en la cocina."}]
    )
    vocabulary = factory.LazyFunction(
        lambda: [
            {"lemma": "puerta", "text": "puerta", "pos": "", "sentence": "La puerta está abierta.", "known": False},
            {"lemma": "cocina", "text": "cocina", "pos": "", "sentence": "Oyes un ruido en la cocina.", "known": False},
        ]
    )


def adventure_with_opening(**kwargs) -> tuple[Adventure, AdventureScene]:
    adventure = AdventureFactory(**kwargs)
    scene = SceneFactory(adventure=adventure)
    adventure.current_scene = scene
    adventure.save(update_fields=["current_scene"])
    return adventure, scene
