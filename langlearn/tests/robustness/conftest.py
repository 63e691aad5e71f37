"""The live stack for robustness tests: gunicorn serving the app on a free loopback port against
this test run's PostgreSQL database, and the provider fake server as its own process."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.core.management import call_command
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.tests.factories import AccountFactory, EditorFactory

from . import procs
from .world import World, build_world


@dataclass
class LiveStack:
    url: str
    learner_token: str
    editor_token: str
    throwaway_token: str  # a learner who may delete their account
    world: World
    server: procs.Proc
    fake: procs.Proc


@pytest.fixture(scope="module")
def live_stack(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[LiveStack]:
    """Tests using it carry `@pytest.mark.django_db` (so pytest-django sets the test database up);
    these rows are committed (the server is another process) and the database is flushed afterwards,
    so tests that run later in this session start from an empty database as usual."""
    log_dir = tmp_path_factory.mktemp("live-logs")
    with django_db_blocker.unblock():
        learner = AccountFactory()
        editor = EditorFactory()
        throwaway = AccountFactory()
        world = build_world(learner)
        fake = procs.start_fake_providers(log_dir)
        env = procs.app_env(fake_url=fake.url, media_root=tmp_path_factory.mktemp("live-media"))
        try:
            server = procs.start_gunicorn(env, log_dir)
        except Exception:
            fake.stop()
            raise
        stack = LiveStack(
            url=server.url,
            learner_token=str(RefreshToken.for_user(learner).access_token),
            editor_token=str(RefreshToken.for_user(editor).access_token),
            throwaway_token=str(RefreshToken.for_user(throwaway).access_token),
            world=world,
            server=server,
            fake=fake,
        )
        try:
            yield stack
        finally:
            server.stop()
            fake.stop()
            call_command("flush", interactive=False, verbosity=0)
