"""A month of about 1,000 incidents to the commander's PDF, against reportlab typesetting the same number of
table rows with nothing else (the floor any PDF of that month costs)."""

from __future__ import annotations

import io
import statistics
import time
from datetime import UTC, datetime

from reportlab.lib.pagesizes import A4
from reportlab.platypus import SimpleDocTemplate, Table

from bench.common import large_station
from station_desk import db
from station_desk.reports.figures import month_figures
from station_desk.reports.service import make_report

BUDGET_S = 3.0
INCIDENTS_A_YEAR = 12_000  # about 1,000 a month
RUNS = 5


def busiest_month(handle: object) -> tuple[int, int, int]:
    from sqlalchemy import text

    assert hasattr(handle, "engine")
    with handle.engine.connect() as connection:
        month, count = connection.execute(
            text("SELECT substr(reported_at, 1, 7) AS m, count(*) FROM incident GROUP BY m ORDER BY 2 DESC LIMIT 1")
        ).one()
    year, number = (int(part) for part in month.split("-"))
    return year, number, int(count)


def seconds(action: object, runs: int = RUNS) -> float:
    assert callable(action)
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def main() -> None:
    _paths, handle = large_station(INCIDENTS_A_YEAR)
    year, month, count = busiest_month(handle)

    def report() -> bytes:
        with db.write_session(handle.engine) as session:
            return make_report(
                session=session, actor=handle.actor, year=year, month=month, audience="commander", language="uk",
                purpose="benchmark", now=datetime.now(UTC),
            ).pdf  # fmt: skip

    with db.read_session(handle.engine) as session:
        lines = month_figures(session=session, actor=handle.actor, year=year, month=month).incident_list
    rows = [[line.number, line.category_name, line.village or "", line.status] for line in lines]

    def bare_table() -> bytes:
        buffer = io.BytesIO()
        SimpleDocTemplate(buffer, pagesize=A4).build([Table(rows, repeatRows=1)])
        return buffer.getvalue()

    full, floor = seconds(report), seconds(bare_table)
    verdict = "within budget" if full <= BUDGET_S else f"OVER budget by {full - BUDGET_S:.2f} s"
    print(
        f"commander PDF for {year}-{month:02d} ({count:,} incidents): {full:.2f} s "
        f"(budget {BUDGET_S:.0f} s, {verdict}); "
        f"baseline reportlab table of the same {len(rows):,} rows: {floor:.2f} s; ratio {full / floor:.1f}x"
    )
    handle.close()


if __name__ == "__main__":
    main()
