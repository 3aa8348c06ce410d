"""Demo texts from resources/demo/<language>.json and the shared state (random source, clock, rows) of one build."""

from __future__ import annotations

import json
import random
from bisect import bisect
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import accumulate
from typing import Any, Generic, TypeVar
from zoneinfo import ZoneInfo

from station_desk.errors import StationDeskError
from station_desk.i18n import _
from station_desk.models import RecordBase, new_id
from station_desk.models.enums import Country
from station_desk.resources import resource_path

DEMO_LANGUAGES = ("uk", "pl", "sq", "sr", "en")
COUNTRY_OF_DEMO = {"uk": Country.UA, "pl": Country.PL, "sq": Country.XK, "sr": Country.XK, "en": Country.UA}
# Keys an English demo takes from the station it describes (a Ukrainian one): places and people stay local.
_REUSED_KEYS = ("villages", "streets", "first_names", "last_names", "commander", "officer", "vehicle")

T = TypeVar("T")
Row = dict[str, Any]


def load_content(language: str) -> dict[str, Any]:
    """The demo content of one language; "reuse" names another file whose places and people it shares."""
    if language not in DEMO_LANGUAGES:
        raise StationDeskError(
            _("There is no demo station for “{language}”. Choose one of: {choices}.").format(
                language=language, choices=", ".join(DEMO_LANGUAGES)
            )
        )
    content: dict[str, Any] = json.loads(resource_path("demo", f"{language}.json").read_text(encoding="utf-8"))
    reused = content.get("reuse")
    if isinstance(reused, str):
        base = load_content(reused)
        for key in _REUSED_KEYS:
            content.setdefault(key, base[key])
    return content


def months_before(moment: datetime, months: int) -> datetime:
    """The same day and time `months` calendar months earlier (the 31st becomes the month's last day)."""
    total = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(total, 12)
    month += 1
    next_month = date(year + (month == 12), month % 12 + 1, 1)
    last_day = (next_month - timedelta(days=1)).day
    return moment.replace(year=year, month=month, day=min(moment.day, last_day))


class Weighted(Generic[T]):
    """Repeated weighted picks in O(log n): rng.choices recomputes the cumulative weights on every call."""

    def __init__(self, items: Sequence[T], weights: Sequence[float]) -> None:
        self.items = items
        self.cumulative = list(accumulate(weights))

    def pick(self, rng: random.Random) -> T:
        return self.items[bisect(self.cumulative, rng.random() * self.cumulative[-1])]


@dataclass
class DemoContext:
    """Everything the generators share; rows are plain column dicts keyed by model, written in one go at the end."""

    rng: random.Random
    content: dict[str, Any]
    language: str
    country: Country
    tz: ZoneInfo
    now: datetime
    start: datetime
    commander_id: str
    officer_id: str
    villages: list[Row] = field(default_factory=list)
    rows: dict[type[RecordBase], list[Row]] = field(default_factory=dict)
    index: list[tuple[str, str, tuple[str | None, ...]]] = field(default_factory=list)

    def add(self, model: type[RecordBase], **values: Any) -> Row:
        row: Row = {"id": new_id(), **values}
        self.rows.setdefault(model, []).append(row)
        return row

    def pick(self, items: Sequence[T]) -> T:
        return items[self.rng.randrange(len(items))]

    def chance(self, probability: float) -> bool:
        return self.rng.random() < probability

    def text(self, *path: str) -> Any:
        value: Any = self.content
        for key in path:
            value = value[key]
        return value

    @property
    def today(self) -> date:
        """The station's local date now."""
        return self.now.astimezone(self.tz).date()

    @property
    def first_day(self) -> date:
        return self.start.astimezone(self.tz).date()

    def days(self) -> list[date]:
        """Every local day of the period that has already begun."""
        count = (self.today - self.first_day).days + 1
        return [self.first_day + timedelta(days=offset) for offset in range(count)]

    def at(self, day: date, hour: float) -> datetime:
        """A local wall-clock time of a day, as UTC (hour may be fractional, e.g. 9.5 is 09:30)."""
        minutes = int(hour * 60)
        local = datetime.combine(day, time(minutes // 60 % 24, minutes % 60), tzinfo=self.tz)
        return (local + timedelta(days=minutes // 1440)).astimezone(UTC)

    def past(self, moment: datetime, *, margin_minutes: int = 10) -> datetime:
        """The moment, or a little before now if it would fall in the future."""
        latest = self.now - timedelta(minutes=margin_minutes)
        return moment if moment <= latest else latest - timedelta(minutes=self.rng.randint(0, 120))

    def between(self, low: datetime, high: datetime) -> datetime:
        span = max((high - low).total_seconds(), 0.0)
        return low + timedelta(seconds=self.rng.random() * span)

    def local_date(self, moment: datetime) -> date:
        return moment.astimezone(self.tz).date()
