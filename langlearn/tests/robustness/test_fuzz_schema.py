"""Schemathesis over every operation of the OpenAPI schema, against the live stack.

`--mode all` sends schema-valid and schema-violating requests (≥ 50 per operation and phase) and
applies every default check: no 5xx, status codes, content types, headers and bodies as the schema
says, invalid data refused and valid data accepted. Runs as three passes with different identities:
the learner over everything except deleting their own account; a throwaway learner over
`DELETE /api/auth/me` (each success deletes the caller); an editor over `/api/admin/...` (a learner
only ever gets 403 there). Failures print schemathesis' report with a `curl` to reproduce.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db  # the live server's rows are committed by the `live_stack` fixture

EXAMPLES = 50
CONFIG = Path(__file__).with_name("schemathesis.toml")
PASS_TIMEOUT = 15 * 60  # access tokens live 15 minutes; a pass must finish well before


def schemathesis(stack, token: str, *filters: str, tmp_path, name: str) -> tuple[int, str]:
    cmd = [
        sys.executable,
        "-m",
        "schemathesis.cli",
        "--config-file",
        str(CONFIG),
        "run",
        str(_schema_file(stack, tmp_path)),
        "--url",
        stack.url,
        "--header",
        f"Authorization: Bearer {token}",
        "--mode",
        "all",
        "--max-examples",
        str(EXAMPLES),
        "--workers",
        "2",
        "--seed",
        os.environ.get("LANGLEARN_FUZZ_SEED", "20261126"),  # reproducible in CI; set it locally to explore
        "--request-timeout",
        "30",
        "--no-color",
        "--report",
        "junit",
        "--report-junit-path",
        str(tmp_path / f"{name}.xml"),
        *filters,
    ]
    started = time.monotonic()
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=PASS_TIMEOUT, cwd=tmp_path, check=False)
    output = done.stdout + done.stderr
    print(f"--- schemathesis {name}: {time.monotonic() - started:.0f}s\n{_summary(output)}")
    return done.returncode, output


def _schema_file(stack, tmp_path: Path) -> Path:
    """The schema as the live server serves it, fetched once with a patient timeout (generating it
    takes seconds on a busy machine; schemathesis' own loader gives up after 10 s)."""
    path = tmp_path / "schema.json"
    with urllib.request.urlopen(f"{stack.url}/api/schema/?format=json", timeout=120) as response:
        path.write_bytes(response.read())
    return path


def _delete_me_id(stack) -> str:
    """The operationId of `DELETE /api/auth/me` (the learner pass must not delete its own account)."""
    with urllib.request.urlopen(f"{stack.url}/api/schema/?format=json", timeout=120) as response:
        return json.load(response)["paths"]["/api/auth/me"]["delete"]["operationId"]


def _summary(output: str) -> str:
    match = re.search(r"Test cases:\s*\n\s*(.+)", output)
    return match.group(1).strip() if match else output[-3000:]


def _cases(output: str) -> int:
    match = re.search(r"(\d+) generated", output)
    return int(match.group(1)) if match else 0


def test_schemathesis_learner_every_operation(live_stack, tmp_path):
    code, output = schemathesis(
        live_stack,
        live_stack.learner_token,
        "--exclude-path-regex",
        "^/api/admin/",
        "--exclude-operation-id",
        _delete_me_id(live_stack),
        tmp_path=tmp_path,
        name="learner",
    )
    assert code == 0, output[-20000:]
    assert _cases(output) >= 1000, output[-3000:]  # the run really exercised the API


def test_schemathesis_account_deletion(live_stack, tmp_path):
    code, output = schemathesis(
        live_stack,
        live_stack.throwaway_token,
        "--include-operation-id",
        _delete_me_id(live_stack),
        tmp_path=tmp_path,
        name="delete-me",
    )
    assert code == 0, output[-20000:]
    assert _cases(output) >= 10, output[-3000:]


def test_schemathesis_editor_admin_api(live_stack, tmp_path):
    code, output = schemathesis(
        live_stack,
        live_stack.editor_token,
        "--include-path-regex",
        "^/api/admin/",
        tmp_path=tmp_path,
        name="editor",
    )
    assert code == 0, output[-20000:]
    assert _cases(output) >= 500, output[-3000:]
