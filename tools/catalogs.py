"""Extracts every translatable string from station_desk/ and merges it into the five .po catalogs.

Run `python tools/catalogs.py` after adding or changing a message; then translate the new entries
(tests/unit/test_catalogs.py fails while any is missing). English entries are filled with the source text.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALE_DIR = ROOT / "resources" / "locale"
LANGUAGES = ("uk", "pl", "sq", "sr", "en")
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None, "translate_in": (2,)}


def extract() -> Catalog:
    template = Catalog(project="Station Desk", msgid_bugs_address="", charset="utf-8")
    for filename, lineno, message, comments, context in extract_from_dir(
        ROOT / "station_desk",
        method_map=[("**.py", "python")],
        keywords=KEYWORDS,
        comment_tags=("Translators:",),
        strip_comment_tags=True,
    ):
        template.add(message, None, [(f"station_desk/{filename}", lineno)], auto_comments=comments, context=context)
    return template


def po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / "station_desk.po"


def update(template: Catalog) -> dict[str, int]:
    """Merge the template into each catalog; returns how many entries of each still lack a translation."""
    missing: dict[str, int] = {}
    for language in LANGUAGES:
        path = po_path(language)
        if path.exists():
            with path.open("rb") as handle:
                catalog = read_po(handle, locale=language)
        else:
            catalog = Catalog(locale=language, project="Station Desk", charset="utf-8")
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        for message in catalog:
            if not message.id:
                continue
            # Messages are filled with str.format; Babel reads "80 % on" as a %-placeholder and msgfmt -c then fails.
            message.flags.discard("python-format")
            translated = message.string if isinstance(message.string, str) else all(message.string or ())
            if language == "en" and not translated:
                # English is the source language: singular and plural read exactly as written in the code.
                message.string = message.id
        missing[language] = sum(
            1 for m in catalog if m.id and (not m.string or (isinstance(m.string, tuple) and not all(m.string)))
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            write_po(handle, catalog, width=120, sort_output=True, include_previous=False)
    return missing


if __name__ == "__main__":
    print(update(extract()))
