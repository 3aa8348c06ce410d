"""Builds Station Desk into a self-contained app officers can install without Python.

    python build_installer.py            # folder and archive in dist/
    python build_installer.py --help

What it does, in order:
1. Compiles the translation catalogs (.po) into .mo files, Serbian Latin made from the Cyrillic catalog.
2. Runs PyInstaller (onedir) with the resources (fonts, demo data, catalogs) and the Alembic scripts as data
   files, leaving out the Qt modules and libraries the app does not use.
3. Packs the result, named with the version from pyproject.toml and the platform:
   - Linux: StationDesk-<version>-linux-<arch>.tar.gz, with a .desktop file and an icon;
   - Windows: the folder, and StationDesk-<version>-windows-setup.exe when Inno Setup's `iscc` is on PATH
     (Start-menu entry and uninstaller; the data folder is left in place on uninstall);
   - macOS: StationDesk.app, zipped.
4. Runs the built app with --self-test unless --no-self-test is given.

The officer's data lives outside the install folder (platformdirs), so installing a newer build over an older
one keeps every record; the newer app copies the database aside and migrates it on first start.
Build on the platform you target: PyInstaller does not cross-compile.
"""

from __future__ import annotations

import argparse
import io
import platform
import shutil
import subprocess
import sys
import tarfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent
APP_NAME = "StationDesk"
# Qt and Python modules the app never imports; leaving them out keeps the bundle small.
EXCLUDED_MODULES = [
    "PySide6.QtNetwork", "PySide6.QtQml", "PySide6.QtQuick", "PySide6.QtQuickWidgets", "PySide6.QtSql",
    "PySide6.QtTest", "PySide6.QtDBus", "PySide6.QtDesigner", "PySide6.QtHelp", "PySide6.QtUiTools",
    "PySide6.QtXml", "PySide6.QtConcurrent", "PySide6.QtMultimedia", "PySide6.QtWebEngineCore",
    "tkinter", "matplotlib", "IPython", "pytest", "hypothesis", "mypy", "ruff", "pypdf",
]  # fmt: skip
# CLDR data for the app's languages and the locales they inherit from (babel.localedata parents).
BABEL_LOCALES_KEPT = {
    "root", "en", "en_001", "en_150", "en_GB", "uk", "uk_UA", "pl", "pl_PL", "sq", "sq_XK",
    "sr", "sr_Cyrl", "sr_Cyrl_RS", "sr_Latn", "sr_Latn_RS",
}  # fmt: skip
QT_TRANSLATIONS_KEPT = {"qtbase_uk.qm", "qtbase_pl.qm", "qtbase_en.qm"}  # sq and sr come from our own catalog
LANGUAGES = ("uk", "pl", "sq", "sr", "en")


def version() -> str:
    with (ROOT / "pyproject.toml").open("rb") as handle:
        return str(tomllib.load(handle)["project"]["version"])


def platform_tag() -> str:
    system = {"Linux": "linux", "Windows": "windows", "Darwin": "macos"}.get(platform.system(), platform.system())
    return f"{system}-{platform.machine().lower()}"


def compile_catalogs(target: Path) -> None:
    """resources/locale/<lang>/LC_MESSAGES/station_desk.po -> target/<lang>/LC_MESSAGES/station_desk.mo."""
    from babel.messages.mofile import write_mo

    sys.path.insert(0, str(ROOT))
    from station_desk.i18n import read_catalog

    for language in (*LANGUAGES, "sr_Latn"):
        source = ROOT / "resources" / "locale" / language.removesuffix("_Latn") / "LC_MESSAGES" / "station_desk.po"
        catalog = read_catalog(source, language)
        folder = target / language / "LC_MESSAGES"
        folder.mkdir(parents=True, exist_ok=True)
        with (folder / "station_desk.mo").open("wb") as handle:
            write_mo(handle, catalog)


def stage_resources(build: Path) -> Path:
    """A copy of resources/ with compiled catalogs in place of the .po sources."""
    staged = build / "resources"
    shutil.rmtree(staged, ignore_errors=True)
    shutil.copytree(ROOT / "resources", staged, ignore=shutil.ignore_patterns("*.po", "*.pot"))
    compile_catalogs(staged / "locale")
    return staged


def prune(folder: Path) -> None:
    """Drop data PyInstaller collects whole but the app reads a sliver of: CLDR locales and Qt's catalogs."""
    for data_file in (folder / "_internal" / "babel" / "locale-data").glob("*.dat"):
        if data_file.stem not in BABEL_LOCALES_KEPT:
            data_file.unlink()
    for catalog in (folder / "_internal" / "PySide6" / "Qt" / "translations").glob("*.qm"):
        if catalog.name not in QT_TRANSLATIONS_KEPT:
            catalog.unlink()


def make_icon(target: Path) -> Path:
    """The app icon: the shield badge from the same icon set as the app, rendered to a 256 px PNG."""
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import qtawesome as qta
    from PySide6.QtWidgets import QApplication

    _app = QApplication.instance() or QApplication([])
    qta.icon("mdi6.shield-home", color="#1f5f99").pixmap(256, 256).save(str(target))
    return target


def run_pyinstaller(build: Path, dist: Path, resources: Path, icon: Path) -> Path:
    import PyInstaller.__main__

    separator = ";" if platform.system() == "Windows" else ":"
    entry = build / "station_desk_main.py"
    entry.write_text("import sys\nfrom station_desk.cli import main\n\nsys.exit(main())\n", encoding="utf-8")
    arguments = [
        str(entry),
        "--name", APP_NAME,
        "--onedir",
        "--noconfirm",
        "--clean",
        "--distpath", str(dist),
        "--workpath", str(build / "work"),
        "--specpath", str(build),
        "--paths", str(ROOT),
        "--add-data", f"{resources}{separator}resources",
        # Alembic reads its scripts from files, so they travel as data beside the compiled package.
        "--add-data", f"{ROOT / 'station_desk' / 'migrations'}{separator}station_desk/migrations",
        "--collect-data", "qtawesome",
        "--collect-data", "reportlab",
        "--collect-all", "anyascii",  # its transliteration tables are a data package read at run time
        "--collect-submodules", "station_desk",
        "--collect-submodules", "sqlcipher3",
        "--icon", str(icon),
    ]  # fmt: skip
    if platform.system() in ("Windows", "Darwin"):
        arguments.append("--windowed")  # no console window behind the app; --self-test still exits with its code
    for module in EXCLUDED_MODULES:
        arguments += ["--exclude-module", module]
    PyInstaller.__main__.run(arguments)
    return dist / APP_NAME


DESKTOP_ENTRY = """[Desktop Entry]
Type=Application
Name=Station Desk
Comment=Incidents, patrols, reception hours and reports for the village police station
Exec=sh -c '"$(dirname "%k")/StationDesk/StationDesk"'
Icon=station-desk
Terminal=false
Categories=Office;
"""

INNO_SCRIPT = """[Setup]
AppName=Station Desk
AppVersion={version}
DefaultDirName={{autopf}}\\Station Desk
DefaultGroupName=Station Desk
OutputBaseFilename=StationDesk-{version}-windows-setup
UninstallDisplayIcon={{app}}\\StationDesk.exe
[Files]
Source: "{folder}\\*"; DestDir: "{{app}}"; Flags: recursesubdirs
[Icons]
Name: "{{group}}\\Station Desk"; Filename: "{{app}}\\StationDesk.exe"
Name: "{{group}}\\Uninstall Station Desk"; Filename: "{{uninstallexe}}"
"""


def package(folder: Path, dist: Path, icon: Path, app_version: str) -> Path:
    """The archive an officer's laptop receives."""
    system = platform.system()
    if system == "Windows":
        script = dist / "station-desk.iss"
        script.write_text(INNO_SCRIPT.format(version=app_version, folder=folder), encoding="utf-8")
        if shutil.which("iscc"):
            subprocess.run(["iscc", f"/O{dist}", str(script)], check=True)
            return dist / f"StationDesk-{app_version}-windows-setup.exe"
        print("iscc (Inno Setup) not found: the folder and station-desk.iss are ready to compile")
        return folder
    if system == "Darwin":
        app = dist / f"{APP_NAME}.app"
        return Path(
            shutil.make_archive(str(dist / f"{APP_NAME}-{app_version}-{platform_tag()}"), "zip", dist, app.name)
        )
    archive = dist / f"{APP_NAME}-{app_version}-{platform_tag()}.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(folder, arcname=APP_NAME)
        entry = DESKTOP_ENTRY.encode("utf-8")
        info = tarfile.TarInfo("station-desk.desktop")
        info.size, info.mode = len(entry), 0o755
        tar.addfile(info, io.BytesIO(entry))
        tar.add(icon, arcname="station-desk.png")
    return archive


def self_test(folder: Path) -> int:
    executable = folder / (f"{APP_NAME}.exe" if platform.system() == "Windows" else APP_NAME)
    return subprocess.run([str(executable), "--self-test"], check=False).returncode


def folder_size_mb(folder: Path) -> float:
    """Unpacked size; the links PyInstaller makes to shared libraries are not counted twice."""
    files = (path for path in folder.rglob("*") if path.is_file() and not path.is_symlink())
    return sum(path.stat().st_size for path in files) / 1_000_000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="where the folder and archive go")
    parser.add_argument("--build", type=Path, default=ROOT / "build", help="PyInstaller's work folder")
    parser.add_argument("--no-self-test", action="store_true", help="do not run the built app's --self-test")
    args = parser.parse_args(argv)
    # PyInstaller reads data paths relative to its spec file, which lives in the build folder.
    args.build, args.dist = args.build.resolve(), args.dist.resolve()
    app_version = version()
    args.build.mkdir(parents=True, exist_ok=True)
    args.dist.mkdir(parents=True, exist_ok=True)
    resources = stage_resources(args.build)
    icon = make_icon(args.build / "station-desk.png")
    folder = run_pyinstaller(args.build, args.dist, resources, icon)
    prune(folder)
    archive = package(folder, args.dist, icon, app_version)
    print(f"built {folder} ({folder_size_mb(folder):.0f} MB unpacked) and {archive}")
    if args.no_self_test:
        return 0
    return self_test(folder)


if __name__ == "__main__":
    sys.exit(main())
