"""The one gettext catalog for the UI, the reports and the error messages, and Babel formatting per CLDR."""

from __future__ import annotations

import gettext as _gettext
import io
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from functools import cache
from pathlib import Path

from babel import Locale
from babel.dates import format_date as _babel_format_date
from babel.dates import format_datetime as _babel_format_datetime
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

from station_desk.resources import resource_path

DOMAIN = "station_desk"
# The five catalogs we keep; Serbian Latin is made from the Cyrillic catalog, as the two scripts map 1:1.
CATALOG_LANGUAGES = ("uk", "pl", "sq", "sr", "en")
LANGUAGES = ("uk", "pl", "sq", "sr", "sr_Latn", "en")
LANGUAGE_NAMES = {
    "uk": "Українська",
    "pl": "Polski",
    "sq": "Shqip",
    "sr": "Српски",
    "sr_Latn": "Srpski",
    "en": "English",
}
# CLDR locales used for dates and numbers: Albanian as written in Kosovo, English as in Europe.
BABEL_LOCALES = {
    "uk": "uk_UA",
    "pl": "pl_PL",
    "sq": "sq_XK",
    "sr": "sr_Cyrl_RS",
    "sr_Latn": "sr_Latn_RS",
    "en": "en_GB",
}
DEFAULT_LANGUAGE = "en"

_SERBIAN_CYRILLIC_TO_LATIN = {
    "А": "A", "Б": "B", "В": "V", "Г": "G", "Д": "D", "Ђ": "Đ", "Е": "E", "Ж": "Ž", "З": "Z", "И": "I",
    "Ј": "J", "К": "K", "Л": "L", "Љ": "Lj", "М": "M", "Н": "N", "Њ": "Nj", "О": "O", "П": "P", "Р": "R",
    "С": "S", "Т": "T", "Ћ": "Ć", "У": "U", "Ф": "F", "Х": "H", "Ц": "C", "Ч": "Č", "Џ": "Dž", "Ш": "Š",
}  # fmt: skip
_SERBIAN_TABLE = str.maketrans(
    {**_SERBIAN_CYRILLIC_TO_LATIN, **{k.lower(): v.lower() for k, v in _SERBIAN_CYRILLIC_TO_LATIN.items()}}
)


def serbian_to_latin(text: str) -> str:
    """Serbian Cyrillic to Serbian Latin (the official one-to-one mapping); placeholders are untouched."""
    return text.translate(_SERBIAN_TABLE)


_current_language = DEFAULT_LANGUAGE


def read_catalog(po_file: Path, language: str) -> Catalog:
    """A .po catalog as Babel reads it; for sr_Latn the Cyrillic catalog, transliterated."""
    with po_file.open("rb") as handle:
        catalog = read_po(handle, locale=language.removesuffix("_Latn"))
    if language == "sr_Latn":
        for message in catalog:
            if not message.id:
                continue
            if isinstance(message.string, str):
                message.string = serbian_to_latin(message.string)
            elif message.string:
                message.string = tuple(serbian_to_latin(form) for form in message.string)
    return catalog


@cache
def _translations(language: str) -> _gettext.NullTranslations:
    # An installed build ships compiled catalogs (build_installer.py); a source checkout reads the .po files.
    compiled = resource_path("locale", language, "LC_MESSAGES", f"{DOMAIN}.mo")
    if compiled.exists():
        with compiled.open("rb") as handle:
            return _gettext.GNUTranslations(handle)
    po_file = resource_path("locale", language.removesuffix("_Latn"), "LC_MESSAGES", f"{DOMAIN}.po")
    if not po_file.exists():
        return _gettext.NullTranslations()
    catalog = read_catalog(po_file, language)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return _gettext.GNUTranslations(buffer)


def set_language(language: str) -> None:
    """Switch the whole process (UI, services, reports) to one of LANGUAGES."""
    global _current_language
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; choose one of {', '.join(LANGUAGES)}")
    _current_language = language


# A report in another language is typeset on a worker thread; its language must not leak into the UI's.
_this_thread = threading.local()


@contextmanager
def language_on_this_thread(language: str) -> Iterator[None]:
    """Within the block, this thread (only) translates and formats in `language`."""
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; choose one of {', '.join(LANGUAGES)}")
    previous = getattr(_this_thread, "language", None)
    _this_thread.language = language
    try:
        yield
    finally:
        _this_thread.language = previous


def current_language() -> str:
    language: str | None = getattr(_this_thread, "language", None)
    return language or _current_language


def gettext(message: str) -> str:
    """Translate into the current language."""
    return _translations(current_language()).gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """Translate with the plural form CLDR gives for count (uk and pl: one, few, many)."""
    return _translations(current_language()).ngettext(singular, plural, count)


def translate_in(language: str, message: str) -> str:
    """Translate into a given language without switching the process (reports in another language)."""
    return _translations(language).gettext(message)


def N_(message: str) -> str:  # noqa: N802 - the gettext convention for "mark now, translate later"
    """Mark a string for extraction; it is translated where it is shown."""
    return message


_ = gettext


def babel_locale(language: str | None = None) -> Locale:
    return Locale.parse(BABEL_LOCALES[language or current_language()])


def format_date(value: date, language: str | None = None, length: str = "short") -> str:
    return _babel_format_date(value, format=length, locale=babel_locale(language))


def format_datetime(value: datetime, language: str | None = None, length: str = "short") -> str:
    return _babel_format_datetime(value, format=length, locale=babel_locale(language))


def format_number(value: float | int, language: str | None = None) -> str:
    return format_decimal(value, locale=babel_locale(language))
