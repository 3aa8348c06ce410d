"""Turning imported cells into dates, numbers, yes/no and text, and the messages a user sees when one is wrong."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from station_desk.importing.values import (
    CellProblem,
    normalise_label,
    parse_bool,
    parse_date,
    parse_datetime,
    parse_float,
    parse_int,
    text,
)

KYIV = ZoneInfo("Europe/Kyiv")
WARSAW = ZoneInfo("Europe/Warsaw")


def _problem(parse: Any, value: Any) -> str:
    with pytest.raises(CellProblem) as caught:
        parse(value)
    return caught.value.message


@pytest.mark.parametrize(
    "written",
    ["07.03.2024", "7.3.2024", "7.3.24", "07/03/2024", "07-03-2024", "2024-03-07", "2024.03.07", " 07.03.2024. "],
)
def test_every_written_form_of_a_day(written: str) -> None:
    assert parse_date(written) == date(2024, 3, 7)


@pytest.mark.parametrize(
    ("written", "day"), [("1.1.00", date(2000, 1, 1)), ("31.12.69", date(2069, 12, 31)), ("1.1.70", date(1970, 1, 1))]
)
def test_two_digit_years_split_at_seventy(written: str, day: date) -> None:
    assert parse_date(written) == day


def test_spreadsheet_values_are_dates_too() -> None:
    assert parse_date(datetime(2024, 3, 7, 14, 30)) == date(2024, 3, 7)
    assert parse_date(date(2024, 3, 7)) == date(2024, 3, 7)
    assert parse_date(45358) == date(2024, 3, 7)  # Excel's day number
    assert parse_date(45358.75) == date(2024, 3, 7)
    assert parse_date("07.03.2024 14:30") == date(2024, 3, 7)
    assert parse_date(None) is None and parse_date("  ") is None


@pytest.mark.parametrize("wrong", ["31.02.2024", "2024-13-01", "0.0.0", "вчора", "abc", "07.03", "7.3.224", -5, 10**9])
def test_impossible_dates_say_how_to_write_one(wrong: Any) -> None:
    assert _problem(parse_date, wrong) == f"“{wrong}” is not a date. Write it as 07.03.2024."


def test_a_long_text_in_a_date_column_is_shortened_in_the_message() -> None:
    message = _problem(parse_date, "Крадіжка велосипеда у селі Вишневе біля магазину вночі")
    assert message.startswith("“Крадіжка велосипеда у селі Вишневе") and "…”" in message and len(message) < 90


@pytest.mark.parametrize(
    ("written", "moment"),
    [
        ("07.03.2024 14:30", datetime(2024, 3, 7, 14, 30, tzinfo=KYIV)),
        ("07.03.2024 14:30:15", datetime(2024, 3, 7, 14, 30, 15, tzinfo=KYIV)),
        ("2024-03-07T14:30", datetime(2024, 3, 7, 14, 30, tzinfo=KYIV)),
        ("07.03.2024", datetime(2024, 3, 7, tzinfo=KYIV)),
        (date(2024, 3, 7), datetime(2024, 3, 7, tzinfo=KYIV)),
        (datetime(2024, 3, 7, 14, 30), datetime(2024, 3, 7, 14, 30, tzinfo=KYIV)),
        (45358.5, datetime(2024, 3, 7, 12, 0, tzinfo=KYIV)),
    ],
)
def test_local_times_are_in_the_station_zone(written: Any, moment: datetime) -> None:
    parsed = parse_datetime(written, KYIV)
    assert parsed == moment and parsed is not None and parsed.tzinfo is KYIV


def test_a_written_offset_or_an_aware_value_is_kept() -> None:
    parsed = parse_datetime("2024-03-07 14:30:00+01:00", KYIV)
    assert parsed is not None and parsed.utcoffset() == timedelta(hours=1)
    assert parsed == datetime(2024, 3, 7, 13, 30, tzinfo=UTC)
    assert parse_datetime("2024-03-07T14:30Z", KYIV) == datetime(2024, 3, 7, 14, 30, tzinfo=UTC)
    aware = datetime(2024, 3, 7, 9, 0, tzinfo=timezone(timedelta(hours=2)))
    assert parse_datetime(aware, WARSAW) is aware


def test_a_time_in_the_spring_gap_does_not_fail() -> None:
    parsed = parse_datetime("31.03.2024 02:30", WARSAW)
    assert parsed is not None and parsed.tzinfo is WARSAW


@pytest.mark.parametrize("wrong", ["07.03.2024 25:00", "07.03.2024 14:61", "31.02.2024 10:00", "завтра", "14:30"])
def test_impossible_moments_say_how_to_write_one(wrong: str) -> None:
    assert _problem(lambda value: parse_datetime(value, KYIV), wrong) == (
        f"“{wrong}” is not a date and time. Write it as 07.03.2024 14:30."
    )
    assert parse_datetime("", KYIV) is None
    assert "is not a date and time" in _problem(lambda value: parse_datetime(value, KYIV), time(14, 30))


@pytest.mark.parametrize(
    ("written", "number"),
    [
        ("1 234,50", 1234.5),
        ("1\u00a0234,50", 1234.5),
        ("1234.50", 1234.5),
        ("1,5", 1.5),
        ("1.234,50", 1234.5),
        ("1,234.50", 1234.5),
        ("1.234.567", 1234567.0),
        ("-3", -3.0),
        ("\u22122,5", -2.5),
        (12, 12.0),
        (2.25, 2.25),
    ],
)
def test_numbers_written_either_way(written: Any, number: float) -> None:
    assert parse_float(written) == number


@pytest.mark.parametrize("wrong", ["abc", "1,2,3", "1.2.3", "1,5.3", "1.2,3.4", "12 kg", "--1", "1e5", True])
def test_a_number_column_refuses_words(wrong: Any) -> None:
    assert _problem(parse_float, wrong) == f"“{wrong}” is not a number."


def test_whole_numbers() -> None:
    assert parse_int("1 234") == 1234
    assert parse_int(12.0) == 12  # Excel stores every number as a float
    assert parse_int("12,0") == 12
    assert parse_int("123456789012345678901") == 123456789012345678901
    assert parse_int(None) is None
    assert _problem(parse_int, "1,5") == "“1,5” is not a whole number."
    assert _problem(parse_int, 2.5) == "“2.5” is not a whole number."
    assert _problem(parse_int, "двоє") == "“двоє” is not a whole number."


@pytest.mark.parametrize(
    ("word", "answer"),
    [
        ("так", True), ("Ні", False),  # Ukrainian
        ("TAK", True), ("nie", False),  # Polish
        ("Po", True), ("jo", False),  # Albanian
        ("da", True), ("Ne", False),  # Serbian Latin
        ("Да", True), ("не", False),  # Serbian Cyrillic
        ("Yes", True), ("no", False), ("TRUE", True), ("false", False),
        ("1", True), ("0", False), ("x", True), ("X", True), ("+", True), ("-", False),
        (True, True), (False, False), (1, True), (0.0, False),
    ],
)  # fmt: skip
def test_yes_and_no_in_every_station_language(word: Any, answer: bool) -> None:
    assert parse_bool(word) is answer


def test_yes_or_no_refuses_anything_else() -> None:
    assert parse_bool(None) is None and parse_bool(" ") is None
    assert _problem(parse_bool, "можливо") == "“можливо” is not yes or no."
    assert _problem(parse_bool, 2) == "“2” is not yes or no."


def test_text_of_cells() -> None:
    assert text("  Вишневе ") == "Вишневе"
    assert text(12.0) == "12" and text(380501234567.0) == "380501234567" and text(2.5) == "2.5"
    assert text(7) == "7"
    assert text(datetime(2024, 3, 7)) == "07.03.2024"
    assert text(datetime(2024, 3, 7, 14, 30)) == "07.03.2024 14:30"
    assert text(["a", "б"]) == '["a", "б"]'
    assert text(None) is None and text("   ") is None


@pytest.mark.parametrize(
    ("label", "normal"),
    [
        ("Zdarzenie", "zdarzenie"),
        ("  zdarzénie ", "zdarzenie"),
        ("Data_zgłoszenia", "data zgłoszenia"),  # ł is a letter of its own, not an l with an accent
        ("Data (zdarzenia):", "data zdarzenia"),
        ("Miejsce -- wieś / gmina", "miejsce wies gmina"),
        ("Fshati Çabër", "fshati caber"),
        ("ДАТА   ПОДІЇ", "дата подіі"),
        ("Čovek.Šabac", "covek sabac"),
        ("Straße", "strasse"),
    ],
)
def test_labels_match_without_case_accents_or_punctuation(label: str, normal: str) -> None:
    assert normalise_label(label) == normal
    assert normalise_label(normal) == normal


@given(st.text())
def test_reading_any_text_as_a_date_fails_only_as_a_cell_problem(written: str) -> None:
    try:
        parsed = parse_date(written)
    except CellProblem as problem:
        assert problem.message.endswith("is not a date. Write it as 07.03.2024.")
    else:
        assert parsed is None or 1900 <= parsed.year <= 2100
