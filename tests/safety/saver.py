"""The child the crash tests kill: saves incidents, migrates a database, or writes a backup, saying what it did.

Run as `python -m tests.safety.saver save DATA_DIR USER` (password in STATION_DESK_PASSWORD), `... migrate DB KEY`
(the database key in hex) or `... backup DATA_DIR USER OUT`. It prints "ready PID" when the work starts,
and an incident's id only after its commit returned, so every id the parent read must survive the kill.

`... serve` imports all this once and then runs each command line it reads on stdin in a forked child, printing
"exit CODE" when that child is gone: fifty kills then cost fifty forks, not fifty Python start-ups of two seconds
(and a key passed this way never shows in the process list). A forked child prints "done" (or "failed") after its
job and then waits for its SIGKILL, so the pid the parent kills is always still that child's.
"""

from __future__ import annotations

import os
import signal
import sys
import traceback
from pathlib import Path

from station_desk import db
from station_desk.config import resolve_paths
from station_desk.services.accounts import open_station
from station_desk.services.backup import create_backup
from station_desk.services.incidents import create_incident
from tests.conftest import incident_input


def say(line: str) -> None:
    # One write of a short line to a pipe is atomic, so the parent never reads half an id.
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def ready() -> None:
    say(f"ready {os.getpid()}")


def save(data_dir: str, username: str) -> None:
    handle = open_station(
        paths=resolve_paths(data_dir), username=username, password=os.environ["STATION_DESK_PASSWORD"]
    )
    ready()
    number = 0
    while True:
        number += 1
        with db.write_session(handle.engine) as session:
            incident = create_incident(session=session, actor=handle.actor, data=incident_input(narrative=f"№{number}"))
        say(incident.id)


def migrate(database: str, key_hex: str) -> None:
    ready()
    engine = db.open_database(Path(database), bytes.fromhex(key_hex))
    engine.dispose()
    say("done")


def backup(data_dir: str, username: str, out: str) -> None:
    handle = open_station(
        paths=resolve_paths(data_dir), username=username, password=os.environ["STATION_DESK_PASSWORD"]
    )
    ready()
    create_backup(handle, Path(out))
    handle.close()
    say("done")


COMMANDS = {"save": save, "migrate": migrate, "backup": backup}


def serve() -> None:
    say("serving")
    while line := sys.stdin.readline():
        command, *arguments = line.split()
        child = os.fork()
        if child == 0:
            try:
                COMMANDS[command](*arguments)
            except BaseException:
                traceback.print_exc()
                say("failed")
            # Wait for the parent's SIGKILL even when done: a child that ended by itself would be reaped at once,
            # and its pid could belong to another process by the time the kill is sent.
            while True:
                signal.pause()
        _pid, status = os.waitpid(child, 0)
        # Printed once the child is gone, so everything it printed is already in the pipe before this line.
        say(f"exit {os.waitstatus_to_exitcode(status)}")


if __name__ == "__main__":
    name, *rest = sys.argv[1:]
    if name == "serve":
        serve()
    else:
        COMMANDS[name](*rest)
