import json

import pytest
from django.core.management import CommandError, call_command
from passlib.hash import pbkdf2_sha256

from accounts.hashers import from_passlib
from accounts.models import Account

pytestmark = pytest.mark.django_db


def export_file(tmp_path, rows, suffix=".json"):
    path = tmp_path / f"accounts{suffix}"
    if suffix == ".json":
        path.write_text(json.dumps(rows))
    else:
        header = "email,display_name,hash,created_at,is_admin\n"
        lines = [f"{r['email']},{r['display_name']},{r['hash']},{r['created_at']},{r['is_admin']}" for r in rows]
        path.write_text(header + "\n".join(lines) + "\n")
    return path


def legacy_row(email, password, **extra):
    return {
        "email": email,
        "display_name": extra.get("display_name", "Old User"),
        "hash": pbkdf2_sha256.hash(password),
        "created_at": "2024-03-01T10:00:00+00:00",
        "is_admin": extra.get("is_admin", False),
    }


@pytest.mark.parametrize("suffix", [".json", ".csv"])
def test_imported_user_logs_in_with_old_password_and_is_rehashed(api_client, tmp_path, suffix):
    path = export_file(tmp_path, [legacy_row("old@example.com", "old-secret-pass")], suffix)
    call_command("import_legacy_accounts", str(path))
    account = Account.objects.get(email="old@example.com")
    assert account.password.startswith("pbkdf2_sha256_passlib$")
    assert account.date_joined.year == 2024

    assert api_client.post("/api/auth/login", {"email": "old@example.com", "password": "wrong"}).status_code == 401
    r = api_client.post("/api/auth/login", {"email": "old@example.com", "password": "old-secret-pass"})
    assert r.status_code == 200
    account.refresh_from_db()
    assert not account.password.startswith("pbkdf2_sha256_passlib$")  # upgraded to the default hasher
    assert account.check_password("old-secret-pass")


def test_passlib_custom_rounds_and_admin_flag(tmp_path):
    row = legacy_row("boss@example.com", "pw-boss-1234", is_admin=True)
    row["hash"] = pbkdf2_sha256.using(rounds=1000).hash("pw-boss-1234")
    call_command("import_legacy_accounts", str(export_file(tmp_path, [row])))
    boss = Account.objects.get(email="boss@example.com")
    assert boss.is_staff
    assert boss.is_superuser
    assert boss.check_password("pw-boss-1234")


def test_import_is_idempotent(tmp_path):
    path = export_file(tmp_path, [legacy_row("a@example.com", "pw-aaaa-1234")])
    call_command("import_legacy_accounts", str(path))
    call_command("import_legacy_accounts", str(path))
    assert Account.objects.filter(email="a@example.com").count() == 1


def test_bad_rows_import_nothing_and_name_the_line(tmp_path, capsys):
    rows = [legacy_row("good@example.com", "pw-good-1234"), legacy_row("bad@example.com", "x")]
    rows[1]["hash"] = "$pbkdf2-sha256$29000$broken"
    path = export_file(tmp_path, rows, ".csv")
    with pytest.raises(CommandError, match="1 invalid row"):
        call_command("import_legacy_accounts", str(path))
    assert f"{path}:3:" in capsys.readouterr().err
    assert not Account.objects.exists()


def test_from_passlib_rejects_other_formats():
    with pytest.raises(ValueError, match="not a passlib"):
        from_passlib("bcrypt$2b$12$abc")
