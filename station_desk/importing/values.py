"""Turning imported cells into dates, numbers, yes/no and text; every failure is a translated CellProblem."""

from __future__ import annotations

import json
import re
import unicodedata
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl.utils.datetime import from_excel

from station_desk.i18n import _

# Years outside this range are typing slips (0224, 20244), and Excel serials outside it are not dates at all.
FIRST_YEAR, LAST_YEAR = 1900, 2100

_TIME = (
    r"(?:[ T]+(?P<hour>[0-9]{1,2}):(?P<minute>[0-9]{2})"
    r"(?::(?P<second>[0-9]{2})(?:[.,](?P<fraction>[0-9]{1,6}))?)?)?"
)
_OFFSET = r"\s*(?P<offset>Z|[+-][0-9]{2}(?::?[0-9]{2})?)?"
# Day first as written in all three countries; the separator must repeat, and Serbian adds a closing dot.
_DAY_FIRST = re.compile(
    r"(?P<day>[0-9]{1,2})(?P<sep>[./-])(?P<month>[0-9]{1,2})(?P=sep)(?P<year>[0-9]{4}|[0-9]{2})\.?" + _TIME + _OFFSET
)
_ISO = re.compile(r"(?P<year>[0-9]{4})(?P<sep>[./-])(?P<month>[0-9]{1,2})(?P=sep)(?P<day>[0-9]{1,2})" + _TIME + _OFFSET)

# Spaces people and spreadsheets put between thousands: plain, no-break, narrow no-break, thin.
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]+")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_GROUPED = {",": re.compile(r"[+-]?[0-9]{1,3}(?:,[0-9]{3})+"), ".": re.compile(r"[+-]?[0-9]{1,3}(?:\.[0-9]{3})+")}

# Lower-case (casefolded) answers in Ukrainian, Polish, Albanian, Serbian (both scripts) and English.
# A Cyrillic "х" is there because a tick typed as "x" on a Ukrainian keyboard layout comes out as "х".
_TRUE_WORDS = frozenset({"так", "tak", "po", "da", "да", "yes", "y", "true", "1", "x", "х", "+", "✓", "✔"})
_FALSE_WORDS = frozenset({"ні", "nie", "jo", "ne", "не", "no", "n", "false", "0", "-", "–"})

_LABEL_GAPS = re.compile(r"[\s_\-.:/()]+")


class CellProblem(Exception):
    """One cell cannot be turned into what its column needs; `message` is already translated."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _shown(value: Any) -> str:
    # A whole narrative landing in a date column must not make an unreadable message.
    shown = value.strip() if isinstance(value, str) else str(value)
    return shown if len(shown) <= 40 else shown[:39] + "…"


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _from_serial(value: int | float) -> datetime | None:
    """An Excel day number (45358 is 7 March 2024) as a naive datetime, or None when it cannot be a date."""
    if not 1 <= value <= 73415:  # 1900-01-01 .. 2100-12-31
        return None
    moment = from_excel(value)
    return moment if isinstance(moment, datetime) and FIRST_YEAR <= moment.year <= LAST_YEAR else None


def _parse_text(raw: str) -> tuple[datetime, timezone | None] | None:
    """A written date and maybe time: (naive moment, the UTC offset if one was written), or None if it is not one."""
    match = _ISO.fullmatch(raw) or _DAY_FIRST.fullmatch(raw)
    if match is None:
        return None
    year = int(match["year"])
    if len(match["year"]) == 2:
        year += 2000 if year < 70 else 1900
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return None
    fraction = (match["fraction"] or "").ljust(6, "0")
    try:
        moment = datetime(
            year,
            int(match["month"]),
            int(match["day"]),
            int(match["hour"] or 0),
            int(match["minute"] or 0),
            int(match["second"] or 0),
            int(fraction),
        )
    except ValueError:  # 31.02.2024, month 13, hour 25
        return None
    offset = None
    if match["offset"]:
        sign = -1 if match["offset"].startswith("-") else 1
        digits = match["offset"].lstrip("+-").replace(":", "").ljust(4, "0") if match["offset"] != "Z" else "0000"
        hours, minutes = int(digits[:2]), int(digits[2:])
        if hours > 23 or minutes > 59:
            return None
        offset = timezone(sign * timedelta(hours=hours, minutes=minutes))
    return moment, offset


def parse_date(value: Any) -> date | None:
    """A calendar date from a cell: 07.03.2024, 7.3.24, 2024-03-07, an Excel date or day number; blank is None."""
    if _is_blank(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        moment = _from_serial(value)
        if moment is not None:
            return moment.date()
    elif isinstance(value, str):
        parsed = _parse_text(value.strip())
        if parsed is not None:
            return parsed[0].date()
    raise CellProblem(_("“{value}” is not a date. Write it as 07.03.2024.").format(value=_shown(value)))


def parse_datetime(value: Any, zone: ZoneInfo) -> datetime | None:
    """An aware moment: times without an offset are local times in `zone`; a date alone is local midnight."""
    if _is_blank(value):
        return None
    naive: datetime | None = None
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            return value
        naive = value
    elif isinstance(value, date):
        naive = datetime.combine(value, time())
    elif isinstance(value, int | float) and not isinstance(value, bool):
        naive = _from_serial(value)
    elif isinstance(value, str):
        parsed = _parse_text(value.strip())
        if parsed is not None:
            moment, offset = parsed
            if offset is not None:
                return moment.replace(tzinfo=offset)
            naive = moment
    if naive is None:
        raise CellProblem(
            _("“{value}” is not a date and time. Write it as 07.03.2024 14:30.").format(value=_shown(value))
        )
    # A moment in a spring-forward gap keeps zoneinfo's reading (fold=0), as the station's clock would show it.
    return naive.replace(tzinfo=zone)


def _decimal(value: Any) -> Decimal | None:
    """A number written the European or the English way ("1 234,50", "1.234,50", "1,234.50", "1,5"), or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value)) if value == value and abs(value) != float("inf") else None
    if not isinstance(value, str):
        return None
    written = _SPACES.sub("", value).replace("\u2212", "-")  # the typographic minus Word and Excel like to use
    if "," in written and "." in written:
        # Whichever comes last separates the decimals; the other only groups thousands.
        decimal_mark = "," if written.rfind(",") > written.rfind(".") else "."
        grouping = "." if decimal_mark == "," else ","
        whole, _mark, decimals = written.rpartition(decimal_mark)
        if grouping in whole and not _GROUPED[grouping].fullmatch(whole):
            return None  # "1,5.3" is a slip, not fifteen point three
        written = whole.replace(grouping, "") + "." + decimals
    elif written.count(",") == 1:
        written = written.replace(",", ".")  # "1,5": a decimal comma, as everywhere these stations are
    elif written.count(",") > 1 or written.count(".") > 1:
        mark = "," if "," in written else "."
        if not _GROUPED[mark].fullmatch(written):
            return None
        written = written.replace(mark, "")
    if not _PLAIN_NUMBER.fullmatch(written):
        return None
    try:
        return Decimal(written)
    except InvalidOperation:
        return None


def parse_float(value: Any) -> float | None:
    """A number from a cell; blank is None."""
    if _is_blank(value):
        return None
    number = _decimal(value)
    if number is None:
        raise CellProblem(_("“{value}” is not a number.").format(value=_shown(value)))
    return float(number)


def parse_int(value: Any) -> int | None:
    """A whole number from a cell (12, "1 234", 12.0 from Excel); blank is None."""
    if _is_blank(value):
        return None
    number = _decimal(value)
    if number is None or number != number.to_integral_value():
        raise CellProblem(_("“{value}” is not a whole number.").format(value=_shown(value)))
    return int(number)


def parse_bool(value: Any) -> bool | None:
    """Yes or no in the station languages (так/ні, tak/nie, po/jo, da/ne, да/не, yes/no, 1/0, x); blank is None."""
    if _is_blank(value):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return value == 1
    if isinstance(value, str):
        word = value.strip().casefold()
        if word in _TRUE_WORDS:
            return True
        if word in _FALSE_WORDS:
            return False
    raise CellProblem(_("“{value}” is not yes or no.").format(value=_shown(value)))


def text(value: Any) -> str | None:
    """A cell as stripped text; numbers Excel stored as 12.0 read "12", dates are written day first; blank is None."""
    if _is_blank(value):
        return None
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # phone and case numbers that Excel kept as numbers
    if isinstance(value, datetime):
        return value.strftime("%d.%m.%Y %H:%M" if value.time() != time() else "%d.%m.%Y")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def normalise_label(value: str) -> str:
    """A header or name reduced for matching: no case, no accents, one space for any run of spaces or _-.:/()."""
    decomposed = unicodedata.normalize("NFKD", value)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _LABEL_GAPS.sub(" ", bare.casefold()).strip()
