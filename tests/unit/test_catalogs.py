"""Every string a user sees is translated in all five catalogs, with the same placeholders."""

from __future__ import annotations

import re

import pytest
from babel.messages.pofile import read_po

from station_desk import i18n
from tools.catalogs import LANGUAGES, extract, po_path

PLACEHOLDER = re.compile(r"\{(\w+)\}")


@pytest.fixture(scope="module")
def source_messages() -> dict[str, object]:
    return {
        message.id if isinstance(message.id, str) else message.id[0]: message for message in extract() if message.id
    }


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated_with_its_placeholders(language: str, source_messages: dict[str, object]) -> None:
    with po_path(language).open("rb") as handle:
        catalog = read_po(handle, locale=language)
    missing, wrong_placeholders = [], []
    for msgid in source_messages:
        entry = catalog.get(msgid)
        strings = [] if entry is None else ([entry.string] if isinstance(entry.string, str) else list(entry.string))
        if not strings or not all(strings):
            missing.append(msgid)
            continue
        if any(set(PLACEHOLDER.findall(s)) != set(PLACEHOLDER.findall(msgid)) for s in strings):
            wrong_placeholders.append(msgid)
    assert missing == [], f"{language}: {len(missing)} untranslated, run tools/catalogs.py and translate"
    assert wrong_placeholders == []


def test_serbian_latin_is_made_from_the_cyrillic_catalog() -> None:
    i18n.set_language("sr")
    cyrillic = i18n.gettext("This field is required.")
    i18n.set_language("sr_Latn")
    latin = i18n.gettext("This field is required.")
    assert cyrillic != "This field is required." and latin == i18n.serbian_to_latin(cyrillic)
    assert not re.search("[\u0400-\u04ff]", latin)
