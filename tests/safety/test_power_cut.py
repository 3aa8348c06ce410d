"""A power cut, played by SIGKILL at random moments: while saving, while migrating, while writing a backup.

After every kill the database must pass `PRAGMA integrity_check`, its audit chain must be whole, and every save
whose commit had returned must be there.
"""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlmodel import Session, func, select

from station_desk import db
from station_desk.config import Paths, resolve_paths
from station_desk.keys import KeyFile
from station_desk.models import AuditEntry, Incident, OutboxEntry, Person
from station_desk.services import demo
from station_desk.services.accounts import init_station
from station_desk.services.backup import BackupRefused, integrity_problem, verify_backup
from station_desk.services.journal import verify_chain
from tests.conftest import COMMANDER_PASSWORD, TEST_KDF

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not hasattr(signal, "SIGKILL") or not hasattr(os, "fork"), reason="needs SIGKILL and fork"),
]

ROOT = Path(__file__).resolve().parents[2]
SAVE_KILLS = 50
MIGRATION_KILLS = 5
BACKUP_KILLS = 6
SEED = int(os.environ.get("STATION_DESK_KILL_SEED", "20261123"))


class Children:
    """`python -m tests.safety.saver serve`: each `start` forks a child that does one job; `kill` cuts it off."""

    def __init__(self, password: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.safety.saver", "serve"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "STATION_DESK_PASSWORD": password, "PYTHONPATH": str(ROOT)},
            cwd=ROOT,
        )
        assert self.line() == "serving"

    def line(self) -> str:
        assert self.process.stdout is not None
        return self.process.stdout.readline().strip()

    def start(self, *job: str) -> int:
        """Start a job; returns the child's pid once it says it is ready."""
        assert self.process.stdin is not None
        self.process.stdin.write(" ".join(job) + "\n")
        self.process.stdin.flush()
        line = self.line()
        assert line.startswith("ready "), f"the child did not start: {line!r}"
        return int(line.split()[1])

    def finish(self, pid: int, kill_after: float | None) -> list[str]:
        """SIGKILL the child after `kill_after` seconds, or once it says its job is done (None); what it printed."""
        printed = []
        if kill_after is None:
            while (line := self.line()) not in ("done", "failed"):
                assert line, "the child server died"
                printed.append(line)
            printed.append(line)
        else:
            time.sleep(kill_after)
        # A child never ends by itself (it waits for this), so `pid` is still that child.
        os.kill(pid, signal.SIGKILL)
        while not (line := self.line()).startswith("exit "):
            assert line, "the child server died"
            printed.append(line)
        assert line == f"exit {-signal.SIGKILL}"
        assert "failed" not in printed, "the child failed before it was killed (its traceback is above)"
        return printed

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        self.process.wait(timeout=30)


@pytest.fixture
def children() -> Iterator[Callable[[str], Children]]:
    started: list[Children] = []

    def start(password: str) -> Children:
        started.append(Children(password))
        return started[-1]

    yield start
    for server in started:
        server.close()


def _count(engine: sa.Engine, model: type) -> int:
    with Session(engine) as session:
        return int(session.exec(select(func.count()).select_from(model)).one())


def _assert_whole(engine: sa.Engine) -> None:
    assert integrity_problem(engine) is None
    with Session(engine) as session:
        report = verify_chain(session)
    assert report.whole, f"audit chain broken at {report.first_broken_seq}"


@pytest.fixture
def station_paths(tmp_path: Path) -> Iterator[tuple[Paths, bytes]]:
    paths = resolve_paths(tmp_path / "station")
    handle, _code = init_station(
        paths=paths,
        station_name="Іванківська станція",
        timezone="Europe/Kyiv",
        language="uk",
        username="olena",
        full_name="Олена Коваль",
        password=COMMANDER_PASSWORD,
        kdf=TEST_KDF,
    )
    key = handle.database_key
    handle.close()
    yield paths, key


def test_every_save_that_returned_survives_fifty_kills(
    station_paths: tuple[Paths, bytes], children: Callable[[str], Children]
) -> None:
    paths, key = station_paths
    rng = random.Random(SEED)
    server = children(COMMANDER_PASSWORD)
    printed: set[str] = set()
    for kill in range(1, SAVE_KILLS + 1):
        pid = server.start("save", str(paths.data_dir), "olena")
        printed.update(server.finish(pid, kill_after=rng.uniform(0.05, 0.6)))

        # What the app does when the power comes back: open the file (SQLite rolls the WAL forward).
        engine = db.open_database(paths.database, key)
        try:
            _assert_whole(engine)
            with Session(engine) as session:
                stored = set(session.exec(select(Incident.id)).all())
        finally:
            engine.dispose()
        assert printed <= stored, f"kill {kill}: {len(printed - stored)} saved incidents are gone"
        # A commit can return just before the kill and its id never be printed: at most one such save per kill.
        assert len(stored - printed) <= kill
    assert len(printed) >= SAVE_KILLS, "the children hardly saved anything before being killed"


# -- a migration cut short --------------------------------------------------------------------------------------


def _alembic(connection: sa.Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(db.MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def _demo_station(folder: Path) -> tuple[Paths, bytes]:
    """A two-month demo station with 3,000 incidents (about 50 MB): migrating or backing it up takes a while."""
    paths = resolve_paths(folder)
    demo.build_demo_station(paths=paths, months=2, incidents=3000, kdf=TEST_KDF)
    key = KeyFile.load(paths.key_file).unlock(demo.DEMO_COMMANDER, demo.DEMO_COMMANDER_PASSWORD)
    return paths, key


def _counts(engine: sa.Engine) -> dict[str, int]:
    return {model.__name__: _count(engine, model) for model in (Incident, Person, AuditEntry, OutboxEntry)}


@pytest.fixture(scope="module")
def old_station(tmp_path_factory: pytest.TempPathFactory) -> tuple[Paths, bytes, str, dict[str, int]]:
    """A station as a release three migrations ago left it: the template every killed migration starts from."""
    paths, key = _demo_station(tmp_path_factory.mktemp("old") / "station")
    engine = db.make_engine(paths.database, key)
    try:
        revisions = [script.revision for script in ScriptDirectory.from_config(_alembic()).walk_revisions()]
        old = revisions[3]
        with engine.begin() as connection:
            command.downgrade(_alembic(connection), old)
        counts = _counts(engine)
    finally:
        engine.dispose()
    return paths, key, old, counts


def test_a_migration_killed_at_random_moments_leaves_a_database_that_migrates_whole(
    old_station: tuple[Paths, bytes, str, dict[str, int]], tmp_path: Path, children: Callable[[str], Children]
) -> None:
    template, key, old, counts = old_station
    server = children("")

    def migrate(folder: Path, kill_after: float | None) -> tuple[Paths, float]:
        shutil.copytree(template.data_dir, folder)
        paths = resolve_paths(folder)
        pid = server.start("migrate", str(paths.database), key.hex())
        started = time.perf_counter()
        server.finish(pid, kill_after)
        return paths, time.perf_counter() - started

    _paths, duration = migrate(tmp_path / "timed", kill_after=None)
    rng = random.Random(SEED)
    cut_short = 0
    for attempt in range(MIGRATION_KILLS):
        paths, _elapsed = migrate(tmp_path / f"killed-{attempt}", kill_after=rng.uniform(0, duration))
        engine = db.make_engine(paths.database, key)
        try:
            # All the steps run in one transaction: the file is at the old revision or at the new one, never between.
            revision = db.current_revision(engine)
            assert revision in (old, db.head_revision())
            cut_short += revision == old
        finally:
            engine.dispose()
        engine = db.open_database(paths.database, key)
        try:
            assert db.current_revision(engine) == db.head_revision()
            _assert_whole(engine)
            assert _counts(engine) == counts
        finally:
            engine.dispose()
    assert cut_short >= 1, "no kill landed inside a migration"


# -- a backup cut short -----------------------------------------------------------------------------------------


def test_a_backup_killed_at_random_moments_leaves_the_station_whole_and_no_file_passing_for_a_backup(
    tmp_path: Path, children: Callable[[str], Children]
) -> None:
    paths, key = _demo_station(tmp_path / "station")
    usb = tmp_path / "usb"
    server = children(demo.DEMO_COMMANDER_PASSWORD)

    def back_up(out: Path, kill_after: float | None) -> float:
        pid = server.start("backup", str(paths.data_dir), demo.DEMO_COMMANDER, str(out))
        started = time.perf_counter()
        server.finish(pid, kill_after)
        return time.perf_counter() - started

    duration = back_up(usb / "whole.sdbak", kill_after=None)
    assert verify_backup(usb / "whole.sdbak", key=key).database_checked
    rng = random.Random(SEED)
    cut_short = 0
    for attempt in range(BACKUP_KILLS):
        out = usb / f"killed-{attempt}.sdbak"
        back_up(out, kill_after=rng.uniform(0, duration))
        engine = db.open_database(paths.database, key)
        try:
            _assert_whole(engine)
        finally:
            engine.dispose()
        if out.exists():  # the kill came after the rename: then it must be a whole backup
            assert verify_backup(out, key=key).database_checked
        else:
            cut_short += 1
        # Anything else a kill leaves behind is refused as a backup: a work copy of the database always, a .partial
        # file unless the kill came between its last byte and the rename (then every check of it passes: it is
        # whole, only not yet named as a backup).
        named = {usb / "whole.sdbak", *usb.glob("killed-*.sdbak")}
        for path in [*usb.iterdir(), *paths.backups.rglob("*")]:
            if not path.is_file() or path in named:
                continue
            if path.name.endswith(".sdbak.partial"):
                with contextlib.suppress(BackupRefused):
                    assert verify_backup(path, key=key).database_checked
            else:
                with pytest.raises(BackupRefused):
                    verify_backup(path, key=key)
    assert cut_short >= 1, "no kill landed inside a backup"
