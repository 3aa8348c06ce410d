"""A demo station with a year of believable activity, for training, screenshots and benchmarks."""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, select

from station_desk import db
from station_desk.config import Paths
from station_desk.i18n import _
from station_desk.models import RECORD_TYPES, Category, Station, User, Village, utcnow
from station_desk.models.enums import LegalType
from station_desk.services.accounts import StationHandle, add_user, init_station
from station_desk.services.bulk import index_many, insert_rows
from station_desk.services.context import Actor
from station_desk.services.demo_activity import add_visits, make_community, make_patrols, make_reception
from station_desk.services.demo_content import COUNTRY_OF_DEMO, DemoContext, load_content, months_before
from station_desk.services.demo_incidents import IncidentMaker
from station_desk.services.demo_people import People
from station_desk.services.records import update_record
from station_desk.services.validation import Problems

# Fixed demo logins, printed by the CLI; a demo station holds no real data, so they need no secrecy.
DEMO_COMMANDER = "demo-commander"
DEMO_COMMANDER_PASSWORD = "demo-pass-1"
DEMO_OFFICER = "demo-officer"
DEMO_OFFICER_PASSWORD = "demo-pass-2"
MONTHLY_INCIDENTS = (60, 100)
BULK_CACHE_KIB = 512 * 1024
DEFAULT_CACHE_SIZE = -20000  # as db.make_engine sets it
_JOURNAL_TABLES = ("auditentry", "outboxentry", "search_index")


@dataclass(frozen=True)
class DemoSummary:
    station_name: str
    language: str
    data_dir: Path
    commander_username: str
    commander_password: str
    officer_username: str
    officer_password: str
    recovery_code: str
    counts: dict[str, int]  # rows per table, including the audit log, the outbox and the search index
    seconds: float


def build_demo_station(
    *,
    paths: Paths,
    language: str = "uk",
    months: int = 12,
    seed: int = 1,
    incidents: int | None = None,
    kdf: dict[str, int] | None = None,
    now: datetime | None = None,
) -> DemoSummary:
    """Create a new station in `paths` and fill it with `months` months of activity ending at `now`.

    `incidents` overrides the total number of incidents (e.g. 100 000 for benchmarks). The same seed gives the
    same people, texts and counts; ids and creation times differ.
    """
    began = time.perf_counter()
    problems = Problems()
    if months < 1:
        problems.add("months", _("Give at least one month."))
    if incidents is not None and incidents < 0:
        problems.add("incidents", _("The number of incidents cannot be negative."))
    moment = problems.aware_time("now", now) or utcnow()
    problems.raise_if_any()
    content = load_content(language)
    station_content = content["station"]
    handle, recovery_code = init_station(
        paths=paths, station_name=station_content["name"], timezone=station_content["timezone"], language=language,
        username=DEMO_COMMANDER, full_name=content["commander"]["full_name"], password=DEMO_COMMANDER_PASSWORD,
        country=COUNTRY_OF_DEMO[language].value, kdf=kdf,
    )  # fmt: skip
    try:
        with _bulk_session(handle.engine) as session:
            _fill(
                session, handle, content, language=language, months=months, seed=seed, incidents=incidents, now=moment
            )
        counts = table_counts(handle.engine)
    finally:
        handle.close()
    return DemoSummary(
        station_name=station_content["name"], language=language, data_dir=paths.data_dir,
        commander_username=DEMO_COMMANDER, commander_password=DEMO_COMMANDER_PASSWORD,
        officer_username=DEMO_OFFICER, officer_password=DEMO_OFFICER_PASSWORD, recovery_code=recovery_code,
        counts=counts, seconds=round(time.perf_counter() - began, 2),
    )  # fmt: skip


@contextmanager
def _bulk_session(engine: Engine) -> Iterator[Session]:
    """One transaction for the whole build, on a connection set up for a bulk load.

    A half-built demo is thrown away, not recovered, so the load skips the WAL (which writes every page twice)
    and fsync; the connection goes back to WAL and full sync before it returns to the pool.
    """
    with engine.connect() as connection:
        cursor = connection.connection.cursor()  # the driver's own cursor: a PRAGMA here must not open a transaction
        cursor.execute("PRAGMA journal_mode=DELETE")
        cursor.execute("PRAGMA synchronous=OFF")
        # A big demo outgrows the default page cache; re-reading evicted index pages (decrypting each) costs then.
        cursor.execute(f"PRAGMA cache_size=-{BULK_CACHE_KIB}")
        try:
            with Session(bind=connection, expire_on_commit=False) as session:
                yield session
                session.commit()
        finally:
            for pragma in ("synchronous=FULL", "journal_mode=WAL", f"cache_size={DEFAULT_CACHE_SIZE}"):
                cursor.execute(f"PRAGMA {pragma}")
            cursor.close()


def _fill(
    session: Session,
    handle: StationHandle,
    content: dict[str, object],
    *,
    language: str,
    months: int,
    seed: int,
    incidents: int | None,
    now: datetime,
) -> None:
    commander = handle.actor
    officer_content = content["officer"]
    commander_content = content["commander"]
    station_content = content["station"]
    assert isinstance(officer_content, dict) and isinstance(commander_content, dict)
    assert isinstance(station_content, dict)
    officer_user = add_user(
        session=session, handle=handle, username=DEMO_OFFICER, full_name=officer_content["full_name"],
        role="officer", password=DEMO_OFFICER_PASSWORD,
    )  # fmt: skip
    update_record(session, commander, officer_user, {"rank": officer_content["rank"]})
    update_record(session, commander, session.get_one(User, commander.user_id), {"rank": commander_content["rank"]})
    update_record(
        session, commander, session.get_one(Station, commander.station_id),
        {"address": station_content.get("address"), "phone": station_content.get("phone")},
    )  # fmt: skip
    # The officer does the field work, so the generated records are theirs; the commander approves them.
    officer = Actor(user_id=officer_user.id, username=officer_user.username, full_name=officer_user.full_name,
                    role=officer_user.role, station_id=officer_user.station_id)  # fmt: skip
    rng = random.Random(seed)
    ctx = DemoContext(
        rng=rng, content=content, language=language, country=COUNTRY_OF_DEMO[language],
        tz=ZoneInfo(str(station_content["timezone"])), now=now, start=months_before(now, months),
        commander_id=commander.user_id, officer_id=officer.user_id,
    )  # fmt: skip
    villages = content["villages"]
    assert isinstance(villages, list)
    for village in villages:
        ctx.villages.append(ctx.add(Village, **village))
    count = incidents if incidents is not None else sum(rng.randint(*MONTHLY_INCIDENTS) for _ in range(months))
    people = People(ctx, count)
    patrols = make_patrols(ctx)
    sessions = make_reception(ctx)
    legal_types = {
        code: LegalType(kind) for code, kind in session.exec(select(Category.code, Category.default_legal_type))
    }
    maker = IncidentMaker(ctx, people, legal_types)
    maker.make(count, patrols, sessions)
    add_visits(ctx, people, sessions, maker.reception_incidents)
    make_community(ctx)
    insert_rows(session, officer, ctx.rows)
    index_many(session, ctx.index)


def table_counts(engine: Engine) -> dict[str, int]:
    """Rows per synced table, plus the audit log, the outbox and the search index."""
    with db.read_session(engine) as session:
        return {
            name: int(session.execute(sa.text(f'SELECT count(*) FROM "{name}"')).scalar_one())
            for name in (*RECORD_TYPES, *_JOURNAL_TABLES)
            if name in SQLModel.metadata.tables or name in _JOURNAL_TABLES
        }
