"""Screen reads, re-exported: one function per screen, each a fixed number of queries."""

from .common import pair_for_screen
from .home import home_screen
from .packs import packs_screen
from .reader import play_screen, reader_screen
from .review import review_screen

__all__ = ["home_screen", "packs_screen", "pair_for_screen", "play_screen", "reader_screen", "review_screen"]
