"""Settings for bench/load.sh: the app's own, plus the flashcards benchmark's bare-SQL baseline view."""

from langlearn.settings import *  # noqa: F403

ROOT_URLCONF = "load_urls"
