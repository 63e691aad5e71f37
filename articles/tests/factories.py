import factory

from articles.models import TranslatedArticle
from vocab.tests.factories import PairFactory as _PairFactory


class PairFactory(_PairFactory):
    level = "B1"


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TranslatedArticle

    pair = factory.SubFactory(PairFactory)
    user = factory.SelfAttribute("pair.user")
    level = "B1"
    language = "es"
    translation_language = "en"
    title = factory.Sequence(lambda n: f"Artículo {n}")
    body = "El gato come pescado. El perro duerme en casa."
    translation = "The cat eats fish. The dog sleeps at home."
