"""`station-desk --self-test`: proves an installed copy works end to end, one line per check, exit 0 only if all pass.

Runs in a throwaway folder and never touches the officer's station: create a station, unlock it with the
password, save an incident, render a PDF with Cyrillic text, open the main window offscreen.
"""

from __future__ import annotations

import os
import sys
import tempfile
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from station_desk.keys import THROWAWAY_KDF

PASSWORD = "self-test-password-1"
NARRATIVE = "Самоперевірка: викрадено велосипед біля школи."


class SelfTest:
    """Each check runs once, in order; a failed check stops the ones that need it."""

    def __init__(self, folder: Path) -> None:
        from station_desk.config import resolve_paths

        self.paths = resolve_paths(folder / "station")
        self.failures: list[str] = []

    def check(self, name: str, action: Callable[[], str]) -> bool:
        try:
            detail = action()
        except Exception as error:  # every failure is reported by name, never raised past the runner
            self.failures.append(name)
            print(f"FAIL {name}: {type(error).__name__}: {error}", flush=True)
            traceback.print_exc(file=sys.stderr)
            return False
        print(f"ok   {name}: {detail}", flush=True)
        return True

    def create_station(self) -> str:
        from station_desk.services import accounts

        handle, _code = accounts.init_station(
            paths=self.paths,
            station_name="Станція самоперевірки",
            timezone="Europe/Kyiv",
            language="uk",
            username="selftest",
            full_name="Самоперевірка",
            password=PASSWORD,
            kdf=THROWAWAY_KDF,
        )
        handle.close()
        return str(self.paths.database)

    def unlock_and_save(self) -> str:
        from station_desk import db
        from station_desk.models import Incident
        from station_desk.services import accounts
        from station_desk.services.incidents import IncidentInput, create_incident

        handle = accounts.open_station(paths=self.paths, username="selftest", password=PASSWORD)
        try:
            with db.write_session(handle.engine) as session:
                incident = create_incident(
                    session=session,
                    actor=handle.actor,
                    data=IncidentInput(reported_at=datetime.now(UTC), category_code="theft", narrative=NARRATIVE),
                )
                incident_id = incident.id
            with db.read_session(handle.engine) as session:
                stored = session.get(Incident, incident_id)
                if stored is None or stored.narrative != NARRATIVE:
                    raise RuntimeError("the saved incident did not read back")
                return f"incident {stored.number} saved and read back"
        finally:
            handle.close()

    def render_pdf(self) -> str:
        import pypdfium2 as pdfium

        from station_desk import db
        from station_desk.reports.service import make_report
        from station_desk.services import accounts

        handle = accounts.open_station(paths=self.paths, username="selftest", password=PASSWORD)
        try:
            now = datetime.now(UTC)
            with db.write_session(handle.engine) as session:
                result = make_report(
                    session=session,
                    actor=handle.actor,
                    year=now.year,
                    month=now.month,
                    audience="commander",
                    language="uk",
                    purpose="self-test",
                )
        finally:
            handle.close()
        target = self.paths.data_dir / "self-test.pdf"
        target.write_bytes(result.pdf)
        document = pdfium.PdfDocument(target)
        try:
            text = "".join(document[index].get_textpage().get_text_range() for index in range(len(document)))
        finally:
            document.close()
        if "Станція самоперевірки" not in text:
            raise RuntimeError("the PDF does not hold the station's Cyrillic name")
        return f"{len(result.pdf):,} bytes, Cyrillic text extracted"

    def open_window(self) -> str:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        from station_desk.ui.self_check import open_main_window_once

        return open_main_window_once(self.paths, username="selftest", password=PASSWORD)


def run() -> int:
    with tempfile.TemporaryDirectory(prefix="station-desk-self-test-") as folder:
        test = SelfTest(Path(folder))
        if test.check("create a station", test.create_station) and test.check(
            "unlock and save an incident", test.unlock_and_save
        ):
            test.check("render a PDF with Cyrillic text", test.render_pdf)
            test.check("open the main window", test.open_window)
        print("self-test passed" if not test.failures else f"self-test FAILED: {', '.join(test.failures)}")
        return 0 if not test.failures else 1
