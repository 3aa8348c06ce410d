"""The monthly PDF proven against the database: figures equal plain SQL, fonts embedded, letters, privacy, pages."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader
from reportlab.pdfbase import pdfmetrics
from sqlalchemy import text
from sqlmodel import Session, select

from station_desk import db, i18n
from station_desk.config import resolve_paths
from station_desk.models import AuditEntry, Person, User, Village
from station_desk.reports.service import ReportResult, make_report
from station_desk.reports.typesetting import FONT, register_fonts
from station_desk.services.accounts import StationHandle, open_station
from station_desk.services.context import Actor
from station_desk.services.demo import DEMO_COMMANDER, DEMO_COMMANDER_PASSWORD, build_demo_station
from tests.conftest import TEST_KDF

NOW = datetime(2026, 4, 15, 9, 0, tzinfo=UTC)
YEAR, MONTH = 2026, 3
PURPOSE = "monthly review"
COUNTED = "station_id = :station AND deleted_at IS NULL AND status != 'voided'"
IN_MONTH = "reported_at >= :start AND reported_at < :end"


@dataclass
class Demo:
    handle: StationHandle
    timezone: str
    language: str

    @property
    def actor(self) -> Actor:
        return self.handle.actor

    def report(self, audience: str, language: str, year: int = YEAR, month: int = MONTH) -> ReportResult:
        with db.write_session(self.handle.engine) as session:
            return make_report(
                session=session, actor=self.actor, year=year, month=month, audience=audience,
                language=language, purpose=PURPOSE, now=NOW,
            )  # fmt: skip

    def month_range(self, year: int = YEAR, month: int = MONTH, shift: int = 0) -> tuple[str, str]:
        """The bounds of the month `shift` months away, in the station's zone, as the naive UTC text SQLite stores."""
        zone = ZoneInfo(self.timezone)
        index = year * 12 + month - 1 + shift
        firsts = [date(i // 12, i % 12 + 1, 1) for i in (index, index + 1)]
        bounds = [datetime(d.year, d.month, 1, tzinfo=zone).astimezone(UTC) for d in firsts]
        return bounds[0].strftime("%Y-%m-%d %H:%M:%S"), bounds[1].strftime("%Y-%m-%d %H:%M:%S")

    def scalar(self, sql: str, **params: Any) -> int:
        with Session(self.handle.engine) as session:
            return int(session.execute(text(sql), params).scalar_one())

    def count_incidents(self, extra: str = "", *, shift: int = 0, month: int = MONTH, **params: Any) -> int:
        start, end = self.month_range(YEAR, month, shift)
        sql = f"SELECT count(*) FROM incident WHERE {COUNTED} AND {IN_MONTH} {extra}"
        return self.scalar(sql, station=self.actor.station_id, start=start, end=end, **params)


def _build(tmp_path_factory: pytest.TempPathFactory, language: str, months: int) -> Iterator[Demo]:
    paths = resolve_paths(tmp_path_factory.mktemp(f"demo-{language}"))
    build_demo_station(paths=paths, language=language, months=months, kdf=TEST_KDF, now=NOW)
    handle = open_station(paths=paths, username=DEMO_COMMANDER, password=DEMO_COMMANDER_PASSWORD)
    with Session(handle.engine) as session:
        timezone = session.execute(text("SELECT timezone FROM station")).scalar_one()
    yield Demo(handle, timezone, language)
    handle.close()


@pytest.fixture(scope="module")
def uk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    yield from _build(tmp_path_factory, "uk", 13)


@pytest.fixture(scope="module", params=["pl", "sq", "sr"])
def other(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    yield from _build(tmp_path_factory, request.param, 2)


def pages_text(pdf: bytes) -> list[str]:
    """Each page's text, one table cell or line of text per line, without the indentation pypdf adds."""
    return ["\n".join(line.strip() for line in page.extract_text().splitlines()) for page in _reader(pdf).pages]


def _reader(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


def value_after(lines: list[str], label: str) -> str:
    """The cell printed right after a label (two-column tables come out label, value)."""
    return lines[lines.index(label) + 1]


def test_commander_figures_equal_plain_sql(uk: Demo) -> None:
    incidents = uk.count_incidents()
    violence = uk.count_incidents("AND domestic_violence")
    start, end = uk.month_range()
    patrols = uk.scalar(
        "SELECT count(*) FROM patrol WHERE station_id = :station AND deleted_at IS NULL "
        "AND started_at >= :start AND started_at < :end",
        station=uk.actor.station_id, start=start, end=end,
    )  # fmt: skip
    assert incidents > 20 and violence > 0 and patrols > 5

    lines = "\n".join(pages_text(uk.report("commander", "uk").pdf)).splitlines()
    assert value_after(lines, "Події цього місяця") == i18n.format_number(incidents, "uk")
    assert value_after(lines, "Звернення щодо домашнього насильства") == str(violence)
    assert value_after(lines, "Патрулювання") == str(patrols)
    assert "Березень 2026" in lines  # the standalone month name in the title ...
    period = [i18n.format_date(day, "uk", "long") for day in (date(2026, 3, 1), date(2026, 3, 31))]
    assert f"{period[0]} – {period[1]}" in lines and "березня" in period[0]  # ... and the genitive in dates
    with Session(uk.handle.engine) as session:
        start_end = {"station": uk.actor.station_id, "start": start, "end": end}
        listed = [n for (n,) in session.execute(text(f"SELECT number FROM incident WHERE {COUNTED} AND {IN_MONTH}"),
                                                start_end)]  # fmt: skip
    assert len(listed) == incidents and set(listed) <= set(lines)


def _fonts(pdf: bytes) -> Iterator[tuple[str, Any]]:
    for page in _reader(pdf).pages:
        for reference in page["/Resources"]["/Font"].values():
            font = reference.get_object()
            if font["/Subtype"] == "/Type0":
                font = font["/DescendantFonts"][0].get_object()
            descriptor = font.get("/FontDescriptor")
            yield str(font["/BaseFont"]), descriptor.get_object() if descriptor is not None else None


@pytest.mark.parametrize("audience", ["commander", "community"])
def test_every_font_is_embedded(uk: Demo, audience: str) -> None:
    fonts = list(_fonts(uk.report(audience, "uk").pdf))
    assert fonts
    for name, descriptor in fonts:
        assert descriptor is not None and "/FontFile2" in descriptor, f"{name} is not embedded"
        assert "DejaVuSans" in name


LETTERS = {"pl": "ąęłżćśó", "sq": "ëç", "sr": "ђћљњж", "sr_Latn": "čćđšž"}


@pytest.mark.parametrize("audience", ["commander", "community"])
def test_the_letters_of_every_language_come_back(other: Demo, audience: str) -> None:
    register_fonts()
    glyphs = pdfmetrics.getFont(FONT).face.charToGlyph
    for language in [other.language, "sr_Latn"] if other.language == "sr" else [other.language]:
        whole = "\n".join(pages_text(other.report(audience, language).pdf))
        assert [letter for letter in LETTERS[language] if letter not in whole] == []
        cyrillic = re.findall("[\u0400-\u04ff]", whole)
        assert bool(cyrillic) == (language == "sr"), "Serbian Latin, Polish and Albanian reports are all in Latin"
        missing = {char for char in whole if not char.isspace() and ord(char) not in glyphs}
        assert missing == set(), f"{language}: no glyph for {missing}"


def test_the_community_report_names_no_one(uk: Demo) -> None:
    pdf = uk.report("community", "uk").pdf
    with Session(uk.handle.engine) as session:
        people = session.exec(select(Person)).all()
        narratives = [n for (n,) in session.execute(text("SELECT narrative FROM incident WHERE narrative != ''"))]
        users = [user.full_name for user in session.exec(select(User)).all()]
    assert len(people) > 50 and narratives
    printed_by = "Надрукував(ла)"
    lines = [line for page in pages_text(pdf) for line in page.splitlines()]
    footers = [line for line in lines if line.startswith(printed_by)]
    assert footers and all(uk.actor.full_name in line for line in footers)
    body = "\n".join(line for line in lines if not line.startswith(printed_by))
    assert [user for user in users if user in body] == []  # the printer's own name is in the footer only
    assert [p.last_name for p in people if re.search(rf"(?<!\w){re.escape(p.last_name)}(?!\w)", body)] == []
    # Addresses end where the station's own contacts begin: its address and reception places are public.
    contacts = body.index("Контакти та години прийому")
    assert [p.address for p in people if p.address and p.address in body[:contacts]] == []
    with Session(uk.handle.engine) as session:
        station_address, phone = session.execute(text("SELECT address, phone FROM station")).one()
    assert station_address in body[contacts:] and phone in body[contacts:]
    births = [p.birth_date for p in people if p.birth_date]
    shown = {i18n.format_date(b, "uk", length) for b in births for length in ("short", "long")}
    assert births and [b for b in shown if b in body] == []
    assert [n for n in narratives if n[:40] in body] == []


def test_small_village_counts_show_as_less_than_three(uk: Demo) -> None:
    with Session(uk.handle.engine) as session:
        villages = {village.id: village.name for village in session.exec(select(Village)).all()}

    def counts(month: int, shift: int) -> dict[str, int]:
        return {vid: uk.count_incidents("AND village_id = :v", month=month, shift=shift, v=vid) for vid in villages}

    # The latest of three months in which some village had one or two incidents.
    month = next(m for m in (3, 2, 1) if any(0 < count < 3 for count in counts(m, 0).values()))
    columns = [counts(month, shift) for shift in (0, -1, -12)]
    whole = "\n".join(pages_text(uk.report("community", "uk", YEAR, month).pdf))
    table = whole[whole.index("Населений пункт\nЦей місяць") :]
    small = 0
    for village_id, name in villages.items():
        row = [column[village_id] for column in columns]
        if not row[0]:
            continue
        cells = ["<3" if 0 < count < 3 else str(count) for count in row]
        small += cells[0] == "<3"
        assert "\n".join([name, *cells]) in table, (name, row)
    assert small


@pytest.mark.parametrize("audience", ["commander", "community"])
def test_every_page_says_page_x_of_n_and_who_printed_it_why(uk: Demo, audience: str) -> None:
    pages = pages_text(uk.report(audience, "uk").pdf)
    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        assert f"Сторінка {number} з {len(pages)}" in page
        assert f"Надрукував(ла) {uk.actor.full_name}" in page and PURPOSE in page


def test_a_report_is_audited_with_its_purpose(uk: Demo) -> None:
    with Session(uk.handle.engine) as session:
        before = len(session.exec(select(AuditEntry)).all())
    result = uk.report("community", "pl")
    with Session(uk.handle.engine) as session:
        entries = session.exec(select(AuditEntry)).all()
    assert len(entries) == before + 1
    entry = max(entries, key=lambda e: e.seq or 0)
    assert entry.record_type == "report" and entry.reason == PURPOSE
    assert entry.details["figures_hash"] == result.figures_hash and entry.details["language"] == "pl"
    assert result.csv_text.split(",")[0] == i18n.translate_in("pl", "Section")


def test_both_reports_render_in_all_six_languages(uk: Demo) -> None:
    for language in i18n.LANGUAGES:
        for audience in ("commander", "community"):
            pdf = uk.report(audience, language).pdf
            assert pdf.startswith(b"%PDF") and len(_reader(pdf).pages) >= 2
