"""The first run on an empty data folder: station, villages, first commander, then the recovery code."""

from __future__ import annotations

from html import escape
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontDatabase, QPageSize, QPdfWriter, QTextDocument
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from station_desk import db
from station_desk.config import Paths, load_settings, save_settings
from station_desk.errors import ValidationFailed
from station_desk.i18n import LANGUAGE_NAMES, LANGUAGES, N_, _, current_language, format_datetime
from station_desk.models import Village, utcnow
from station_desk.models.enums import Country
from station_desk.services import accounts
from station_desk.services.accounts import COUNTRY_OF_LANGUAGE, StationHandle
from station_desk.services.records import insert_record
from station_desk.services.validation import Problems
from station_desk.ui.context import describe_error
from station_desk.ui.widgets.forms import ERROR_STYLE, EnterMovesOn, Field, FieldSet
from station_desk.ui.workers import Workers

COUNTRY_NAMES = {Country.UA: N_("Ukraine"), Country.PL: N_("Poland"), Country.XK: N_("Kosovo")}
COUNTRY_TIMEZONES = {Country.UA: "Europe/Kyiv", Country.PL: "Europe/Warsaw", Country.XK: "Europe/Belgrade"}
COUNTRY_LANGUAGES = {Country.UA: "uk", Country.PL: "pl", Country.XK: "sq"}
EMPTY_VILLAGE_ROWS = 4


def _line_edit(*, password: bool = False) -> QLineEdit:
    editor = QLineEdit()
    if password:
        editor.setEchoMode(QLineEdit.EchoMode.Password)
    return editor


class StationPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle(_("The station"))
        self.setSubTitle(_("Station Desk keeps one station's records on this laptop, encrypted."))
        self.fields = FieldSet()
        self.name_edit = _line_edit()
        self.country_combo = QComboBox()
        for country, name in COUNTRY_NAMES.items():
            self.country_combo.addItem(_(name), country)
        self.timezone_combo = QComboBox()
        self.timezone_combo.setEditable(True)
        self.timezone_combo.addItems(list(COUNTRY_TIMEZONES.values()))
        self.language_combo = QComboBox()
        for code in LANGUAGES:
            self.language_combo.addItem(LANGUAGE_NAMES[code], code)
        layout = QVBoxLayout(self)
        for name, label, editor, required in (
            ("station", _("Station name"), self.name_edit, True),
            ("country", _("Country"), self.country_combo, True),
            ("timezone", _("Time zone"), self.timezone_combo, True),
            ("locale", _("Language"), self.language_combo, True),
        ):
            layout.addWidget(self.fields.add(name, Field(label, editor, required=required)))
        layout.addStretch(1)
        self.name_edit.installEventFilter(EnterMovesOn(self))
        country = COUNTRY_OF_LANGUAGE.get(current_language(), Country.UA)
        self.country_combo.currentIndexChanged.connect(self._country_chosen)
        self.country_combo.setCurrentIndex(self.country_combo.findData(country))
        self._country_chosen()
        self.language_combo.setCurrentIndex(LANGUAGES.index(current_language()))

    def _country_chosen(self) -> None:
        country = self.country_combo.currentData()
        self.timezone_combo.setCurrentText(COUNTRY_TIMEZONES[country])
        self.language_combo.setCurrentIndex(LANGUAGES.index(COUNTRY_LANGUAGES[country]))

    def validatePage(self) -> bool:  # noqa: N802 - Qt's name
        problems = Problems()
        problems.required_text("station", self.name_edit.text(), 200)
        try:
            ZoneInfo(self.timezone_combo.currentText().strip())
        except (ZoneInfoNotFoundError, ValueError):
            problems.add(
                "timezone",
                _("Unknown time zone “{value}”, e.g. Europe/Kyiv.").format(value=self.timezone_combo.currentText()),
            )
        self.fields.show_errors(problems.errors)
        return not problems.errors


class VillagesPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle(_("Villages"))
        self.setSubTitle(_("The villages the station serves. More can be added later."))
        self.table = QTableWidget(EMPTY_VILLAGE_ROWS, 2)
        self.table.setHorizontalHeaderLabels([_("Village"), _("Population")])
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        add = QPushButton(_("Add a row"))
        add.clicked.connect(lambda: self.table.insertRow(self.table.rowCount()))
        remove = QPushButton(_("Remove the row"))
        remove.clicked.connect(lambda: self.table.removeRow(max(self.table.currentRow(), 0)))
        self.message = QLabel()
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.message)

    def villages(self) -> list[tuple[str, int | None]]:
        """The filled rows as (name, population); raises ValueError naming a bad population."""
        found: list[tuple[str, int | None]] = []
        for row in range(self.table.rowCount()):
            name_item, population_item = self.table.item(row, 0), self.table.item(row, 1)
            name = name_item.text().strip() if name_item else ""
            population_text = "".join((population_item.text() if population_item else "").split())
            if not name:
                continue
            population = int(population_text) if population_text else None
            if population is not None and population < 0:
                raise ValueError(name)
            found.append((name, population))
        return found

    def validatePage(self) -> bool:  # noqa: N802 - Qt's name
        try:
            self.villages()
        except ValueError:
            self.message.setText(_("The population must be a whole number, or empty."))
            return False
        self.message.setText("")
        return True


class CommanderPage(QWizardPage):
    """The commit page: its button creates the station in the background, then moves on by itself."""

    def __init__(self) -> None:
        super().__init__()
        self.setTitle(_("The first commander"))
        self.setSubTitle(_("This account manages the station and adds the other officers."))
        self.setCommitPage(True)
        self.setButtonText(QWizard.WizardButton.CommitButton, _("Create the station"))
        self.fields = FieldSet()
        self.username_edit, self.full_name_edit = _line_edit(), _line_edit()
        self.password_edit, self.repeat_edit = _line_edit(password=True), _line_edit(password=True)
        layout = QVBoxLayout(self)
        enter = EnterMovesOn(self)
        for name, label, editor in (
            ("username", _("User name"), self.username_edit),
            ("full_name", _("Full name"), self.full_name_edit),
            ("password", _("Password"), self.password_edit),
            ("repeat", _("Repeat the password"), self.repeat_edit),
        ):
            layout.addWidget(self.fields.add(name, Field(label, editor, required=True)))
            editor.installEventFilter(enter)
        self.policy = QLabel(
            _("At least {count} characters, not the user name.").format(count=accounts.MIN_PASSWORD_LENGTH)
        )
        self.policy.setWordWrap(True)
        self.status = QLabel()
        self.status.setWordWrap(True)
        layout.addWidget(self.policy)
        layout.addWidget(self.status)
        layout.addStretch(1)

    def check(self) -> bool:
        problems = Problems()
        problems.required_text("username", self.username_edit.text(), 64)
        problems.required_text("full_name", self.full_name_edit.text(), 200)
        accounts.check_password(problems, self.password_edit.text(), self.username_edit.text().strip())
        if "password" not in problems.errors and self.password_edit.text() != self.repeat_edit.text():
            problems.add("repeat", _("The two passwords differ. Nothing was changed."))
        self.fields.show_errors(problems.errors)
        return not problems.errors

    def validatePage(self) -> bool:  # noqa: N802 - Qt's name
        wizard = self.wizard()
        assert isinstance(wizard, SetupWizard)
        if wizard.handle is not None:
            return True
        if wizard.busy or not self.check():
            return False
        wizard.create_station()
        return False


class RecoveryPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle(_("The recovery code"))
        self.setSubTitle(
            _("If every password is forgotten, only this code opens the station. It is shown only this once.")
        )
        self.code_label = QLabel()
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setPointSizeF(self.font().pointSizeF() * 1.6)
        font.setWeight(QFont.Weight.Bold)
        self.code_label.setFont(font)
        self.code_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.code_label.setWordWrap(True)
        self.code_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.code_label.setStyleSheet("padding: 12px; border: 1px solid palette(mid);")
        self.print_button = QPushButton(_("Print…"))
        self.pdf_button = QPushButton(_("Save as PDF…"))
        self.print_message = QLabel()
        self.print_message.setWordWrap(True)
        self.confirm = QCheckBox(_("I have printed or written down the recovery code"))
        self.confirm.toggled.connect(self.completeChanged)
        buttons = QHBoxLayout()
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.pdf_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(_("Keep it locked away, apart from the laptop.")))
        layout.addWidget(self.code_label)
        layout.addLayout(buttons)
        layout.addWidget(self.print_message)
        layout.addStretch(1)
        layout.addWidget(self.confirm)

    def isComplete(self) -> bool:  # noqa: N802 - Qt's name
        return self.confirm.isChecked()


class SetupWizard(QWizard):
    """After acceptance `handle` is the open station, logged in as the first commander."""

    def __init__(self, paths: Paths, *, kdf: dict[str, int] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.paths = paths
        self.kdf = kdf
        self.handle: StationHandle | None = None
        self.recovery_code = ""
        self.busy = False
        self.workers = Workers(self)
        self.setWindowTitle(_("Station Desk: set up a new station"))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.setMinimumSize(640, 520)
        self.station_page = StationPage()
        self.villages_page = VillagesPage()
        self.commander_page = CommanderPage()
        self.recovery_page = RecoveryPage()
        for page in (self.station_page, self.villages_page, self.commander_page, self.recovery_page):
            self.addPage(page)
        self.recovery_page.print_button.clicked.connect(self.print_code)
        self.recovery_page.pdf_button.clicked.connect(lambda: self.save_pdf())

    def language(self) -> str:
        language = self.station_page.language_combo.currentData()
        return language if isinstance(language, str) else "en"

    def create_station(self) -> None:
        """Argon2 and the first writes take a moment: run them off the UI thread, then move on."""
        station, commander = self.station_page, self.commander_page
        values = {
            "paths": self.paths,
            "station_name": station.name_edit.text(),
            "timezone": station.timezone_combo.currentText().strip(),
            "language": self.language(),
            "country": str(station.country_combo.currentData()),
            "username": commander.username_edit.text().strip(),
            "full_name": commander.full_name_edit.text(),
            "password": commander.password_edit.text(),
            "kdf": self.kdf,
        }
        villages = self.villages_page.villages()

        def work() -> tuple[StationHandle, str]:
            handle, code = accounts.init_station(**values)  # type: ignore[arg-type]
            try:
                with db.write_session(handle.engine) as session:
                    for name, population in villages:
                        insert_record(session, handle.actor, Village(name=name, population=population))
            except BaseException:
                handle.close()
                raise
            return handle, code

        self.busy = True
        self.button(QWizard.WizardButton.CommitButton).setEnabled(False)
        commander.status.setStyleSheet("")
        commander.status.setText(_("Creating the encrypted station…"))
        self.workers.write(work, self._created, self._failed)

    def _created(self, result: tuple[StationHandle, str]) -> None:
        self.busy = False
        self.handle, self.recovery_code = result
        self.recovery_page.code_label.setText(self.recovery_code)
        self.commander_page.status.setText("")
        self.next()

    def _failed(self, error: Exception) -> None:
        self.busy = False
        self.button(QWizard.WizardButton.CommitButton).setEnabled(True)
        unplaced = self.commander_page.fields.show_errors(error.errors) if isinstance(error, ValidationFailed) else []
        text = describe_error(error) if not isinstance(error, ValidationFailed) else "; ".join(unplaced)
        self.commander_page.status.setStyleSheet(ERROR_STYLE)
        self.commander_page.status.setText(text)

    def _document(self) -> QTextDocument:
        document = QTextDocument()
        station = escape(self.station_page.name_edit.text().strip())
        document.setHtml(
            f"<h2>{_('Station Desk: recovery code')}</h2>"
            f"<p>{_('Station')}: {station}<br>{_('Created')}: {format_datetime(utcnow())}</p>"
            f"<p style='font-size: 20pt; font-family: monospace;'><b>{self.recovery_code}</b></p>"
            f"<p>{_('If every password is forgotten, only this code opens the station.')}</p>"
        )
        return document

    def print_code(self) -> None:
        try:
            from PySide6.QtPrintSupport import QPrintDialog, QPrinter
        except ImportError:  # a Qt build without printing: saving a PDF still works
            self.recovery_page.print_message.setText(_("Printing is not available here; save a PDF instead."))
            return
        printer = QPrinter()
        if QPrintDialog(printer, self).exec() == QPrintDialog.DialogCode.Accepted:
            self._document().print_(printer)
            self.recovery_page.print_message.setText(_("Sent to the printer."))

    def save_pdf(self, path: str | None = None) -> None:
        if not path:
            path, _filter = QFileDialog.getSaveFileName(self, _("Save as PDF…"), "recovery-code.pdf", "PDF (*.pdf)")
        if not path:
            return
        writer = QPdfWriter(path)
        writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
        self._document().print_(writer)
        self.recovery_page.print_message.setText(_("Saved to {path}.").format(path=path))

    def accept(self) -> None:
        if self.handle is None or not self.recovery_page.isComplete():
            return
        from station_desk.app import apply_language  # the app module opens this wizard: import late, no cycle

        settings = load_settings(self.paths)
        settings["language"] = self.language()
        save_settings(self.paths, settings)
        apply_language(self.language())
        super().accept()

    def reject(self) -> None:
        # Once the station exists, leaving without the recovery code noted would lose the only way back in.
        if self.handle is not None or self.busy:
            return
        super().reject()
