import factory

from accounts.models import Account

DEFAULT_PASSWORD = "correct-horse-battery-staple"


class AccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Account
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"learner{n}@example.com")
    display_name = factory.Faker("first_name")
    password = factory.django.Password(DEFAULT_PASSWORD)


class EditorFactory(AccountFactory):
    email = factory.Sequence(lambda n: f"editor{n}@example.com")
    is_staff = True
