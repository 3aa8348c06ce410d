"""The Backups box of the Settings page: what is backed up by itself, and a backup to a file with progress."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QFileDialog, QGroupBox, QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout

from station_desk.i18n import _, format_number
from station_desk.services.backup import BackupInfo, create_backup
from station_desk.ui.context import AppContext, describe_error


class BackupBox(QGroupBox):
    """Runs the backup on a worker; the worker only writes plain numbers, which a UI timer shows."""

    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.button = QPushButton()
        self.button.clicked.connect(self.choose_file)
        self.cancel = QPushButton()
        self.cancel.clicked.connect(self.stop)
        self.cancel.hide()
        self.progress = QProgressBar()
        self.progress.hide()
        self.result = QLabel()
        self.result.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        buttons = QHBoxLayout()
        buttons.addWidget(self.button)
        buttons.addWidget(self.cancel)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        layout.addWidget(self.progress)
        layout.addWidget(self.result)
        self.done = [0, 0]
        self.stopped = False
        self.timer = QTimer(self)
        self.timer.setInterval(100)
        self.timer.timeout.connect(self._show_progress)

    def retranslate(self) -> None:
        self.setTitle(_("Backups"))
        self.label.setText(
            _(
                "An encrypted backup is made every day and whenever the app closes, in {folder}: the last 7 days, "
                "4 weeks and 12 months are kept. Restore one from the login window."
            ).format(folder=self.context.handle.paths.backups / "auto")
        )
        self.button.setText(_("Back up to a file…"))
        self.cancel.setText(_("Cancel"))

    def choose_file(self) -> None:
        suggested = f"station-{date.today():%Y-%m-%d}.sdbak"
        chosen, _filter = QFileDialog.getSaveFileName(
            self, _("Back up to a file"), suggested, _("Station Desk backups (*.sdbak)")
        )
        if chosen:
            self.back_up_to(Path(chosen))

    def back_up_to(self, out: Path) -> None:
        """An encrypted backup of the station into `out` (a USB stick), with progress and a Cancel button."""
        handle = self.context.handle
        self.done[:] = [0, 0]
        self.stopped = False

        def progress(done: int, total: int) -> None:
            self.done[:] = [done, total]

        self.button.setEnabled(False)
        self.cancel.show()
        self.progress.show()
        self.result.clear()
        self.timer.start()
        self.context.workers.read(
            lambda: create_backup(handle, out, progress=progress, cancelled=lambda: self.stopped),
            self._backed_up,
            self._failed,
        )

    def stop(self) -> None:
        self.stopped = True

    def _show_progress(self) -> None:
        done, total = self.done
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    def _finished(self) -> None:
        self.timer.stop()
        self.button.setEnabled(True)
        self.cancel.hide()
        self.progress.hide()

    def _backed_up(self, info: BackupInfo) -> None:
        self._finished()
        self.result.setText(
            _("Backup written: {file} ({size} MB). It opens only with a station password or the recovery code.").format(
                file=info.path, size=format_number(round(info.file_size / 1_000_000, 1))
            )
        )

    def _failed(self, error: Exception) -> None:
        self._finished()
        self.result.setText(describe_error(error))
