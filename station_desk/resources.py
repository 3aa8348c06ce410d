"""Finds files under resources/, from a source checkout and from a frozen (PyInstaller) bundle alike."""

from __future__ import annotations

import sys
from pathlib import Path


def resources_root() -> Path:
    """The folder that holds fonts/, locale/, demo/ and icons/."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def resource_path(*parts: str) -> Path:
    """Path of one resource file, e.g. resource_path("demo", "uk.json")."""
    return resources_root().joinpath(*parts)
