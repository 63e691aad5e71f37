"""import_packs / export_packs: valid files, reruns, bad rows, round trips, Anki packages."""

import csv
import gc
import io
import json
import sqlite3
import zipfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from langlearn import storage
from packs.models import WordBankPack, WordBankPackEntry
from packs.services import ImportSource, packs_import
from packs.services.bulk import _upsert_generic

from .conftest import DEMO_DIR

pytestmark = pytest.mark.django_db

HEADER = "pack_slug,pack_title,source_language,target_language,level,tags,text,translation,part_of_speech\n"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_packs", *[str(a) for a in args], stdout=out, stderr=err, verbosity=0)
    return out.getvalue(), err.getvalue()


def snapshot() -> dict:
    return {
        e["normalized_text"]: e
        for e in WordBankPackEntry.objects.values(
            "pack__slug", "normalized_text", "text", "translation", "position", "audio", "updated_at"
        )
    }


def test_demo_files_import_with_publish():
    out, _ = run(*sorted(DEMO_DIR.iterdir()), "--publish")
    packs = {p.slug: p for p in WordBankPack.objects.all()}
    assert set(packs) == {"everyday-spanish-a1", "everyday-french-a1", "everyday-german-a1"}
    assert all(p.published and p.published_at for p in packs.values())
    for pack in packs.values():
        assert pack.entries.count() == 50
        assert pack.entries.exclude(translation="").count() == 50
    assert {(p.source_language, p.target_language) for p in packs.values()} == {
        ("en", "es"),
        ("en", "fr"),
        ("en", "de"),
    }
    assert packs["everyday-spanish-a1"].tags == ["everyday", "a1", "starter"]
    assert "3 created" in out
    assert "150 created" in out
    first = packs["everyday-spanish-a1"].entries.order_by("position").first()
    assert (first.text, first.translation, first.position) == ("hola", "hello", 1)


def test_same_file_twice_changes_nothing():
    files = sorted(DEMO_DIR.iterdir())
    run(*files, "--publish")
    before = snapshot()
    packs_before = list(WordBankPack.objects.values("id", "updated_at", "published_at").order_by("id"))
    out, _ = run(*files, "--publish", "--update")
    assert snapshot() == before
    assert list(WordBankPack.objects.values("id", "updated_at", "published_at").order_by("id")) == packs_before
    assert "Packs: 0 created, 0 updated, 3 unchanged" in out
    assert "Entries: 0 created, 0 updated, 150 unchanged, 0 rejected" in out


def test_bad_rows_reject_the_whole_pack_and_name_every_line(tmp_path):
    path = write(
        tmp_path,
        "mixed.csv",
        HEADER
        + "good,Good,en,es,A1,,hola,hello,interjection\n"  # line 2
        + "good,,,,,,adiós,goodbye,interjection\n"  # line 3
        + "bad,Bad,en,es,A1,,perro,dog,noun\n"  # line 4
        + "bad,,,,,,,empty text,noun\n"  # line 5: no text
        + "bad,,,,,,Perro ,dog again,noun\n"  # line 6: duplicate of line 4
        + "bad,,,,,,"
        + "x" * 201
        + ",long,noun\n"  # line 7: too long
        + "bad,,,,,,gato,cat,noun,extra\n"  # line 8: wrong column count
        + "bad,,,,Z9,,casa,house,noun\n",  # line 9: bad level
    )
    with pytest.raises(CommandError, match="error"):
        run(path)
    assert list(WordBankPack.objects.values_list("slug", flat=True)) == ["good"]
    assert WordBankPackEntry.objects.count() == 2
    report = packs_import(sources=[ImportSource(str(path), path.read_bytes())], dry_run=True)
    messages = [str(e) for e in report.errors]
    lines = sorted(e.line for e in report.errors)
    assert lines == [5, 6, 7, 8, 9]
    assert any(m.startswith(f"{path}:6: duplicate of line 4") for m in messages)
    assert any(f"{path}:5: text is empty" == m for m in messages)
    assert report.totals()["packs_rejected"] == 1


def test_unknown_language_and_new_pack_without_title_are_reported(tmp_path):
    path = write(tmp_path, "p.csv", HEADER + "p1,,en,xx,A1,,hola,hello,\n")
    report = packs_import(sources=[ImportSource(str(path), path.read_bytes())])
    assert {e.message for e in report.errors} >= {
        "a new pack needs a title (pack_title)",
        "target_language 'xx' is not a supported language",
    }
    assert not WordBankPack.objects.exists()


def test_update_flag_changes_entries_and_without_it_they_are_kept(tmp_path):
    path = write(tmp_path, "a.csv", HEADER + "p,P,en,es,A1,,hola,hello,\np,,,,,,perro,dog,noun\n")
    run(path)
    write(tmp_path, "a.csv", HEADER + "p,P,en,es,A1,,hola,hi,\np,,,,,,perro,dog,noun\np,,,,,,gato,cat,noun\n")
    out, _ = run(path)
    assert WordBankPackEntry.objects.get(text="hola").translation == "hello"
    assert "1 created, 0 updated, 1 unchanged" in out
    assert "1 differ but kept" in out
    out, _ = run(path, "--update")
    assert WordBankPackEntry.objects.get(text="hola").translation == "hi"
    assert "0 created, 1 updated, 2 unchanged" in out


def test_dry_run_writes_nothing(tmp_path):
    out, _ = run(DEMO_DIR / "en-es-everyday-a1.csv", "--dry-run")
    assert not WordBankPack.objects.exists()
    assert "Dry run" in out
    assert "50 created" in out


def test_json_errors_name_the_line(tmp_path):
    doc = {
        "slug": "j",
        "title": "J",
        "source_language": "en",
        "target_language": "fr",
        "entries": [{"text": "chat", "translation": "cat"}, {"text": "", "translation": "nothing"}],
    }
    path = write(tmp_path, "j.json", json.dumps(doc, indent=2))
    report = packs_import(sources=[ImportSource(str(path), path.read_bytes())])
    bad_line = next(i for i, line in enumerate(path.read_text().splitlines(), start=1) if '"nothing"' in line)
    assert [(e.line, e.message) for e in report.errors] == [(bad_line - 2, "text is empty")]
    assert not WordBankPack.objects.exists()


def test_broken_files_are_reported_not_raised(tmp_path):
    path = write(tmp_path, "x.csv", "slug,word\n1,2\n")
    report = packs_import(sources=[ImportSource("x.csv", path.read_bytes()), ImportSource("y.json", b"{nope")])
    assert [str(e) for e in report.errors] == [
        "x.csv:1: unknown column(s) slug, word; expected some of: "
        + ", ".join(__import__("packs.services.formats", fromlist=["CSV_HEADER"]).CSV_HEADER),
        "y.json:1: invalid JSON: Expecting property name enclosed in double quotes",
    ]


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_export_import_round_trip(tmp_path, fmt):
    run(*sorted(DEMO_DIR.iterdir()))
    WordBankPackEntry.objects.filter(text="hola").update(notes="a greeting", audio="packs/x/hola.wav")
    first = tmp_path / f"first.{fmt}"
    call_command("export_packs", "--format", fmt, "-o", str(first), stderr=io.StringIO())
    before = {k: {f: v for f, v in e.items() if f != "updated_at"} for k, e in snapshot().items()}
    WordBankPack.objects.all().delete()
    run(first)
    after = {k: {f: v for f, v in e.items() if f != "updated_at"} for k, e in snapshot().items()}
    assert after == before
    second = tmp_path / f"second.{fmt}"
    call_command("export_packs", "--format", fmt, "-o", str(second), stderr=io.StringIO())
    assert second.read_bytes() == first.read_bytes()


def test_apkg_export_is_an_anki_package_and_imports_back(tmp_path):
    run(DEMO_DIR / "en-es-everyday-a1.csv")
    pack = WordBankPack.objects.get()
    key = f"packs/{pack.slug}/audio/hola.wav"
    storage.save_bytes(key, b"RIFF....WAVEfake", content_type="audio/wav")
    pack.entries.filter(text="hola").update(audio=key)
    path = tmp_path / "deck.apkg"
    call_command("export_packs", pack.slug, "--format", "apkg", "-o", str(path), stderr=io.StringIO())

    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        assert "collection.anki2" in names
        assert "media" in names
        media = json.loads(archive.read("media"))
        assert list(media.values()) == [f"{pack.slug}-hola.wav"]
        assert archive.read(next(iter(media))) == b"RIFF....WAVEfake"
        db = tmp_path / "col.sqlite"
        db.write_bytes(archive.read("collection.anki2"))
    conn = sqlite3.connect(db)
    notes = [row[0].split("\x1f") for row in conn.execute("SELECT flds FROM notes")]
    models = json.loads(conn.execute("SELECT models FROM col").fetchone()[0])
    conn.close()
    assert len(notes) == 50
    assert [f["name"] for f in next(iter(models.values()))["flds"]][:2] == ["Front", "Back"]
    hola = next(n for n in notes if n[0] == "hola")
    assert hola[1] == "hello"
    assert hola[-1] == f"[sound:{pack.slug}-hola.wav]"

    before = {k: {f: v for f, v in e.items() if f != "updated_at"} for k, e in snapshot().items()}
    storage.delete(key)
    WordBankPack.objects.all().delete()
    run(path)
    after = {k: {f: v for f, v in e.items() if f != "updated_at"} for k, e in snapshot().items()}
    assert after == before
    assert storage.read_bytes(key) == b"RIFF....WAVEfake"
    again = WordBankPack.objects.get()
    assert (again.slug, again.source_language, again.target_language, again.tags) == (
        pack.slug,
        "en",
        "es",
        pack.tags,
    )


def test_foreign_apkg_needs_languages(tmp_path):
    import genanki

    model = genanki.Model(
        1,
        "Basic",
        fields=[{"name": "Front"}, {"name": "Back"}],
        templates=[{"name": "c", "qfmt": "{{Front}}", "afmt": "{{Back}}"}],
    )
    deck = genanki.Deck(2, "Italian::Food")
    deck.add_note(genanki.Note(model=model, fields=["<b>la mela</b>", "the apple"]))
    path = tmp_path / "food.apkg"
    genanki.Package(deck).write_to_file(str(path))
    with pytest.raises(CommandError):
        run(path)
    assert not WordBankPack.objects.exists()
    run(path, "--source-language", "en", "--target-language", "it")
    pack = WordBankPack.objects.get()
    assert (pack.slug, pack.title) == ("italian-food", "Food")
    assert list(pack.entries.values_list("text", "translation")) == [("la mela", "the apple")]


def test_generic_bulk_path_matches_postgres_path():
    """`make run` uses SQLite, which takes the bulk_create(update_conflicts) path."""
    pack = WordBankPack.objects.create(title="T", slug="t", source_language="en", target_language="es")
    row = (pack.id, 1, "Hola", "hola", "hello", "", "", "", "", "")
    _upsert_generic([row])
    _upsert_generic([(*row[:4], "hi", *row[5:])])
    assert list(pack.entries.values_list("text", "translation")) == [("Hola", "hi")]


def test_csv_export_neutralises_formula_cells_and_imports_them_back(tmp_path):
    """Issue 19 (OWASP CSV injection): `=HYPERLINK(...)` was written verbatim and a spreadsheet
    would run it. Formula-like cells get a leading apostrophe; the import drops it again."""
    formulas = ['=HYPERLINK("http://evil.example","x")', "+1+1", "-ito", "@SUM(A1)"]
    rows = io.StringIO()
    csv.writer(rows, lineterminator="\n").writerows(
        ["evil", "Evil", "en", "es", "A1", "", f"w{i}", text, "NOUN"] for i, text in enumerate(formulas)
    )
    run(write(tmp_path, "evil.csv", HEADER + rows.getvalue()))
    out = tmp_path / "out.csv"
    call_command("export_packs", "--format", "csv", "-o", str(out), stderr=io.StringIO())
    exported = out.read_text(encoding="utf-8")
    for text in formulas:
        assert f"'{text}" in exported or f'"\'{text.replace('"', '""')}"' in exported
    for line in exported.splitlines()[1:]:
        assert not any(cell.startswith(("=", "+", "@")) for cell in line.split(","))
    before = sorted(WordBankPackEntry.objects.values_list("translation", flat=True))
    WordBankPack.objects.all().delete()
    run(out)
    assert sorted(WordBankPackEntry.objects.values_list("translation", flat=True)) == before == sorted(formulas)


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("big.csv", (HEADER + "p,P,en,es,A1,,casa," + "x" * (15 * 2**20) + ",NOUN\n").encode(), "unreadable CSV"),
        ("deep.json", b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        ("nul.csv", (HEADER + "p,P,en,es,A1,,ca\x00sa,x,NOUN\n").encode(), "NUL"),
        (
            "nul.json",
            b'[{"slug":"p","title":"P","source_language":"en","target_language":"es",'
            b'"entries":[{"text":"a\\u0000b","translation":"x"}]}]',
            "NUL",
        ),
        (
            "surrogate.json",
            b'[{"slug":"p","title":"P\\ud800","source_language":"en","target_language":"es",'
            b'"entries":[{"text":"a\\ud800b","translation":"x"}]}]',
            "surrogate",
        ),
    ],
)
def test_hostile_files_are_import_errors_not_crashes(editor, name, data, reason):
    """Issue 19: a 15 MB CSV cell, JSON nested 100k deep, NUL and lone surrogates were 500s."""
    report = packs_import(sources=[ImportSource(name=name, data=data)], user=editor)
    assert not report.ok
    assert any(reason in str(error) for error in report.errors), report.errors
    assert not WordBankPackEntry.objects.exists()


def test_an_entry_written_by_someone_else_meanwhile_is_a_conflict_and_nothing_is_written():
    """New rows are COPYed straight into the table on the strength of the stored entries read before
    the transaction. If another import adds one of the same keys in between, the unique constraint
    refuses the COPY: the import answers Conflict and writes nothing of its own."""
    from django.db import connection

    from langlearn.errors import Conflict

    packs_import(sources=[ImportSource("race.csv", (HEADER + "race,Race,en,es,A1,,perro,dog,noun\n").encode())])
    pack = WordBankPack.objects.get(slug="race")

    def meanwhile(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if sql.startswith('SELECT "packs_wordbankpackentry"') and not context.get("done"):
            context["done"] = True  # the other writer: "hola", right after the import read the stored entries
            WordBankPackEntry.objects.create(pack=pack, position=9, text="hola", normalized_text="hola")
        return result

    data = (HEADER + "race,Race,en,es,A1,,hola,hello,\nrace,,,,,,perro,a dog,noun\nrace,,,,,,gato,cat,noun\n").encode()
    with connection.execute_wrapper(meanwhile), pytest.raises(Conflict):
        packs_import(sources=[ImportSource("race.csv", data)], update=True)
    entries = {e.normalized_text: e.translation for e in pack.entries.all()}
    assert entries == {"perro": "dog", "hola": ""}  # the other writer's row; none of the import's
    assert gc.isenabled()  # the import pauses the cyclic collector, and restores it on the way out


def test_cells_with_tabs_line_breaks_and_backslashes_are_stored_exactly():
    """New rows reach COPY as text joined in C when no cell holds a tab, line break or backslash
    (COPY's own escapes); a pack with one is escaped row by row. Both kinds in one import."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["pack_slug", "pack_title", "source_language", "target_language", "text", "translation",
                     "example_sentence", "example_translation"])  # fmt: skip
    odd = {
        "tab": ("a\tb", "line\nbreak", "carriage\rreturn"),
        "slash": ("c:\\temp \\N", "\\.", "back\\slash"),
    }
    writer.writerow(["plain", "Plain", "en", "es", "hola", "hello", "Hola, amigo.", "Hello, friend."])
    writer.writerow(["odd", "Odd", "en", "es", "adiós", "bye", "", ""])
    for text, cells in odd.items():
        writer.writerow(["odd", "", "", "", text, *cells])
    report = packs_import(sources=[ImportSource("odd.csv", out.getvalue().encode())])
    assert report.ok, report.errors
    stored = {
        e["text"]: (e["translation"], e["example_sentence"], e["example_translation"])
        for e in WordBankPackEntry.objects.values("text", "translation", "example_sentence", "example_translation")
    }
    assert stored == {"hola": ("hello", "Hola, amigo.", "Hello, friend."), "adiós": ("bye", "", ""), **odd}


def test_progress_counts_every_row_of_the_file():
    """Packs are planned and written one after another; the progress callback counts the rows of the
    file as they are done, bad rows included, and ends at the total."""
    data = (HEADER + "one,One,en,es,A1,,hola,hello,\none,,,,,,,empty text,\ntwo,Two,en,es,A1,,gato,cat,\n").encode()
    calls = []
    packs_import(sources=[ImportSource("p.csv", data)], progress=lambda *call: calls.append(call))
    assert calls == [("import", 2, 3), ("import", 3, 3)]
    calls.clear()
    packs_import(sources=[ImportSource("p.csv", data)], dry_run=True, progress=lambda *call: calls.append(call))
    assert calls == [("check", 2, 3), ("check", 3, 3)]


def test_new_and_overwritten_entries_in_one_import_each_take_their_path():
    """One file creating and updating entries of a stored pack: the new rows are inserted, the
    changed ones overwritten, the ids and creation time of stored entries kept."""
    first = (HEADER + "mix,Mix,en,es,A1,,hola,hello,\nmix,,,,,,perro,dog,noun\n").encode()
    packs_import(sources=[ImportSource("mix.csv", first)])
    before = {e.normalized_text: (e.pk, e.created_at) for e in WordBankPackEntry.objects.filter(pack__slug="mix")}
    second = (HEADER + "mix,Mix,en,es,A1,,hola,hi,\nmix,,,,,,perro,dog,noun\nmix,,,,,,gato,cat,noun\n").encode()
    report = packs_import(sources=[ImportSource("mix.csv", second)], update=True)
    assert (report.packs[0].created, report.packs[0].updated, report.packs[0].unchanged) == (1, 1, 1)
    after = {e.normalized_text: e for e in WordBankPackEntry.objects.filter(pack__slug="mix")}
    assert {k: e.translation for k, e in after.items()} == {"hola": "hi", "perro": "dog", "gato": "cat"}
    assert {k: (after[k].pk, after[k].created_at) for k in before} == before
    assert after["gato"].position > after["perro"].position  # new rows go after the stored ones
