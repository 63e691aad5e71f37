"""OpenAPI post-processing for client developers: operations grouped by area (tags) with a summary
and a description each, and the pagination conventions stated on the parameters.

drf-spectacular tags every operation with the first path segment ("api"), and describes an
operation only from a docstring, which many viewset actions lack or share with their class. This
hook (SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]) fills both from one table keyed by operationId;
`langlearn/tests/test_openapi.py` fails when a new operation arrives without an entry.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular import openapi
from drf_spectacular.plumbing import build_parameter_type, is_list_serializer
from drf_spectacular.utils import OpenApiParameter

from langlearn import idempotency

IDEMPOTENCY_KEY = build_parameter_type(
    name=idempotency.HEADER,
    schema={"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[ -~]+$"},
    location=OpenApiParameter.HEADER,
    required=False,
    description=(
        "Any string (1-255 printable ASCII characters) that names this request: a retry with the same key and "
        "the same body replays the first 2xx answer (header `Idempotent-Replayed: true`) instead of doing the "
        "work again; the same key with a different request is a 422 `idempotency_key_reused`. Keys are per "
        "learner and kept 24 hours. Send one with every request that creates work, so a retry after a lost "
        "answer neither duplicates it nor spends quota twice."
    ),
)


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's, plus the item limits of a nested `many=True` serializer (`min_length`,
    `max_length`), which it leaves out: `{"entries": []}` must read as invalid in the schema too;
    and the `Idempotency-Key` header on every operation whose view method is `@idempotent`."""

    def _get_parameters(self):
        parameters = super()._get_parameters()
        if getattr(self._handler(), "idempotent", False):
            parameters.append(IDEMPOTENCY_KEY)
        return parameters

    def _handler(self):
        action = getattr(self.view, "action", None)
        return getattr(self.view, action or self.method.lower(), None)

    def _unwrap_list_serializer(self, serializer, direction):
        schema = super()._unwrap_list_serializer(serializer, direction)
        if schema and is_list_serializer(serializer) and schema.get("type") == "array":
            if serializer.min_length is not None:
                schema["minItems"] = serializer.min_length
            if serializer.max_length is not None:
                schema["maxItems"] = serializer.max_length
        return schema


PAGINATION = """
Lists come in three kinds, each chosen for how the list is used:

* **Page numbers** (`?page=2&page_size=50`, answer `{count, next, previous, results}`): lists a
  person browses and that stay small enough to count — word bank entries, language pairs, flashcards,
  articles, adventures, the pack catalogue and a pack's entries, the editors' packs and entries.
* **Cursor** (`?cursor=…&page_size=50`, answer `{next, previous, results}`, no `count`): lists that
  only grow — a card's review events, the job list and your word statuses (in word order). Follow
  `next`; a cursor is opaque, and new rows never shift a page the way page numbers would.
* **Plain list with `limit`** (`?limit=50`, answer a JSON array or the screen object): queues read
  from the front — the due queue and the review screen. There is no next page: review, then ask
  again.

`page_size` is at least 1 (default 20; larger asks are capped at 100); `limit` has the range its parameter
states. A malformed or repeated paging parameter answers 400, a page past the end 404.
"""

TAGS: list[dict[str, str]] = [
    {"name": "auth", "description": "Register, log in (JWT access + refresh tokens), refresh, log out, your account."},
    {"name": "vocab", "description": "Language pairs and the word bank: add words (lemmatised, translated, spoken)."},
    {"name": "flashcards", "description": "FSRS flashcards: the due queue, reviews, offline sync, stats, speaking."},
    {"name": "packs", "description": "The published pack catalogue and adding a pack to your word bank."},
    {
        "name": "packs (editors)",
        "description": "Staff with the packs permissions: create, edit, import, export and publish packs.",
    },
    {"name": "articles", "description": "Learner articles generated at your level from a topic, a text or a URL."},
    {"name": "adventures", "description": "Choose-your-own-adventure stories in the language you learn."},
    {"name": "jobs", "description": "Background generation jobs (articles, adventure scenes), their retry and quota."},
    {"name": "screens", "description": "One GET per client screen (`/bff/`), aggregating the areas above."},
]

# Longest prefix wins.
_TAG_BY_PREFIX = {
    "/api/auth": "auth",
    "/api/vocab": "vocab",
    "/api/flashcards": "flashcards",
    "/api/packs": "packs",
    "/api/admin/packs": "packs (editors)",
    "/api/generation/articles": "articles",
    "/api/adventures": "adventures",
    "/api/jobs": "jobs",
    "/bff": "screens",
}

# operationId → (summary, description or "" to keep the view's own docstring).
OPERATIONS: dict[str, tuple[str, str]] = {
    "api_auth_register_create": (
        "Create an account",
        "Email and password (Django's password validators apply). Throttled per client address "
        "(`THROTTLE_REGISTER`, 20 an hour by default). No token is needed; log in afterwards.",
    ),
    "api_auth_login_create": (
        "Log in",
        "Answers `access_token` (send it as `Authorization: Bearer …`, valid 15 minutes) and "
        "`refresh_token`. Wrong credentials answer 401; repeated failures are throttled (429).",
    ),
    "api_auth_refresh_create": ("Refresh the tokens", "A new token pair for a valid refresh token (rotated)."),
    "api_auth_logout_create": ("Log out", ""),
    "api_auth_me_retrieve": ("Your account", "Email, display name, languages and settings of the caller."),
    "api_auth_me_partial_update": (
        "Change your account",
        "Only the writable fields may be sent; a read-only field (email, is_staff, …) answers 400 naming it.",
    ),
    "api_auth_me_destroy": ("Delete your account", "Deletes the account and everything it owns. Irreversible."),
    "api_vocab_language_pairs_list": ("Your language pairs", ""),
    "api_vocab_language_pairs_create": ("Add a language pair", "Source and target language, level and settings."),
    "api_vocab_language_pairs_retrieve": ("One language pair", ""),
    "api_vocab_language_pairs_partial_update": (
        "Change a pair's settings",
        "Level and scheduling settings; the languages themselves cannot change (400).",
    ),
    "api_vocab_language_pairs_destroy": ("Delete a language pair", "With its word bank and flashcards."),
    "api_vocab_entries_list": ("Your word bank", ""),
    "api_vocab_entries_create": ("Add a word", ""),
    "api_vocab_entries_retrieve": ("One word bank entry", ""),
    "api_vocab_entries_partial_update": ("Edit a word bank entry", "Translation, notes, examples."),
    "api_vocab_entries_destroy": ("Remove a word", "Removes the entry and its flashcard."),
    "api_vocab_entries_bulk_create": ("Add many words", ""),
    "api_vocab_lookup_create": ("Look up a tapped word", ""),
    "api_auth_me_export_retrieve": ("Your data export's status and link", ""),
    "api_auth_me_export_create": ("Export all your data as a ZIP", ""),
    "api_auth_password_create": ("Change your password", ""),
    "api_auth_password_reset_create": ("Ask for a password reset email", ""),
    "api_auth_password_reset_confirm_create": ("Set a new password from a reset link", ""),
    "api_flashcards_parameters_retrieve": ("Your FSRS parameters' quality against the defaults", ""),
    "api_flashcards_reschedule_create": ("Reschedule cards with the current parameters", ""),
    "api_flashcards_workload_retrieve": ("Reviews per day at each desired retention", ""),
    "api_vocab_finish_page_create": ("Finish a page: its new words become known", ""),
    "api_vocab_finish_page_undo_create": ("Undo the last finished page", ""),
    "api_vocab_language_pairs_anki_export_retrieve": ("Download a small word bank as an Anki deck", ""),
    "api_vocab_language_pairs_anki_export_create": ("Export the word bank as an Anki deck (a job)", ""),
    "api_vocab_language_pairs_anki_export_job_retrieve": ("An Anki export's progress and link", ""),
    "api_vocab_language_pairs_anki_export_file_retrieve": ("Download an Anki export", ""),
    "api_vocab_language_pairs_anki_import_retrieve": ("Your Anki imports into this pair", ""),
    "api_vocab_language_pairs_anki_import_create": ("Import your Anki deck", ""),
    "api_vocab_placement_create": ("Start a placement test", ""),
    "api_vocab_placement_retrieve": ("A placement test and its next words", ""),
    "api_vocab_placement_answers_create": ("Answer placement words", ""),
    "api_vocab_placement_undo_create": ("Undo a placement's known words", ""),
    "api_vocab_word_statuses_list": ("Your word statuses", ""),
    "api_vocab_word_statuses_create": ("Set word statuses", ""),
    "api_vocab_word_statuses_undo_create": ("Undo your last status change from a source", ""),
    "api_flashcards_list": ("Your flashcards", ""),
    "api_flashcards_retrieve": ("One flashcard", "The card, its word and its FSRS state."),
    "api_flashcards_partial_update": ("Suspend or unsuspend a card", ""),
    "api_flashcards_events_list": ("A card's review history", ""),
    "api_flashcards_pronunciation_create": ("Score your pronunciation", ""),
    "api_flashcards_reviews_create": ("Review a card", ""),
    "api_flashcards_due_retrieve": ("The due queue", ""),
    "api_flashcards_reviews_sync_create": ("Sync offline reviews", ""),
    "api_flashcards_stats_retrieve": ("Review statistics", ""),
    "api_packs_list": ("The pack catalogue", ""),
    "api_packs_retrieve": (
        "One pack with its entries",
        "A published pack for one of your pairs; its entries are paged with `page` and `page_size`.",
    ),
    "api_packs_add_to_word_bank_create": (
        "Add a pack to your word bank",
        "Copies the pack's entries into the pair's word bank, skipping words already there; "
        "answers how many were added and how many were present.",
    ),
    "api_admin_packs_list": ("Packs (editors)", "Every pack, published or not, with entry and missing counts."),
    "api_admin_packs_create": ("Create a pack", "Optionally with its `entries`, kept in the order sent."),
    "api_admin_packs_retrieve": ("One pack (editors)", ""),
    "api_admin_packs_update": ("Replace a pack's fields", ""),
    "api_admin_packs_partial_update": ("Change a pack's fields", ""),
    "api_admin_packs_destroy": ("Delete a pack", "With its entries. Learners keep the words they already added."),
    "api_admin_packs_entries_list": ("A pack's entries (editors)", "In the pack's order."),
    "api_admin_packs_entries_create": ("Add an entry to a pack", "Appended at the end unless `position` is given."),
    "api_admin_packs_entries_retrieve": ("One entry (editors)", ""),
    "api_admin_packs_entries_update": ("Replace an entry", ""),
    "api_admin_packs_entries_partial_update": ("Change an entry", ""),
    "api_admin_packs_entries_destroy": ("Delete an entry", ""),
    "api_admin_packs_export_retrieve": (
        "Export a pack",
        "The file `import` reads back: `file_format=csv` (text/csv, default), `json` (application/json) "
        "or `apkg` (an Anki deck, application/octet-stream), as an attachment.",
    ),
    "api_admin_packs_publish_create": ("Publish a pack", "Learners see it in the catalogue from now on."),
    "api_admin_packs_unpublish_create": ("Unpublish a pack", "Hidden from the catalogue; learners keep their words."),
    "api_admin_packs_import_create": ("Import packs from a file", ""),
    "api_generation_articles_list": ("Your articles", "Newest first, with their generation status."),
    "api_generation_articles_create": (
        "Request an article",
        "Answers 202 with the article and its job; poll the job (or the article) until it is done. "
        "Counts against the daily generation quota (429 when spent).",
    ),
    "api_generation_articles_retrieve": ("One article", "Its text, translation and words once generated."),
    "api_generation_articles_destroy": ("Delete an article", ""),
    "api_adventures_list": ("Your adventures", ""),
    "api_adventures_create": ("Start an adventure", "Answers 202: the opening scene is generated in the background."),
    "api_adventures_retrieve": ("One adventure", "Its current scene and the path so far."),
    "api_adventures_destroy": ("Delete an adventure", ""),
    "api_adventures_choices_create": (
        "Make a choice",
        "Answers 202 while the next scene is generated in the background.",
    ),
    "api_adventures_retry_create": ("Retry a failed scene", ""),
    "api_adventures_scenes_retrieve": ("One scene", ""),
    "api_adventures_spoken_choice_create": (
        "Say your choice",
        "A recording is transcribed and matched to the choices: a confident match makes the choice "
        "(202), otherwise the scores come back (200) to ask again. Without a speech-to-text key on "
        "the server: 503 `stt_not_configured`.",
    ),
    "api_adventures_words_create": ("Add a scene's words to your word bank", ""),
    "api_adventures_genres_list": ("Adventure genres", "The genres a new adventure may ask for."),
    "api_jobs_list": ("Your jobs", "Newest first; filter by `status` or `kind`."),
    "api_jobs_retrieve": ("One job", "Its status, attempts, error and the object it produces."),
    "api_jobs_retry_create": (
        "Retry a failed job",
        "Answers 202 and queues it again; a job that did not fail answers 409.",
    ),
    "api_jobs_quota_retrieve": ("Your generation quota", "Today's limit, used, remaining and when it resets."),
    "bff_home_retrieve": ("Home screen", ""),
    "bff_review_retrieve": ("Review screen", ""),
    "bff_packs_retrieve": ("Packs screen", ""),
    "bff_articles_reader_retrieve": ("Article reader screen", ""),
    "bff_adventures_play_retrieve": ("Adventure play screen", ""),
}

# Class docstrings drf-spectacular copies onto every action of a view: too general, or about the
# implementation. An operation whose description starts with one gets its table entry instead.
_GENERIC_DESCRIPTION_STARTS = (
    "Token endpoints:",
    "The learner's adventures:",
    "Word bank entries.",
    "The learner's cards.",
)

_PAGING_PARAMETERS = {
    "page": ({"type": "integer", "minimum": 1}, "Page number, from 1."),
    # No schema maximum: a larger page_size is capped at 100, not refused.
    "page_size": ({"type": "integer", "minimum": 1}, "Items per page, at least 1 (default 20, at most 100 served)."),
    "cursor": ({"type": "string"}, "Opaque cursor from the previous answer's `next` or `previous`."),
    "limit": ({"type": "integer", "minimum": 1}, "How many items from the front of the queue."),
}


def _tag(path: str) -> str | None:
    matches = [prefix for prefix in _TAG_BY_PREFIX if path == prefix or path.startswith(prefix + "/")]
    return _TAG_BY_PREFIX[max(matches, key=len)] if matches else None


# Added after the view's own description (what a client needs that the request schema cannot say).
APPENDIX: dict[str, str] = {
    "api_flashcards_reviews_sync_create": (
        "\n\nA malformed event is answered in `results` as `rejected` with its reason; the rest of the "
        "batch is still applied."
    ),
}

# Alternatives that may both match (a rejected import's report is also a valid error body):
# PolymorphicProxySerializer writes `oneOf` (exactly one), which such a body would fail.
_ANY_OF_COMPONENTS = ("ImportFailure",)


def describe_operations(result: dict[str, Any], generator, request, public) -> dict[str, Any]:
    """drf-spectacular POSTPROCESSING_HOOKS entry."""
    schemas = result.get("components", {}).get("schemas", {})
    for name in _ANY_OF_COMPONENTS:
        if "oneOf" in schemas.get(name, {}):
            schemas[name]["anyOf"] = schemas[name].pop("oneOf")
    info = result.setdefault("info", {})
    info["description"] = (info.get("description") or "").rstrip() + "\n\n## Pagination\n" + PAGINATION
    result["tags"] = TAGS
    for path, operations in result.get("paths", {}).items():
        tag = _tag(path)
        for operation in operations.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            if tag:
                operation["tags"] = [tag]
            summary, description = OPERATIONS.get(operation.get("operationId", ""), ("", ""))
            if summary:
                operation["summary"] = summary
            current = operation.get("description", "")
            if description and (not current or current.startswith(_GENERIC_DESCRIPTION_STARTS)):
                operation["description"] = description
            elif not current or current.startswith(_GENERIC_DESCRIPTION_STARTS):
                operation["description"] = summary + "."
            operation["description"] += APPENDIX.get(operation.get("operationId", ""), "")
            for param in operation.get("parameters", []):
                if param.get("in") == "query" and param.get("name") in _PAGING_PARAMETERS:
                    schema, text = _PAGING_PARAMETERS[param["name"]]
                    param["schema"] = {**schema, **param.get("schema", {})}  # the view's own range wins
                    param.setdefault("description", text)
    return result
