from pathlib import Path

import pytest
from django.contrib.auth.models import Permission

from accounts.tests.factories import EditorFactory
from langlearn.testing import client_for
from vocab.models import UserLanguagePair

DEMO_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "demo"


@pytest.fixture
def pack_editor(db):
    """An editor as seed_demo makes them: is_staff with every `packs` permission."""
    editor = EditorFactory()
    editor.user_permissions.set(Permission.objects.filter(content_type__app_label="packs"))
    return editor


@pytest.fixture
def pack_editor_client(pack_editor):
    return client_for(pack_editor)


@pytest.fixture
def pair(user):
    return UserLanguagePair.objects.create(user=user, source_language="en", target_language="es")
