"""The Settings page: language, the station's time zone, auto-lock, user accounts, and the sync server."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlmodel import Session

from station_desk.config import load_settings, save_settings
from station_desk.errors import ValidationFailed
from station_desk.i18n import LANGUAGE_NAMES, LANGUAGES, _, current_language
from station_desk.models import Station
from station_desk.models.enums import Role
from station_desk.services import accounts
from station_desk.services.context import Actor
from station_desk.services.records import get_record, update_record
from station_desk.services.validation import Problems
from station_desk.ui.context import AppContext, describe_error
from station_desk.ui.dialogs.import_dialog import ImportDialog
from station_desk.ui.dialogs.review_dialog import ReviewDialog
from station_desk.ui.idle_lock import DEFAULT_MINUTES, IdleLock
from station_desk.ui.pages.base import Page
from station_desk.ui.pages.settings_backup import BackupBox
from station_desk.ui.widgets.forms import ERROR_STYLE, EnterMovesOn, Field, FieldSet

STATION_TIMEZONES = ("Europe/Kyiv", "Europe/Warsaw", "Europe/Belgrade")
AUTO_LOCK_KEY = "auto_lock_minutes"


@dataclass(frozen=True)
class UserRow:
    username: str
    full_name: str
    role: Role
    disabled: bool


def _users(session: Session, actor: Actor) -> tuple[list[UserRow], str]:
    users = [UserRow(u.username, u.full_name, u.role, u.disabled) for u in accounts.list_users(session=session)]
    station = session.get(Station, actor.station_id)
    return users, station.timezone if station else ""


def password_edit() -> QLineEdit:
    editor = QLineEdit()
    editor.setEchoMode(QLineEdit.EchoMode.Password)
    return editor


def check_new_password(fields: FieldSet, password: str, repeat: str, username: str) -> bool:
    """The policy of services.accounts and the repeat, shown under the fields before anything is written."""
    problems = Problems()
    accounts.check_password(problems, password, username)
    if not problems.errors and password != repeat:
        problems.add("repeat", _("The two passwords differ. Nothing was changed."))
    fields.show_errors(problems.errors)
    return not problems.errors


class PasswordDialog(QDialog):
    """A new password for another user, typed twice; `password` holds it after acceptance."""

    def __init__(self, username: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.username = username
        self.password = ""
        self.setWindowTitle(_("Reset the password of {user}").format(user=username))
        self.fields = FieldSet()
        layout = QVBoxLayout(self)
        self.new_edit, self.repeat_edit = password_edit(), password_edit()
        layout.addWidget(self.fields.add("password", Field(_("New password"), self.new_edit, required=True)))
        layout.addWidget(self.fields.add("repeat", Field(_("Repeat the password"), self.repeat_edit, required=True)))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Set password"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _check(self) -> None:
        if check_new_password(self.fields, self.new_edit.text(), self.repeat_edit.text(), self.username):
            self.password = self.new_edit.text()
            self.accept()


class SettingsPage(Page):
    watches = ("user", "station")

    def __init__(self, context: AppContext) -> None:
        super().__init__(context)
        self.settings = load_settings(context.handle.paths)
        self.users: list[UserRow] = []
        body = QWidget()
        grid = QGridLayout(body)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(12)
        grid.setColumnStretch(0, 2)
        grid.setColumnStretch(1, 3)
        left = QVBoxLayout()
        grid.addLayout(left, 0, 0)
        scroll = QScrollArea()
        scroll.setWidget(body)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.layout_.addWidget(scroll, 1)

        self.language_box = QGroupBox()
        self.language_combo = QComboBox()
        for code in LANGUAGES:
            self.language_combo.addItem(LANGUAGE_NAMES[code], code)
        self.language_combo.setCurrentIndex(LANGUAGES.index(current_language()))
        self.language_combo.currentIndexChanged.connect(self._language_chosen)
        QVBoxLayout(self.language_box).addWidget(self.language_combo)
        left.addWidget(self.language_box)

        self.station_box = QGroupBox()
        self.timezone_combo = QComboBox()
        self.timezone_combo.setEditable(True)
        self.timezone_combo.addItems(STATION_TIMEZONES)
        self.timezone_field = Field("", self.timezone_combo)
        self.timezone_save = QPushButton()
        self.timezone_save.clicked.connect(self._save_timezone)
        self.station_note = QLabel()
        self.station_note.setWordWrap(True)
        inner = QVBoxLayout(self.station_box)
        inner.addWidget(self.timezone_field)
        inner.addWidget(self.timezone_save, 0, Qt.AlignmentFlag.AlignLeft)
        inner.addWidget(self.station_note)
        left.addWidget(self.station_box)

        self.lock_box = QGroupBox()
        self.lock_minutes = QSpinBox()
        self.lock_minutes.setRange(0, 240)
        minutes = self.settings.get(AUTO_LOCK_KEY, DEFAULT_MINUTES)
        self.lock_minutes.setValue(minutes if isinstance(minutes, int) else DEFAULT_MINUTES)
        self.lock_field = Field("", self.lock_minutes)
        self.lock_minutes.valueChanged.connect(self._lock_minutes_changed)
        QVBoxLayout(self.lock_box).addWidget(self.lock_field)
        left.addWidget(self.lock_box)

        self.sync_box = QGroupBox()
        self.sync_label = QLabel()
        self.sync_label.setWordWrap(True)
        QVBoxLayout(self.sync_box).addWidget(self.sync_label)
        left.addWidget(self.sync_box)

        self.import_box = QGroupBox()
        self.import_label = QLabel()
        self.import_label.setWordWrap(True)
        self.import_button = QPushButton()
        self.import_button.clicked.connect(self.open_import)
        import_layout = QVBoxLayout(self.import_box)
        import_layout.addWidget(self.import_label)
        import_layout.addWidget(self.import_button, 0, Qt.AlignmentFlag.AlignLeft)
        left.addWidget(self.import_box)

        self.privacy_box = QGroupBox()
        self.privacy_label = QLabel()
        self.privacy_label.setWordWrap(True)
        self.review_button = QPushButton()
        self.review_button.clicked.connect(self.open_review)
        privacy_layout = QVBoxLayout(self.privacy_box)
        privacy_layout.addWidget(self.privacy_label)
        privacy_layout.addWidget(self.review_button, 0, Qt.AlignmentFlag.AlignLeft)
        left.addWidget(self.privacy_box)
        self.review_dialog: ReviewDialog | None = None
        self.import_dialog: ImportDialog | None = None

        self.backup_box = BackupBox(context)
        left.addWidget(self.backup_box)
        left.addStretch(1)

        self._build_users(grid)
        self.idle_lock = IdleLock(context, self.lock_minutes.value(), parent=self)
        application = QApplication.instance()
        if application is not None:
            application.installEventFilter(self.idle_lock)

        commander = context.actor.is_commander
        self.station_box.setEnabled(commander)
        self.users_box.setEnabled(commander)
        self.import_button.setEnabled(commander)
        self.review_button.setEnabled(commander)

    def _build_users(self, grid: QGridLayout) -> None:
        self.users_box = QGroupBox()
        inner = QVBoxLayout(self.users_box)
        self.users_note = QLabel()
        self.users_note.setWordWrap(True)
        self.users_note.setVisible(not self.context.actor.is_commander)
        self.users_table = QTableWidget(0, 4)
        self.users_table.verticalHeader().hide()
        self.users_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.users_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.users_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.users_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.users_table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.users_table.setMinimumHeight(130)
        self.users_table.itemSelectionChanged.connect(self._selection_changed)
        actions = QHBoxLayout()
        self.reset_button = QPushButton()
        self.reset_button.clicked.connect(self._reset_password)
        self.disable_button = QPushButton()
        self.disable_button.clicked.connect(self._disable_user)
        actions.addWidget(self.reset_button)
        actions.addWidget(self.disable_button)
        actions.addStretch(1)
        inner.addWidget(self.users_note)
        inner.addWidget(self.users_table, 1)
        inner.addLayout(actions)

        self.add_title = QLabel()
        font = self.add_title.font()
        font.setBold(True)
        self.add_title.setFont(font)
        inner.addWidget(self.add_title)
        self.user_fields = FieldSet()
        self.username_edit, self.full_name_edit = QLineEdit(), QLineEdit()
        self.role_combo = QComboBox()
        self.new_password_edit, self.repeat_edit = password_edit(), password_edit()
        form = QGridLayout()
        form.setHorizontalSpacing(10)
        for index, (name, editor) in enumerate(
            (
                ("username", self.username_edit),
                ("full_name", self.full_name_edit),
                ("password", self.new_password_edit),
                ("repeat", self.repeat_edit),
                ("role", self.role_combo),
            )
        ):
            field = self.user_fields.add(name, Field("", editor, required=name != "role"))
            form.addWidget(field, index // 2, index % 2)
        self.enter_filter = EnterMovesOn(self)
        for editor in (self.username_edit, self.full_name_edit, self.new_password_edit):
            editor.installEventFilter(self.enter_filter)
        self.repeat_edit.returnPressed.connect(self._add_user)
        inner.addLayout(form)
        self.add_button = QPushButton()
        self.add_button.clicked.connect(self._add_user)
        inner.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.users_message = QLabel()
        self.users_message.setWordWrap(True)
        inner.addWidget(self.users_message)
        grid.addWidget(self.users_box, 0, 1)
        self._selection_changed()

    def title(self) -> str:
        return _("Settings")

    def open_review(self) -> None:
        self.review_dialog = ReviewDialog(self.context, self)
        self.review_dialog.show()

    def open_import(self) -> None:
        self.import_dialog = ImportDialog(self.context, self)
        self.import_dialog.show()

    def retranslate(self) -> None:
        super().retranslate()
        self.language_box.setTitle(_("Language"))
        self.station_box.setTitle(_("Station"))
        self.timezone_field.set_label(_("Time zone of the station"))
        self.timezone_save.setText(_("Save time zone"))
        self.station_note.setText(
            _("Times are stored in UTC and shown in this time zone.")
            if self.context.actor.is_commander
            else _("Only the station commander may change this.")
        )
        self.lock_box.setTitle(_("Auto-lock"))
        self.lock_field.set_label(_("Lock after this many idle minutes (0: never)"))
        self.lock_minutes.setSuffix(" " + _("min"))
        self.sync_box.setTitle(_("Sync server"))
        self.sync_label.setText(_("Set up when the laptop is enrolled"))
        self.privacy_box.setTitle(_("Retention and review"))
        self.privacy_label.setText(
            _("Records the law asks to look at again, and those past their retention period, to anonymise.")
            if self.context.actor.is_commander
            else _("Only the station commander reviews and anonymises records.")
        )
        self.review_button.setText(_("Records due for review…"))
        self.backup_box.retranslate()
        self.import_box.setTitle(_("Import"))
        self.import_label.setText(
            _("Bring in the registers the station kept in Excel or CSV: previewed first, undoable as a whole.")
            if self.context.actor.is_commander
            else _("Only the station commander may import registers.")
        )
        self.import_button.setText(_("Import a register…"))
        self.users_box.setTitle(_("Users"))
        self.users_note.setText(_("Only the station commander manages user accounts."))
        self.users_table.setHorizontalHeaderLabels([_("User name"), _("Full name"), _("Role"), _("State")])
        self.reset_button.setText(_("Reset password…"))
        self.disable_button.setText(_("Disable"))
        self.add_title.setText(_("Add a user"))
        for name, label in (
            ("username", _("User name")),
            ("full_name", _("Full name")),
            ("role", _("Role")),
            ("password", _("Password")),
            ("repeat", _("Repeat the password")),
        ):
            self.user_fields.fields[name].set_label(label)
        chosen = self.role_combo.currentData() or Role.officer
        self.role_combo.clear()
        for role in (Role.officer, Role.commander):
            self.role_combo.addItem(_(role.value), role)
        self.role_combo.setCurrentIndex(self.role_combo.findData(chosen))
        self.add_button.setText(_("Add user"))
        self._show_users()

    def reload(self) -> None:
        self.context.read(_users, self._loaded)

    def _loaded(self, result: tuple[list[UserRow], str]) -> None:
        self.users, timezone = result
        self.timezone_combo.setCurrentText(timezone)
        self._show_users()

    def _show_users(self) -> None:
        self.users_table.setRowCount(len(self.users))
        for row, user in enumerate(self.users):
            state = _("disabled") if user.disabled else _("active")
            for column, text in enumerate((user.username, user.full_name, _(user.role.value), state)):
                self.users_table.setItem(row, column, QTableWidgetItem(text))
        self._selection_changed()

    def _selected(self) -> UserRow | None:
        rows = self.users_table.selectionModel().selectedRows() if self.users_table.selectionModel() else []
        return self.users[rows[0].row()] if rows and rows[0].row() < len(self.users) else None

    def _selection_changed(self) -> None:
        user = self._selected()
        self.reset_button.setEnabled(user is not None and not user.disabled)
        self.disable_button.setEnabled(
            user is not None and not user.disabled and user.username != self.context.actor.username
        )

    # -- actions -----------------------------------------------------------------------------------------

    def _language_chosen(self, index: int) -> None:
        from station_desk.app import apply_language  # the app module builds the window: import late, no cycle

        language = self.language_combo.itemData(index)
        if language == current_language():
            return
        apply_language(language)
        self._save_setting("language", language)
        self.context.language_changed.emit(language)

    def _lock_minutes_changed(self, minutes: int) -> None:
        self.idle_lock.set_minutes(minutes)
        self._save_setting(AUTO_LOCK_KEY, minutes)

    def _save_setting(self, key: str, value: object) -> None:
        # A few bytes of JSON: quick enough for the UI thread, and written atomically by save_settings.
        self.settings = load_settings(self.context.handle.paths)
        self.settings[key] = value
        save_settings(self.context.handle.paths, self.settings)

    def _save_timezone(self) -> None:
        timezone = self.timezone_combo.currentText().strip()
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            self.timezone_field.show_message(_("Unknown time zone “{value}”, e.g. Europe/Kyiv.").format(value=timezone))
            return
        self.timezone_field.show_message(None)

        def change(session: Session, actor: Actor) -> None:
            actor.require_commander()
            station = get_record(session, Station, actor.station_id, actor=actor)
            update_record(session, actor, station, {"timezone": timezone})

        self.context.write(
            change, lambda _result: self.station_note.setText(_("Saved.")), self._station_failed, changed="station"
        )

    def _station_failed(self, error: Exception) -> None:
        self.timezone_field.show_message(describe_error(error))

    def _add_user(self) -> None:
        username = self.username_edit.text().strip()
        self.users_message.setText("")
        if not check_new_password(self.user_fields, self.new_password_edit.text(), self.repeat_edit.text(), username):
            return
        full_name, role, password = (
            self.full_name_edit.text(),
            self.role_combo.currentData(),
            self.new_password_edit.text(),
        )
        handle = self.context.handle

        def change(session: Session, _actor: Actor) -> str:
            return accounts.add_user(
                session=session, handle=handle, username=username, full_name=full_name, role=role, password=password
            ).username

        self.add_button.setEnabled(False)
        self.context.write(change, self._user_added, self._user_failed, changed="user")

    def _user_added(self, username: str) -> None:
        self.add_button.setEnabled(True)
        for editor in (self.username_edit, self.full_name_edit, self.new_password_edit, self.repeat_edit):
            editor.clear()
        self.user_fields.clear()
        self._say(_("User {user} added.").format(user=username))

    def _user_failed(self, error: Exception) -> None:
        self.add_button.setEnabled(True)
        unplaced = self.user_fields.show_errors(error.errors) if isinstance(error, ValidationFailed) else []
        if not isinstance(error, ValidationFailed) or unplaced:
            self._say(describe_error(error), problem=True)

    def _say(self, text: str, *, problem: bool = False) -> None:
        self.users_message.setStyleSheet(ERROR_STYLE if problem else "")
        self.users_message.setText(text)

    def _reset_password(self) -> None:
        user = self._selected()
        if user is None:
            return
        dialog = PasswordDialog(user.username, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        handle, password = self.context.handle, dialog.password

        def change(session: Session, _actor: Actor) -> str:
            accounts.set_password(session=session, handle=handle, username=user.username, new_password=password)
            return user.username

        self.context.write(
            change,
            lambda name: self._say(_("Password of {user} changed.").format(user=name)),
            lambda error: self._say(describe_error(error), problem=True),
            changed="user",
        )

    def _disable_user(self) -> None:
        user = self._selected()
        if user is None:
            return
        answer = QMessageBox.question(
            self,
            _("Disable {user}?").format(user=user.username),
            _("{user} will no longer be able to log in. Their records stay.").format(user=user.full_name),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        handle = self.context.handle

        def change(session: Session, _actor: Actor) -> str:
            return accounts.disable_user(session=session, handle=handle, username=user.username).username

        self.context.write(
            change,
            lambda name: self._say(_("User {user} can no longer log in; their records stay.").format(user=name)),
            lambda error: self._say(describe_error(error), problem=True),
            changed="user",
        )
