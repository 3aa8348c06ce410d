"""Dates and numbers per CLDR in each language, as DOMAIN.md lists them."""

from __future__ import annotations

from datetime import date

import pytest

from station_desk import i18n


@pytest.mark.parametrize(
    ("language", "day", "number"),
    [
        ("uk", "07.03.24", "1\u00a0234\u00a0567,891"),
        ("pl", "7.03.2024", "1\u00a0234\u00a0567,891"),
        ("sq", "7.3.24", "1\u00a0234\u00a0567,891"),
        ("sr", "7. 3. 2024.", "1.234.567,891"),
        ("en", "07/03/2024", "1,234,567.891"),
    ],
)
def test_dates_and_numbers(language: str, day: str, number: str) -> None:
    assert i18n.format_date(date(2024, 3, 7), language) == day
    assert i18n.format_number(1234567.891, language).replace("\u202f", "\u00a0") == number


def test_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown language"):
        i18n.set_language("de")


def test_serbian_latin_transliteration() -> None:
    assert i18n.serbian_to_latin("Ђурђевић Љубица Њ {name}") == "Đurđević Ljubica Nj {name}"


def test_a_report_language_on_a_worker_thread_does_not_reach_other_threads() -> None:
    import threading

    i18n.set_language("en")
    seen: list[str] = []
    inside = threading.Event()
    release = threading.Event()

    def typeset_in_polish() -> None:
        with i18n.language_on_this_thread("pl"):
            seen.append(i18n.gettext("Today"))
            inside.set()
            release.wait(5)

    worker = threading.Thread(target=typeset_in_polish)
    worker.start()
    inside.wait(5)
    assert i18n.gettext("Today") == "Today" and i18n.current_language() == "en"  # the UI thread stays English
    release.set()
    worker.join()
    assert seen == ["Dziś"]
