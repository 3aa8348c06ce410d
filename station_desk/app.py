"""GUI start-up: paths and logging, then QApplication with translations, setup or login, then MainWindow."""

from __future__ import annotations

import logging
import sys
from logging.handlers import RotatingFileHandler

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QStyleFactory, QWidget

from station_desk import i18n
from station_desk.config import APP_NAME, Paths, load_settings
from station_desk.errors import StationDeskError
from station_desk.i18n import _
from station_desk.services.accounts import StationHandle
from station_desk.services.backup import integrity_problem
from station_desk.services.backup_auto import automatic_backup
from station_desk.ui.context import AppContext
from station_desk.ui.dialogs.unlock import UnlockDialog
from station_desk.ui.main_window import MainWindow

log = logging.getLogger(__name__)
# Qt ships its own catalogs for these; Albanian and Serbian come from our gettext catalog (ui/qt_strings).
QT_CATALOG_LANGUAGES = {"uk": "uk", "pl": "pl", "en": "en"}


def configure_logging(paths: Paths) -> None:
    paths.ensure()
    handler = RotatingFileHandler(paths.log_dir / "station-desk.log", maxBytes=2_000_000, backupCount=3)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=logging.INFO, handlers=[handler])


def make_application(argv: list[str]) -> QApplication:
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(argv)
    QCoreApplication.setOrganizationName(APP_NAME)
    QCoreApplication.setApplicationName(APP_NAME)
    app.setStyle(QStyleFactory.create("Fusion"))
    font = app.font()
    if font.pointSizeF() < 10:
        font.setPointSizeF(10.5)  # legible for a tired officer on an old screen
        app.setFont(font)
    return app


_installed_translators: list[QTranslator] = []


def apply_language(language: str) -> None:
    """Switch gettext and Qt's own dialogs (standard buttons, file dialogs) to one language."""
    i18n.set_language(language)
    app = QCoreApplication.instance()
    if app is None:
        return
    for translator in _installed_translators:
        app.removeTranslator(translator)
    _installed_translators.clear()
    qt_language = QT_CATALOG_LANGUAGES.get(language)
    if qt_language:
        translator = QTranslator(app)
        folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        if translator.load(f"qtbase_{qt_language}", folder):
            app.installTranslator(translator)
            _installed_translators.append(translator)
    else:
        from station_desk.ui.qt_strings import GettextQtTranslator

        translator = GettextQtTranslator(app)
        app.installTranslator(translator)
        _installed_translators.append(translator)
    QLocale.setDefault(QLocale(i18n.BABEL_LOCALES[language].replace("_Latn", "").replace("_Cyrl", "")))


def login(paths: Paths, *, hint: str | None = None, username: str | None = None) -> StationHandle | None:
    dialog = UnlockDialog(paths, hint=hint, username=username)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.handle


def run(paths: Paths, *, demo_login: tuple[str, str] | None = None, language: str | None = None) -> int:
    """Open the app on the station in `paths`: setup on first run, then login, then the main window.

    `language` (from --lang) wins over the one saved in the data folder's settings for this run;
    `demo_login` (user, password) is shown on the login dialog of the demo station.
    """
    configure_logging(paths)
    app = make_application(sys.argv[:1])
    saved = load_settings(paths).get("language")
    chosen = language or saved
    apply_language(chosen if isinstance(chosen, str) and chosen in i18n.LANGUAGES else "en")
    if not paths.database.exists():
        from station_desk.ui.dialogs.setup_wizard import SetupWizard

        wizard = SetupWizard(paths)
        if wizard.exec() != QDialog.DialogCode.Accepted or wizard.handle is None:
            return 0
        handle: StationHandle | None = wizard.handle
    else:
        # Worded here, after the station's language is chosen, so the hint reads in that language.
        hint = (
            _("Demo station. Commander: {user} / {password}").format(user=demo_login[0], password=demo_login[1])
            if demo_login
            else None
        )
        handle = login(paths, hint=hint, username=demo_login[0] if demo_login else None)
    if handle is None:
        return 0
    context = AppContext(handle)
    window = MainWindow(context)

    def relock() -> None:
        window.hide()
        username = context.actor.username
        again = login(paths, username=username)
        if again is None:
            app.quit()
            return
        if again.actor.username != username:
            # Another officer at the shared desk: reopen so nothing of the first user's stays on screen.
            window.sync_runner.wait_idle()  # a sync stopped by the lock finishes before its engine closes
            handle.close()
            context.handle = again
        else:
            again.close()
        window.retranslate()
        context.data_changed.emit("*")
        window.show()
        window.sync_runner.resume()

    context.locked.connect(relock)
    window.show()
    log.info("main window shown for %s", context.actor.username)
    check_then_back_up(context, window)
    code = app.exec()
    window.sync_runner.shutdown()
    context.workers.wait_idle()
    backup_at_close(context.handle)
    context.handle.close()
    return code


def check_then_back_up(context: AppContext, window: QWidget) -> None:
    """In the background: the whole database checked, then (only if whole) the daily backup.

    A page damaged in the middle of the file does not stop the database from opening; only the full check finds it,
    and a backup of a damaged file must not push good ones out of the automatic folder.
    """
    handle = context.handle

    def checked(problem: str | None) -> None:
        if problem is None:
            context.workers.read(
                lambda: automatic_backup(handle),
                lambda made: log.info("daily backup %s", made) if made else None,
                lambda error: log.warning("daily backup failed: %s", error),
            )
            return
        log.error("database damaged: %s", problem)
        box = QMessageBox(QMessageBox.Icon.Warning, _("The database is damaged"), "", parent=window)
        box.setText(
            _(
                "The station database is damaged ({problem}). Save nothing more: close the app, and at the login "
                "window choose “Restore a backup file…” and the newest file in {folder}."
            ).format(problem=problem[:200], folder=handle.paths.backups / "auto")
        )
        box.open()  # parented to the window, so Qt keeps it
        window.setProperty("damaged_database_warning", True)

    context.workers.read(lambda: integrity_problem(handle.engine), checked, lambda error: checked(str(error)))


def backup_at_close(handle: StationHandle) -> None:
    """An encrypted backup every time the app closes; a failure is logged, never keeps the app from closing."""
    try:
        made = automatic_backup(handle, force=True)
        log.info("backup at closing: %s", made)
    except StationDeskError as error:
        log.warning("backup at closing failed: %s", error.message)
