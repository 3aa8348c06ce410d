"""The login dialog: the database opens with the officer's own password, checked off the UI thread."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from station_desk.config import Paths
from station_desk.errors import DatabaseProblem
from station_desk.i18n import _, format_datetime
from station_desk.keys import RECOVERY_SLOT, KeyFile
from station_desk.services import accounts
from station_desk.services.accounts import StationHandle
from station_desk.ui.context import describe_error
from station_desk.ui.workers import Workers


class UnlockDialog(QDialog):
    """Asks for user name and password; `handle` holds the open station after acceptance."""

    def __init__(
        self, paths: Paths, *, hint: str | None = None, username: str | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.paths = paths
        self.handle: StationHandle | None = None
        self.workers = Workers(self)
        self.setWindowTitle(_("Station Desk: log in"))
        self.setMinimumWidth(380)

        self.user_box = QComboBox()
        self.user_box.setEditable(True)
        try:
            names = sorted(name for name in KeyFile.load(paths.key_file).slots if name != RECOVERY_SLOT)
        except Exception:  # a missing or damaged key file is reported when the officer tries to log in
            names = []
        self.user_box.addItems(names)
        if username:
            self.user_box.setCurrentText(username)
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: palette(highlighted-text); background: #b3261e; padding: 6px;")
        self.message.hide()
        self.hint = QLabel(hint or "")
        self.hint.setWordWrap(True)
        self.hint.setVisible(bool(hint))

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Log in"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        self.buttons.accepted.connect(self.try_unlock)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        for label_text, field in ((_("User name"), self.user_box), (_("Password"), self.password_edit)):
            label = QLabel(label_text)
            label.setBuddy(field)
            layout.addWidget(label)
            layout.addWidget(field)
        # A damaged database offers the newest good automatic backup; any backup file can be restored from here.
        self.offered_backup: Path | None = None
        self.remembered = ("", "")
        self.restore_newest_button = QPushButton()
        self.restore_newest_button.hide()
        self.restore_newest_button.clicked.connect(lambda: self.restore(self.offered_backup))
        self.restore_file_button = QPushButton(_("Restore a backup file…"))
        self.restore_file_button.setFlat(True)
        self.restore_file_button.clicked.connect(self.choose_backup)
        layout.addWidget(self.hint)
        layout.addWidget(self.message)
        layout.addWidget(self.restore_newest_button)
        layout.addWidget(self.buttons)
        layout.addWidget(self.restore_file_button, 0, Qt.AlignmentFlag.AlignLeft)
        (self.password_edit if username or names else self.user_box).setFocus(Qt.FocusReason.OtherFocusReason)

    def try_unlock(self) -> None:
        username, password = self.user_box.currentText().strip(), self.password_edit.text()
        self.buttons.setEnabled(False)
        self.message.hide()
        self.workers.read(
            lambda: accounts.open_station(paths=self.paths, username=username, password=password),
            self._unlocked,
            self._failed,
        )

    def _unlocked(self, handle: StationHandle) -> None:
        self.handle = handle
        self.buttons.setEnabled(True)
        self.accept()

    def _failed(self, error: Exception) -> None:
        if isinstance(error, DatabaseProblem) and self.paths.key_file.exists():
            self._look_for_backup(error)
        self._show_failure(error)

    def _look_for_backup(self, error: Exception) -> None:
        """The password may be right and the database damaged: find the newest automatic backup that opens."""
        from station_desk.services.backup_auto import newest_good_backup

        username, password, paths = self.user_box.currentText().strip(), self.password_edit.text(), self.paths

        self.remembered = (username, password)  # the offer restores with what was just typed

        def find() -> tuple[Path, datetime] | None:
            key = KeyFile.load(paths.key_file).unlock(username, password)
            found = newest_good_backup(paths, key)
            if found is None:
                return None
            from station_desk.services.backup import read_backup_info

            return found, read_backup_info(found).created_at

        self.workers.read(find, lambda found: self._offer_backup(found, error), lambda _error: None)

    def _offer_backup(self, found: tuple[Path, datetime] | None, error: Exception) -> None:
        if found is None:
            return
        self.offered_backup, created_at = found
        when = format_datetime(created_at)
        self.message.setText(
            describe_error(error) + "\n" + _("A good backup from {when} is on this laptop.").format(when=when)
        )
        self.restore_newest_button.setText(_("Restore the backup from {when}").format(when=when))
        self.restore_newest_button.show()

    def choose_backup(self) -> None:
        chosen, _filter = QFileDialog.getOpenFileName(
            self, _("Choose the backup to restore"), "", _("Station Desk backups (*.sdbak)")
        )
        if chosen:
            self.restore(Path(chosen))

    def restore(self, backup: Path | None) -> None:
        """Restore `backup` with the user name and password typed above (those of the backup), then log in."""
        from station_desk.services.backup_restore import restore_backup

        username, password, paths = self.user_box.currentText().strip(), self.password_edit.text(), self.paths
        if backup is None:
            return
        if not password and backup == self.offered_backup:
            username, password = self.remembered
        if not username or not password:
            self.message.setText(_("Type the user name and password first: the backup opens with them."))
            self.message.show()
            return
        self.buttons.setEnabled(False)
        self.restore_newest_button.setEnabled(False)
        self.message.setText(_("Restoring the backup…"))
        self.message.show()

        def work() -> StationHandle:
            restore_backup(paths, backup, username=username, password=password)
            return accounts.open_station(paths=paths, username=username, password=password)

        self.workers.read(work, self._unlocked, self._restore_failed)

    def _restore_failed(self, error: Exception) -> None:
        self.restore_newest_button.setEnabled(True)
        self._show_failure(error)

    def _show_failure(self, error: Exception) -> None:
        self.buttons.setEnabled(True)
        self.password_edit.clear()
        self.password_edit.setFocus()
        self.message.setText(describe_error(error))
        self.message.show()
