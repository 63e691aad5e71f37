"""The Django admin as editors use it (Django's test client; the browser test drives the same pages)."""

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile

from packs.models import WordBankPack, WordBankPackEntry

from .factories import PackFactory, make_entries

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/packs/wordbankpack/"


@pytest.fixture
def admin_client_editor(client, pack_editor):
    client.force_login(pack_editor)
    return client


def inline_data(pack, rows):
    data = {
        "title": pack.title,
        "slug": pack.slug,
        "description": "",
        "source_language": pack.source_language,
        "target_language": pack.target_language,
        "level": pack.level,
        "tags": "[]",
        "entries-TOTAL_FORMS": str(len(rows)),
        "entries-INITIAL_FORMS": "0",
        "entries-MIN_NUM_FORMS": "0",
        "entries-MAX_NUM_FORMS": "1000",
    }
    for i, (text, translation) in enumerate(rows):
        data[f"entries-{i}-text"] = text
        data[f"entries-{i}-translation"] = translation
        data[f"entries-{i}-position"] = str(i + 1)
    return data


def test_learner_cannot_reach_the_admin(client, user):
    client.force_login(user)
    response = client.get(CHANGELIST)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_changelist_shows_counts_and_searches_entries(admin_client_editor, django_assert_max_num_queries):
    pack = PackFactory(title="Kitchen words")
    make_entries(pack, 4)
    pack.entries.filter(position=0).update(translation="")
    PackFactory(title="Other")
    with django_assert_max_num_queries(12):
        response = admin_client_editor.get(CHANGELIST)
    assert response.status_code == 200
    row = next(r for r in response.context["cl"].result_list if r.pk == pack.pk)
    assert (row.entry_count, row.missing_translation, row.missing_audio) == (4, 1, 4)
    found = admin_client_editor.get(CHANGELIST, {"q": "palabra 3"}).context["cl"].result_list
    assert [p.title for p in found] == ["Kitchen words"]
    several = admin_client_editor.get(CHANGELIST, {"q": "palabra"}).context["cl"].result_list
    assert [(p.entry_count, p.missing_translation) for p in several] == [(4, 1)]  # no join multiplying counts
    filtered = admin_client_editor.get(CHANGELIST, {"missing": "translation"}).context["cl"].result_list
    assert [p.title for p in filtered] == ["Kitchen words"]
    assert admin_client_editor.get(CHANGELIST, {"target_language__exact": "fr"}).context["cl"].result_list.count() == 0


def test_change_page_has_sortable_inline_and_audio_player(admin_client_editor):
    pack = PackFactory()
    make_entries(pack, 2)
    pack.entries.filter(position=0).update(audio="packs/p/a.wav")
    response = admin_client_editor.get(f"{CHANGELIST}{pack.pk}/change/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="_reorder_"' in html or "_reorder_" in html
    assert 'class="ll-play" data-src="/media/packs/p/a.wav"' in html  # a play button, not a path box
    assert 'name="entries-0-audio"' not in html
    assert "Import entries" in html


def test_inline_duplicates_are_named_by_row(admin_client_editor):
    pack = PackFactory()
    response = admin_client_editor.post(
        f"{CHANGELIST}{pack.pk}/change/", inline_data(pack, [("hola", "hi"), ("adiós", "bye"), ("Hola ", "x")])
    )
    assert response.status_code == 200
    assert "Row 3: “Hola” is already in row 1." in response.content.decode()
    assert not WordBankPackEntry.objects.exists()
    response = admin_client_editor.post(f"{CHANGELIST}{pack.pk}/change/", inline_data(pack, [("hola", "hi")]))
    assert response.status_code == 302
    assert pack.entries.get().normalized_text == "hola"


def test_actions_publish_unpublish_duplicate_export(admin_client_editor):
    pack = PackFactory(published=False, slug="base")
    make_entries(pack, 3)

    def act(action, *packs):
        return admin_client_editor.post(
            CHANGELIST, {"action": action, "_selected_action": [str(p.pk) for p in packs]}, follow=True
        )

    act("publish", pack)
    pack.refresh_from_db()
    assert pack.published
    assert pack.published_at
    act("unpublish", pack)
    pack.refresh_from_db()
    assert not pack.published
    act("duplicate", pack)
    copy = WordBankPack.objects.get(slug="base-copy")
    assert (copy.published, copy.entries.count()) == (False, 3)
    response = act("export_csv", pack)
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode().splitlines()
    assert lines[0].startswith("pack_slug,")
    assert len(lines) == 4


def test_actions_need_permissions(client, pack_editor):
    pack_editor.user_permissions.set(Permission.objects.filter(codename="view_wordbankpack"))
    client.force_login(pack_editor)
    pack = PackFactory(published=False)
    client.post(CHANGELIST, {"action": "publish", "_selected_action": [str(pack.pk)]})
    pack.refresh_from_db()
    assert not pack.published
    assert client.get(f"{CHANGELIST}import/").status_code == 403


def test_import_page_previews_then_confirms(admin_client_editor):
    pack = PackFactory(slug="target")
    make_entries(pack, 1)  # "palabra 0"
    csv = "text,translation\npalabra 0,word 0\ngato,cat\n,empty\n"
    url = f"{CHANGELIST}{pack.pk}/import/"
    bad = admin_client_editor.post(url, {"file": SimpleUploadedFile("e.csv", csv.encode())})
    html = bad.content.decode()
    assert "rejected: nothing of this pack will be written" in html
    assert "e.csv:4: text is empty" in html
    assert not bad.context["can_confirm"]
    good = admin_client_editor.post(url, {"file": SimpleUploadedFile("e.csv", csv.replace(",empty\n", "").encode())})
    rows = [(r.line, r.text, r.action) for r in good.context["report"].packs[0].rows]
    assert rows == [(2, "palabra 0", "unchanged"), (3, "gato", "create")]
    assert pack.entries.count() == 1  # preview wrote nothing
    confirm = {k: ("" if v is None else v) for k, v in good.context["confirm"].items()}
    done = admin_client_editor.post(url, {**confirm, "confirm": "1"}, follow=True)
    assert done.status_code == 200
    assert sorted(pack.entries.values_list("text", flat=True)) == ["gato", "palabra 0"]
    again = admin_client_editor.post(url, {**confirm, "confirm": "1"}, follow=True)
    assert "expired or was already imported" in again.content.decode()


def test_import_page_creates_and_publishes_new_packs(admin_client_editor):
    csv = (
        "pack_slug,pack_title,source_language,target_language,level,tags,text,translation\n"
        "new-pack,New pack,en,fr,A2,food,pain,bread\nnew-pack,,,,,,lait,milk\n"
    )
    url = f"{CHANGELIST}import/"
    preview = admin_client_editor.post(url, {"file": SimpleUploadedFile("n.csv", csv.encode()), "publish": "on"})
    assert preview.context["report"].packs[0].action == "create"
    assert not WordBankPack.objects.exists()
    confirm = {k: ("" if v is None else v) for k, v in preview.context["confirm"].items()}
    admin_client_editor.post(url, {**confirm, "confirm": "1"})
    pack = WordBankPack.objects.get(slug="new-pack")
    assert (pack.title, pack.level, pack.tags, pack.published) == ("New pack", "A2", ["food"], True)
    assert list(pack.entries.order_by("position").values_list("text", flat=True)) == ["pain", "lait"]


def test_import_page_refuses_other_file_types(admin_client_editor):
    response = admin_client_editor.post(f"{CHANGELIST}import/", {"file": SimpleUploadedFile("x.txt", b"text\nhola\n")})
    assert "Upload a .csv, .json or .apkg file." in response.content.decode()


def test_big_pack_is_edited_on_the_entries_list(admin_client_editor):
    pack = PackFactory()
    make_entries(pack, 151)
    html = admin_client_editor.get(f"{CHANGELIST}{pack.pk}/change/").content.decode()
    assert "entries-TOTAL_FORMS" not in html  # no inline: it could not be posted back
    assert "This pack has 151 entries" in html
    entries = admin_client_editor.get("/admin/packs/wordbankpackentry/", {"pack__id__exact": str(pack.pk)})
    assert entries.status_code == 200
    assert entries.context["cl"].result_count == 151
    entry = pack.entries.get(position=3)
    clash = admin_client_editor.post(
        f"/admin/packs/wordbankpackentry/{entry.pk}/change/",
        {"pack": str(pack.pk), "position": 3, "text": "Palabra 4", "translation": "x"},
    )
    assert "is already in this pack" in clash.content.decode()
    ok = admin_client_editor.post(
        f"/admin/packs/wordbankpackentry/{entry.pk}/change/",
        {"pack": str(pack.pk), "position": 3, "text": "Palabra  Nueva", "translation": "new"},
    )
    assert ok.status_code == 302
    entry.refresh_from_db()
    assert (entry.text, entry.normalized_text) == ("Palabra Nueva", "palabra nueva")


def test_tags_are_typed_as_a_comma_list(admin_client_editor):
    pack = PackFactory(tags=["everyday"])
    page = admin_client_editor.get(f"{CHANGELIST}{pack.pk}/change/").content.decode()
    assert 'value="everyday"' in page  # shown as text, not as JSON
    data = {**inline_data(pack, []), "tags": "travel, Spain, , travel"}
    response = admin_client_editor.post(f"{CHANGELIST}{pack.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    pack.refresh_from_db()
    assert pack.tags == ["travel", "spain"]


def test_tags_in_the_old_json_form_still_parse(admin_client_editor):
    pack = PackFactory()
    response = admin_client_editor.post(
        f"{CHANGELIST}{pack.pk}/change/", {**inline_data(pack, []), "tags": '["a", "b"]'}
    )
    assert response.status_code == 302
    pack.refresh_from_db()
    assert pack.tags == ["a", "b"]


def test_an_overlong_tag_is_refused_with_a_message(admin_client_editor):
    pack = PackFactory()
    response = admin_client_editor.post(f"{CHANGELIST}{pack.pk}/change/", {**inline_data(pack, []), "tags": "x" * 51})
    assert response.status_code == 200
    assert "at most 50 characters" in str(response.context["adminform"].form.errors["tags"])


def test_the_languages_filter_lists_the_pairs_in_use_once(admin_client_editor):
    PackFactory(title="Spanish", source_language="en", target_language="es")
    PackFactory(title="Spanish 2", source_language="en", target_language="es")
    PackFactory(title="German", source_language="fr", target_language="de")
    response = admin_client_editor.get(CHANGELIST)
    [languages] = [f for f in response.context["cl"].filter_specs if getattr(f, "parameter_name", "") == "languages"]
    assert languages.lookup_choices == [("en-es", "en → es"), ("fr-de", "fr → de")]
    assert not any(getattr(f, "field_path", None) == "source_language" for f in response.context["cl"].filter_specs)
    found = admin_client_editor.get(CHANGELIST, {"languages": "fr-de"}).context["cl"].result_list
    assert [p.title for p in found] == ["German"]


def test_an_editor_uploads_a_recording_for_an_entry(admin_client_editor, settings):
    pack = PackFactory()
    [entry] = make_entries(pack, 1)
    url = f"/admin/packs/wordbankpackentry/{entry.pk}/change/"
    data = {
        "pack": str(pack.pk),
        "position": "0",
        "text": entry.text,
        "translation": entry.translation,
        "audio_file": SimpleUploadedFile("mine.mp3", b"ID3fake-mp3", content_type="audio/mpeg"),
    }
    response = admin_client_editor.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    entry.refresh_from_db()
    assert entry.audio.startswith(f"packs/{pack.slug}/audio/{entry.pk}-")
    assert entry.audio.endswith(".mp3")
    assert (settings.MEDIA_ROOT / entry.audio).read_bytes() == b"ID3fake-mp3"
    page = admin_client_editor.get(url).content.decode()
    assert f'<audio class="ll-audio" controls preload="none" src="/media/{entry.audio}"' in page
    assert 'name="audio"' not in page  # no storage-path text box


def test_a_recording_must_be_audio(admin_client_editor):
    pack = PackFactory()
    [entry] = make_entries(pack, 1)
    data = {
        "pack": str(pack.pk),
        "position": "0",
        "text": entry.text,
        "audio_file": SimpleUploadedFile("notes.txt", b"hello", content_type="text/plain"),
    }
    response = admin_client_editor.post(f"/admin/packs/wordbankpackentry/{entry.pk}/change/", data)
    assert response.status_code == 200
    assert "Upload an audio file" in str(response.context["adminform"].form.errors["audio_file"])
    entry.refresh_from_db()
    assert entry.audio == ""


def test_a_published_pack_cannot_be_deleted_from_its_page(admin_client_editor):
    pack = PackFactory(published=True)
    assert admin_client_editor.get(f"{CHANGELIST}{pack.pk}/delete/").status_code == 403
    pack.published = False
    pack.save()
    assert admin_client_editor.get(f"{CHANGELIST}{pack.pk}/delete/").status_code == 200


def test_delete_selected_refuses_a_published_pack_among_the_selection(admin_client_editor):
    """The bulk "Delete selected" keeps the rule of the pack's own delete page: with a published pack
    selected, nothing is deleted, even when the confirmation is posted, and the editor is told why."""
    published, draft = PackFactory(published=True, title="Live pack"), PackFactory(published=False)
    data = {"action": "delete_selected", "_selected_action": [str(published.pk), str(draft.pk)], "post": "yes"}
    response = admin_client_editor.post(CHANGELIST, data, follow=True)
    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == [
        "Published packs cannot be deleted (learners see them); unpublish them first. Nothing was deleted. "
        "Published: Live pack."
    ]
    assert WordBankPack.objects.filter(pk__in=[published.pk, draft.pk]).count() == 2
    response = admin_client_editor.post(CHANGELIST, {**data, "_selected_action": [str(draft.pk)]})
    assert response.status_code == 302
    assert not WordBankPack.objects.filter(pk=draft.pk).exists()
