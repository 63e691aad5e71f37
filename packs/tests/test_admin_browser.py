"""End to end in a real browser: an editor logs in, creates a pack with entries inline, imports a
CSV through the import page and publishes the pack. Playwright drives Debian's Chromium
(`make test` installs it: scripts/ensure_chromium.sh); Playwright's own browser download is not
used."""

import os
import shutil

import pytest

from accounts.tests.factories import DEFAULT_PASSWORD
from packs.models import WordBankPack

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(monkeypatch):
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        pytest.skip(f"Chromium not found at {CHROMIUM} (scripts/ensure_chromium.sh installs it with apt)")
    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are safe.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page()
        page.set_default_timeout(15_000)
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
        page.js_errors = errors
        yield page
        browser.close()
        # The test's ORM calls ran inside Playwright's greenlet, whose context has its own
        # connection: close it here, or dropping the test database finds it still open.
        from django.db import connections

        connections.close_all()


def test_editor_creates_fills_imports_and_publishes(live_server, page, pack_editor, tmp_path):
    base = live_server.url
    page.goto(f"{base}/admin/login/?next=/admin/")
    page.fill("#id_username", pack_editor.email)
    page.fill("#id_password", DEFAULT_PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("text=Word bank packs")

    # Create a pack with two entries typed into the inline.
    page.goto(f"{base}/admin/packs/wordbankpack/add/")
    page.fill("#id_title", "Browser pack")  # the slug fills itself in (prepopulated_fields)
    page.select_option("#id_source_language", "en")
    page.select_option("#id_target_language", "es")
    page.fill("#id_entries-0-text", "hola")
    page.fill("#id_entries-0-translation", "hello")
    page.fill("#id_entries-1-text", "adiós")
    page.fill("#id_entries-1-translation", "goodbye")
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")
    pack = WordBankPack.objects.get(slug="browser-pack")
    assert list(pack.entries.order_by("position").values_list("text", "translation")) == [
        ("hola", "hello"),
        ("adiós", "goodbye"),
    ]
    assert pack.created_by == pack_editor
    assert page.locator("tr.has_original .sort").count() == 2  # rows are draggable

    # Reorder with the inline's "move to first position" handle, then save.
    page.locator("tr.has_original").nth(1).locator(".move-begin").click()
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")
    assert list(pack.entries.order_by("position").values_list("text", flat=True)) == ["adiós", "hola"]

    # Import a CSV through the import page: preview first, then confirm.
    csv = tmp_path / "more.csv"
    csv.write_text("text,translation,part_of_speech\nhola,hello,\ngato,cat,noun\nperro,dog,noun\n", encoding="utf-8")
    page.click("#import-entries")
    page.set_input_files("#id_file", str(csv))
    page.click("#preview-import")
    page.wait_for_selector("#import-preview")
    assert page.locator("tr.import-create").count() == 2
    assert page.locator("tr.import-unchanged").count() == 1
    assert pack.entries.count() == 2  # the preview wrote nothing
    page.click("#confirm-import")
    page.wait_for_selector(".messagelist .success")
    assert "2 created" in page.inner_text(".messagelist")
    assert sorted(pack.entries.values_list("text", flat=True)) == ["adiós", "gato", "hola", "perro"]

    # Publish from the list with the admin action.
    page.goto(f"{base}/admin/packs/wordbankpack/")
    page.check(f"input.action-select[value='{pack.pk}']")
    page.select_option("select[name=action]", "publish")
    page.click("button[name=index]")
    page.wait_for_selector(".messagelist .success")
    pack.refresh_from_db()
    assert pack.published
    assert pack.published_at is not None
    assert page.js_errors == []


def test_the_pack_pages_fit_a_1366_px_screen(live_server, page, pack_editor, settings):
    """The list beside the filter panel, and the entries inline up to Listen and Delete, need no
    horizontal scrolling; the filter panel stays short however many languages exist."""
    from langlearn import storage

    from .factories import PackFactory, make_entries

    pack = PackFactory(title="A pack with a rather long title to wrap", tags=["travel", "spain"])
    PackFactory(source_language="en", target_language="de")
    make_entries(pack, 5)
    key = storage.save_bytes("packs/x/a.wav", b"RIFF0000WAVE", content_type="audio/wav").key
    pack.entries.update(audio=key, example_sentence="Una frase de ejemplo bastante larga para la prueba.")

    page.set_viewport_size({"width": 1366, "height": 800})
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", pack_editor.email)
    page.fill("#id_password", DEFAULT_PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("text=Word bank packs")

    page.goto(f"{live_server.url}/admin/packs/wordbankpack/")
    results = page.locator("#changelist .results")
    assert results.evaluate("e => e.scrollWidth <= e.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    assert page.evaluate("document.documentElement.scrollHeight") < 1200
    assert page.locator("#changelist-filter a", has_text="en → de").count() == 1

    page.goto(f"{live_server.url}/admin/packs/wordbankpack/{pack.pk}/change/")
    assert page.input_value("#id_tags") == "travel, spain"
    table = page.locator(".inline-group table")
    assert table.evaluate("t => t.scrollWidth <= t.parentElement.clientWidth")
    delete_box = page.locator("#id_entries-0-DELETE")
    assert delete_box.bounding_box()["x"] + delete_box.bounding_box()["width"] <= 1366
    assert page.locator("button.ll-play").count() == 5

    page.goto(f"{live_server.url}/admin/packs/wordbankpack/import/")
    assert page.locator("ol.breadcrumbs li").count() == 4
    assert page.locator("#import-form fieldset.module.aligned").count() == 2
    assert page.js_errors == []
