"""The login dialog: the database opens with the officer's own password, checked off the UI thread."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from station_desk.config import Paths
from station_desk.i18n import _
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
        layout.addWidget(self.hint)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
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
        self.buttons.setEnabled(True)
        self.password_edit.clear()
        self.password_edit.setFocus()
        self.message.setText(describe_error(error))
        self.message.show()
