"""The rooms of DESIGN.md stay apart: Qt only in ui/ and app.py, engines only in db.py."""

from __future__ import annotations

import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "station_desk"


def _sources() -> list[Path]:
    return [path for path in PACKAGE.rglob("*.py") if "migrations" not in path.parts]


def test_qt_is_imported_only_by_the_ui() -> None:
    offenders = [
        str(path.relative_to(PACKAGE))
        for path in _sources()
        if re.search(r"^\s*(from|import) PySide6", path.read_text(encoding="utf-8"), re.MULTILINE)
        and not (path.relative_to(PACKAGE).parts[0] == "ui" or path.name == "app.py")
    ]
    assert offenders == []


def test_only_db_makes_engines() -> None:
    offenders = [
        str(path.relative_to(PACKAGE))
        for path in _sources()
        if "create_engine(" in path.read_text(encoding="utf-8") and path.name != "db.py"
    ]
    assert offenders == []


def test_every_module_says_what_it_owns() -> None:
    missing = [
        str(path.relative_to(PACKAGE))
        for path in _sources()
        if path.stat().st_size and not path.read_text(encoding="utf-8").lstrip().startswith('"""')
    ]
    assert missing == []
