"""Addresses are stored as email_key (NFKC + case folding) and matched exactly (issue 19): the
unique index on Lower("email") goes first (a folded address may collide with another row's
lower-cased one), then every row is rewritten; colliding rows are left as they are and printed
(`manage.py normalize_emails --dry-run` shows the same report before migrating)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from accounts.email_keys import normalize_stored_emails

    report = normalize_stored_emails(apps.get_model("accounts", "Account"))
    if report.changed or report.collisions:
        print(f"\n  email keys: {len(report.changed)} rewritten, {len(report.collisions)} collisions left as they are")
        for old, key in report.collisions:
            print(f"  collision: {old} (key {key} belongs to an older account)")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="account", name="account_email_ci_unique"),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
