"""Create the demo learner (with a language pair) and demo editor `make run` prints (idempotent).

It lives in vocab, not accounts: it creates a language pair, and accounts sits below vocab."""

from django.contrib.auth.models import Permission
from django.core.management.base import BaseCommand

from accounts.models import Account
from langlearn.demo import DEMO_EDITOR, DEMO_LEARNER
from vocab.models import UserLanguagePair


class Command(BaseCommand):
    help = "Create (or reset) the demo learner and demo editor accounts."

    def handle(self, *args, **options):
        learner = self._account(*DEMO_LEARNER, display_name="Demo Learner", is_staff=False)
        editor = self._account(*DEMO_EDITOR, display_name="Demo Editor", is_staff=True)
        editor_perms = Permission.objects.filter(content_type__app_label__in=["packs"])
        editor.user_permissions.set(editor_perms)
        UserLanguagePair.objects.get_or_create(
            user=learner, source_language="en", target_language="es", defaults={"level": "A2"}
        )
        self.stdout.write("Demo accounts:")
        self.stdout.write(f"  learner  {DEMO_LEARNER[0]}  password: {DEMO_LEARNER[1]}")
        self.stdout.write(f"  editor   {DEMO_EDITOR[0]}  password: {DEMO_EDITOR[1]}  (admin: /admin/)")

    def _account(self, email: str, password: str, *, display_name: str, is_staff: bool) -> Account:
        account, _ = Account.objects.get_or_create(email=email, defaults={"display_name": display_name})
        account.display_name = display_name
        account.is_staff = is_staff
        account.set_password(password)
        account.save()
        return account
