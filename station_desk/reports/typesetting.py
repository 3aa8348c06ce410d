"""A4 typesetting for the reports: embedded DejaVu fonts, styles, CLDR dates and numbers, tables, page footers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache, partial
from io import BytesIO
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import get_month_names
from babel.numbers import format_percent
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Table, TableStyle

from station_desk.i18n import (
    _,
    babel_locale,
    current_language,
    format_date,
    format_datetime,
    format_number,
    serbian_to_latin,
)
from station_desk.resources import resource_path

FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 16 * mm
FRAME_WIDTH = PAGE_WIDTH - 2 * MARGIN
GRID = colors.HexColor("#9aa3ad")
HEADER_FILL = colors.HexColor("#e6ebf0")
ACCENT = colors.HexColor("#1f4e79")
MUTED = colors.HexColor("#4d5660")
SMALL_COUNT = 3  # counts below it are shown as "<3" in public output
TABLE_CHUNK = 1000  # a longer table is built in parts: splitting one huge table re-measures it on every page


@cache
def register_fonts() -> None:
    """Register DejaVu Sans (regular and bold) from resources/fonts; reportlab embeds a subset of each."""
    pdfmetrics.registerFont(TTFont(FONT, str(resource_path("fonts", "DejaVuSans.ttf"))))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(resource_path("fonts", "DejaVuSans-Bold.ttf"))))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD)


def _style(name: str, size: float, *, bold: bool = False, **extra: Any) -> ParagraphStyle:
    return ParagraphStyle(
        name, fontName=FONT_BOLD if bold else FONT, fontSize=size, leading=size * 1.25, alignment=TA_LEFT, **extra
    )


@cache
def styles() -> dict[str, ParagraphStyle]:
    register_fonts()
    return {
        "title": _style("title", 20, bold=True, spaceAfter=4 * mm, textColor=ACCENT),
        "subtitle": _style("subtitle", 13, spaceAfter=3 * mm),
        "h1": _style("h1", 13, bold=True, spaceBefore=5 * mm, spaceAfter=2 * mm, textColor=ACCENT),
        "h2": _style("h2", 10.5, bold=True, spaceBefore=3 * mm, spaceAfter=1.5 * mm),
        "body": _style("body", 9.5, spaceAfter=1.5 * mm),
        "cell": _style("cell", 8.5),
        "cell_bold": _style("cell_bold", 8.5, bold=True),
        "small": _style("small", 8, textColor=MUTED, spaceAfter=1 * mm),
        "mono": _style("mono", 8.5, textColor=MUTED),
    }


def in_script(text: str) -> str:
    """Text as the report's script shows it: a Serbian Latin report spells recorded Cyrillic names in Latin."""
    return serbian_to_latin(text) if current_language() == "sr_Latn" else text


def para(text: str, style: str = "body") -> Paragraph:
    """A paragraph of plain text: <, > and & are escaped, so names and topics print as typed."""
    text = in_script(text)
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", "<br/>")
    return Paragraph(escaped, styles()[style])


# -- words and numbers in the report's language ------------------------------------------------------------


def capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]


def month_name(month: int, language: str) -> str:
    """The standalone month name for titles (березень, marzec), not the genitive used in dates."""
    return str(get_month_names("wide", context="stand-alone", locale=babel_locale(language))[month])


def month_short(month: int, language: str) -> str:
    return str(get_month_names("abbreviated", context="stand-alone", locale=babel_locale(language))[month])


def month_title(year: int, month: int, language: str) -> str:
    return f"{capitalized(month_name(month, language))} {year}"


def long_date(day: date, language: str) -> str:
    """A date with the genitive month name (7 березня 2026 р., 7 marca 2026)."""
    return format_date(day, language, "long")


def short_date(day: date, language: str) -> str:
    return format_date(day, language, "short")


def period_text(first: date, last: date, language: str) -> str:
    return f"{long_date(first, language)} – {long_date(last, language)}"


def local_time(moment: datetime, timezone: str, language: str) -> str:
    """A moment in the station's time zone, in the language's short CLDR form."""
    return format_datetime(moment.astimezone(ZoneInfo(timezone)), language, "short")


def number(value: float, language: str) -> str:
    return format_number(value, language)


def decimal(value: float, language: str, places: int = 1) -> str:
    return format_number(round(value, places), language)


def percent(share: float, language: str) -> str:
    return str(format_percent(share, locale=babel_locale(language)))


def public_count(value: int, language: str) -> str:
    """A count in public output: 1 and 2 become "<3" so no one in a village can be singled out; 0 stays 0."""
    return f"<{SMALL_COUNT}" if 0 < value < SMALL_COUNT else number(value, language)


def shorten(text: str, width: float, *, font: str = FONT, size: float = 8.5) -> str:
    """The text cut with an ellipsis to fit a width in points."""
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return text
    while text and pdfmetrics.stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


# -- tables -------------------------------------------------------------------------------------------------


CELL_SIZE = 8.5
CELL_PADDING = 2 * 6 + 2  # reportlab's left and right padding (6 points each), and a little air


def _words_width(text: str, font: str) -> tuple[float, float]:
    """The widest single word and the whole text (its widest line), in points."""
    words = text.split()
    longest = max((pdfmetrics.stringWidth(word, font, CELL_SIZE) for word in words), default=0.0)
    whole = max((pdfmetrics.stringWidth(line, font, CELL_SIZE) for line in text.split("\n")), default=0.0)
    return longest, whole


def auto_widths(rows: Sequence[Sequence[Any]], total: float, *, header: bool = True) -> list[float]:
    """Column widths that add up to `total`: every column gets at least its longest word (so no word runs over
    the grid), and the rest of the room goes where the text is longest."""
    columns = max(len(row) for row in rows)
    least, most = [0.0] * columns, [0.0] * columns
    for index, row in enumerate(rows):
        font = FONT_BOLD if header and index == 0 else FONT
        for column, value in enumerate(row):
            if isinstance(value, Flowable):
                continue
            longest, whole = _words_width(str(value), font)
            least[column] = max(least[column], longest + CELL_PADDING)
            most[column] = max(most[column], whole + CELL_PADDING)
    spare = total - sum(least)
    if spare <= 0:  # cannot fit: shrink in proportion (only with absurdly long words)
        return [total * width / sum(least) for width in least]
    wanted = [max(0.0, high - low) for low, high in zip(least, most, strict=True)]
    if sum(wanted) <= spare:
        extra = (spare - sum(wanted)) / columns
        return [low + want + extra for low, want in zip(least, wanted, strict=True)]
    return [low + spare * want / sum(wanted) for low, want in zip(least, wanted, strict=True)]


def table(
    rows: Sequence[Sequence[Any]],
    widths: Sequence[float] | None = None,
    *,
    numeric_from: int = 1,
    header: bool = True,
    chunk: int = TABLE_CHUNK,
) -> list[Flowable]:
    """A grid with a bold header row repeated on every page; columns from `numeric_from` on are right-aligned.

    Without `widths` the columns are sized to their text across the frame. Text wider than its column wraps.
    """
    widths = list(widths) if widths else auto_widths(rows, FRAME_WIDTH, header=header)
    head = [_cell(value, widths[index], bold=True) for index, value in enumerate(rows[0])] if header else []
    body = [[_cell(value, widths[index]) for index, value in enumerate(row)] for row in rows[1 if header else 0 :]]
    parts: list[Flowable] = []
    for start in range(0, max(len(body), 1), chunk):
        data = ([head] if header else []) + body[start : start + chunk]
        if not data:
            continue
        grid = Table(data, colWidths=widths, repeatRows=1 if header else 0, hAlign="LEFT")
        commands: list[tuple[Any, ...]] = [
            ("FONT", (0, 0), (-1, -1), FONT, CELL_SIZE),
            ("GRID", (0, 0), (-1, -1), 0.4, GRID),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("TOPPADDING", (0, 0), (-1, -1), 2),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ("ALIGN", (numeric_from, 0), (-1, -1), "RIGHT"),
        ]
        if header:
            commands += [("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL), ("FONT", (0, 0), (-1, 0), FONT_BOLD, CELL_SIZE)]
        grid.setStyle(TableStyle(commands))
        parts.append(grid)
    if parts:
        parts[-1].spaceAfter = 2 * mm
    return parts


def _cell(value: Any, width: float, *, bold: bool = False) -> Any:
    if isinstance(value, Flowable):
        return value
    text = in_script(str(value))
    # Text that fits stays a plain string (fast); the rest becomes a Paragraph, which wraps.
    font = FONT_BOLD if bold else FONT
    if "\n" not in text and pdfmetrics.stringWidth(text, font, CELL_SIZE) + CELL_PADDING <= width:
        return text
    return para(text, "cell_bold" if bold else "cell")


def key_values(rows: Sequence[tuple[str, str]], *, label_width: float = 0.62, numbers: bool = True) -> list[Flowable]:
    """A two-column table of figure names and values (right-aligned numbers, or left-aligned text), no header."""
    widths = [FRAME_WIDTH * label_width, FRAME_WIDTH * (1 - label_width)]
    return table(rows, widths, header=False, numeric_from=1 if numbers else 2)


def signature_lines(lines: Sequence[str]) -> Table:
    """Lines to sign on: the role on the left, a rule for the signature and one for the date."""
    data = [[para(text, "body"), "", ""] for text in lines]
    grid = Table(data, colWidths=[FRAME_WIDTH * 0.42, FRAME_WIDTH * 0.33, FRAME_WIDTH * 0.2], rowHeights=14 * mm)
    grid.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), FONT, CELL_SIZE),
                ("LINEBELOW", (1, 0), (1, -1), 0.6, colors.black),
                ("LINEBELOW", (2, 0), (2, -1), 0.6, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ("LEFTPADDING", (2, 0), (2, -1), 10),
            ]
        )
    )
    return grid


# -- the page: header, footer with page X of Y, and the document ---------------------------------------------


@dataclass(frozen=True)
class PageMarks:
    """What every page shows: the header, and the footer's who, when and why."""

    header_left: str
    header_right: str
    printed: str  # "Printed by ... on ... for: ..."
    page_of: str  # a template with {page} and {pages}
    notice: str = ""  # e.g. internal use only, in the header's colour


class _MarkedCanvas(Canvas):  # type: ignore[misc]
    """Keeps each page until the end, so the footer can say how many pages there are."""

    def __init__(self, *args: Any, marks: PageMarks, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._marks = marks
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:  # noqa: N802 - reportlab's name
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            self._draw_marks(number, len(self._pages))
            super().showPage()
        super().save()

    def _draw_marks(self, page: int, pages: int) -> None:
        marks = self._marks
        self.saveState()
        self.setStrokeColor(GRID)
        self.setLineWidth(0.5)
        top = PAGE_HEIGHT - MARGIN + 4 * mm
        self.line(MARGIN, top - 1.5 * mm, PAGE_WIDTH - MARGIN, top - 1.5 * mm)
        self.line(MARGIN, MARGIN - 4 * mm, PAGE_WIDTH - MARGIN, MARGIN - 4 * mm)
        self.setFillColor(MUTED)
        self.setFont(FONT, 7.5)
        half = FRAME_WIDTH / 2 - 3 * mm
        self.drawString(MARGIN, top, shorten(marks.header_left, half, size=7.5))
        self.drawRightString(PAGE_WIDTH - MARGIN, top, shorten(marks.header_right, half, size=7.5))
        page_text = marks.page_of.format(page=page, pages=pages)
        page_width = pdfmetrics.stringWidth(page_text, FONT_BOLD, 7.5)
        self.drawString(MARGIN, MARGIN - 8 * mm, shorten(marks.printed, FRAME_WIDTH - page_width - 6 * mm, size=7.5))
        self.setFont(FONT_BOLD, 7.5)
        self.drawRightString(PAGE_WIDTH - MARGIN, MARGIN - 8 * mm, page_text)
        if marks.notice:
            self.setFillColor(colors.HexColor("#9c2b2b"))
            self.drawCentredString(PAGE_WIDTH / 2, MARGIN - 12 * mm, shorten(marks.notice, FRAME_WIDTH, size=7.5))
        self.restoreState()


def build_pdf(story: list[Flowable], marks: PageMarks, *, title: str, author: str, subject: str) -> bytes:
    """Lay the story out on A4 pages with the marks on every page; returns the PDF's bytes."""
    register_fonts()
    buffer = BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN + 2 * mm,
        bottomMargin=MARGIN,
        title=title,
        author=author,
        subject=subject,
        creator="Station Desk",
        initialFontName=FONT,
        initialFontSize=9.5,
    )
    document.build(story, canvasmaker=partial(_MarkedCanvas, marks=marks))
    return buffer.getvalue()


def page_marks(
    *, header_left: str, header_right: str, printed_by: str, printed_at: str, purpose: str, notice: str = ""
) -> PageMarks:
    return PageMarks(
        header_left=in_script(header_left),
        header_right=in_script(header_right),
        printed=in_script(
            _("Printed by {user} on {when} for: {purpose}").format(user=printed_by, when=printed_at, purpose=purpose)
        ),
        page_of=_("Page {page} of {pages}"),
        notice=notice,
    )
