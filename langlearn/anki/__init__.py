"""Anki packages in and out, for packs (editors) and learners: `reader` opens both package formats
with bounded extraction, `writer` builds `.apkg` files (genanki) with scheduling and review
history, `text` converts field HTML ↔ plain text. Kernel code: it knows no app."""
