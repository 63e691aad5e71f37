"""The one list of supported languages and CEFR levels. Validate against these, nowhere else."""

from django.db import models

# ISO 639-1 codes (with a region where it matters), named in English.
LANGUAGES: dict[str, str] = {
    "ca": "Catalan",
    "cs": "Czech",
    "da": "Danish",
    "de": "German",
    "el": "Greek",
    "en": "English",
    "en-GB": "English (British)",
    "en-US": "English (American)",
    "es": "Spanish",
    "fi": "Finnish",
    "fr": "French",
    "hu": "Hungarian",
    "id": "Indonesian",
    "it": "Italian",
    "ja": "Japanese",
    "ko": "Korean",
    "nb": "Norwegian Bokmål",
    "nl": "Dutch",
    "pl": "Polish",
    "pt": "Portuguese",
    "pt-BR": "Portuguese (Brazil)",
    "pt-PT": "Portuguese (Portugal)",
    "ro": "Romanian",
    "ru": "Russian",
    "sv": "Swedish",
    "tr": "Turkish",
    "uk": "Ukrainian",
    "zh": "Chinese",
}

LANGUAGE_CHOICES = sorted(LANGUAGES.items(), key=lambda item: item[1])


def base_language(code: str) -> str:
    """`pt-BR` -> `pt`: what spaCy and most lookups key on."""
    return code.split("-", 1)[0].lower()


def is_supported(code: str) -> bool:
    return code in LANGUAGES


class CEFRLevel(models.TextChoices):
    A1 = "A1", "A1 — Beginner"
    A2 = "A2", "A2 — Elementary"
    B1 = "B1", "B1 — Intermediate"
    B2 = "B2", "B2 — Upper intermediate"
    C1 = "C1", "C1 — Advanced"
    C2 = "C2", "C2 — Proficient"
