"""Where Station Desk keeps its data, configuration and logs, and the small settings file beside them."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "StationDesk"
DATA_DIR_ENV = "STATION_DESK_DATA_DIR"
DATABASE_FILE = "station.db"
KEY_FILE = "station.keys"
SETTINGS_FILE = "settings.json"


@dataclass(frozen=True)
class Paths:
    """Every folder and file the desktop app touches; one data folder holds one station."""

    data_dir: Path
    config_dir: Path
    log_dir: Path

    @property
    def database(self) -> Path:
        return self.data_dir / DATABASE_FILE

    @property
    def key_file(self) -> Path:
        return self.data_dir / KEY_FILE

    @property
    def backups(self) -> Path:
        return self.data_dir / "backups"

    @property
    def settings_file(self) -> Path:
        return self.config_dir / SETTINGS_FILE

    def ensure(self) -> Paths:
        for folder in (self.data_dir, self.config_dir, self.log_dir):
            folder.mkdir(parents=True, exist_ok=True)
        return self


def resolve_paths(data_dir: str | os.PathLike[str] | None = None) -> Paths:
    """`--data-dir` wins, then STATION_DESK_DATA_DIR, then the platform's per-user folders.

    When the data folder is given explicitly, config and logs live inside it too, so a test or a USB-stick
    station is one self-contained folder.
    """
    chosen = data_dir or os.environ.get(DATA_DIR_ENV)
    if chosen:
        root = Path(chosen).expanduser().resolve()
        return Paths(data_dir=root, config_dir=root / "config", log_dir=root / "logs")
    return Paths(
        data_dir=Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)),
        config_dir=Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)),
        log_dir=Path(platformdirs.user_log_dir(APP_NAME, appauthor=False)),
    )


def load_settings(paths: Paths) -> dict[str, object]:
    """Per-laptop settings that are not records (UI language, auto-lock minutes); a broken file is ignored."""
    try:
        loaded = json.loads(paths.settings_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return loaded if isinstance(loaded, dict) else {}


def save_settings(paths: Paths, settings: dict[str, object]) -> None:
    """Write settings atomically so a power cut leaves the old file or the new one, never half of one."""
    paths.ensure()
    temporary = paths.settings_file.with_suffix(".tmp")
    temporary.write_text(json.dumps(settings, ensure_ascii=False, indent=2), encoding="utf-8")
    os.replace(temporary, paths.settings_file)
