"""The patrol form: record a new patrol or correct one, saved in the background with inline messages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)
from sqlmodel import Session

from station_desk.errors import ValidationFailed
from station_desk.i18n import _
from station_desk.models import Patrol
from station_desk.models.enums import PatrolMode
from station_desk.services.context import Actor
from station_desk.services.patrols import MAX_KM, PatrolInput, create_patrol, update_patrol
from station_desk.ui.context import AppContext, describe_error
from station_desk.ui.dialogs.form_dialog import form_footer
from station_desk.ui.dialogs.unsaved import GuardedDialog
from station_desk.ui.table_models.patrols import PatrolRow, mode_label
from station_desk.ui.widgets.forms import (
    EnterMovesOn,
    Field,
    FieldSet,
    aware_from_edit,
    date_time_edit,
    set_edit_from_aware,
)


@dataclass(frozen=True)
class Choice:
    """A station user or village offered in a checkable list."""

    id: str
    name: str


def checkable_list(choices: list[Choice], checked: list[str]) -> QListWidget:
    widget = QListWidget()
    for choice in choices:
        item = QListWidgetItem(choice.name)
        item.setData(Qt.ItemDataRole.UserRole, choice.id)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked if choice.id in checked else Qt.CheckState.Unchecked)
        widget.addItem(item)
    return widget


def checked_ids(widget: QListWidget) -> list[str]:
    return [
        str(widget.item(row).data(Qt.ItemDataRole.UserRole))
        for row in range(widget.count())
        if widget.item(row).checkState() == Qt.CheckState.Checked
    ]


def set_checked(widget: QListWidget, ids: list[str]) -> None:
    for row in range(widget.count()):
        item = widget.item(row)
        wanted = item.data(Qt.ItemDataRole.UserRole) in ids
        item.setCheckState(Qt.CheckState.Checked if wanted else Qt.CheckState.Unchecked)


class PatrolFormDialog(GuardedDialog):
    """`patrol` None records a new patrol; otherwise its values are shown and saving updates it."""

    def __init__(
        self,
        context: AppContext,
        *,
        timezone: str,
        officers: list[Choice],
        villages: list[Choice],
        patrol: PatrolRow | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.timezone = timezone
        self.patrol = patrol
        self.saved_id: str | None = None
        self.setWindowTitle(_("Edit patrol") if patrol else _("New patrol"))
        self.setMinimumSize(760, 560)

        self.start_edit = date_time_edit(timezone)
        self.end_edit = date_time_edit(timezone)
        self.mode_box = QComboBox()
        for mode in PatrolMode:
            self.mode_box.addItem(mode_label(mode), mode.value)
        self.vehicle_edit = QLineEdit()
        self.vehicle_edit.setMaxLength(60)
        self.vehicle_edit.setPlaceholderText(_("e.g. the plate number"))
        self.km_edit = QDoubleSpinBox()
        self.km_edit.setRange(0.0, MAX_KM)
        self.km_edit.setDecimals(1)
        self.km_edit.setSuffix(" " + _("km"))
        self.officer_list = checkable_list(officers, [context.actor.user_id])
        self.village_list = checkable_list(villages, [])
        self.purpose_edit = QPlainTextEdit()
        self.observations_edit = QPlainTextEdit()
        for text_edit in (self.purpose_edit, self.observations_edit):
            text_edit.setTabChangesFocus(True)  # Tab leaves the box, as in every other field

        self.fields = FieldSet()
        add = self.fields.add
        grid = QGridLayout()
        grid.setHorizontalSpacing(16)
        grid.addWidget(add("started_at", Field(_("Start"), self.start_edit, required=True)), 0, 0)
        grid.addWidget(add("ended_at", Field(_("End"), self.end_edit, required=True)), 0, 1)
        grid.addWidget(add("mode", Field(_("Mode"), self.mode_box, required=True)), 1, 0)
        grid.addWidget(add("km", Field(_("Kilometres driven or walked"), self.km_edit)), 1, 1)
        grid.addWidget(add("vehicle", Field(_("Vehicle"), self.vehicle_edit)), 2, 0)
        grid.addWidget(add("officer_ids", Field(_("Officers on the patrol"), self.officer_list, required=True)), 3, 0)
        grid.addWidget(add("village_ids", Field(_("Villages visited"), self.village_list)), 3, 1)
        grid.addWidget(add("purpose", Field(_("Purpose"), self.purpose_edit)), 4, 0)
        grid.addWidget(add("observations", Field(_("Observations"), self.observations_edit)), 4, 1)
        grid.setRowStretch(3, 2)
        grid.setRowStretch(4, 1)

        self.message, self.buttons, self.save_button = form_footer(self, self.save)
        self.save_button.setAutoDefault(False)  # Enter moves to the next field instead of saving half a form

        required_note = QLabel(_("Fields marked * are required."))
        required_note.setEnabled(False)
        layout = QVBoxLayout(self)
        layout.addLayout(grid, 1)
        layout.addWidget(self.message)
        layout.addWidget(required_note)
        layout.addWidget(self.buttons)

        self._enter = EnterMovesOn(self)
        for editor in (self.start_edit, self.end_edit, self.mode_box, self.km_edit, self.vehicle_edit):
            editor.installEventFilter(self._enter)
        self.mode_box.currentIndexChanged.connect(self._mode_changed)
        self._fill(patrol)
        self.start_edit.setFocus()

    def _fill(self, patrol: PatrolRow | None) -> None:
        if patrol is None:
            # Officers write the patrol up when they are back, so the default is "the last two hours".
            now = datetime.now(UTC).replace(second=0, microsecond=0)
            now -= timedelta(minutes=now.minute % 5)
            set_edit_from_aware(self.start_edit, now - timedelta(hours=2), self.timezone)
            set_edit_from_aware(self.end_edit, now, self.timezone)
            self._mode_changed()
            return
        set_edit_from_aware(self.start_edit, patrol.started_at, self.timezone)
        set_edit_from_aware(self.end_edit, patrol.ended_at, self.timezone)
        self.mode_box.setCurrentIndex(self.mode_box.findData(PatrolMode(patrol.mode).value))
        self.vehicle_edit.setText(patrol.vehicle or "")
        self.km_edit.setValue(patrol.km)
        set_checked(self.officer_list, patrol.officer_ids)
        set_checked(self.village_list, patrol.village_ids)
        self.purpose_edit.setPlainText(patrol.purpose)
        self.observations_edit.setPlainText(patrol.observations)

    def _mode_changed(self) -> None:
        on_foot = self.mode_box.currentData() == PatrolMode.foot.value
        self.vehicle_edit.setEnabled(not on_foot)

    def data(self) -> PatrolInput:
        return PatrolInput(
            started_at=aware_from_edit(self.start_edit, self.timezone),
            ended_at=aware_from_edit(self.end_edit, self.timezone),
            mode=self.mode_box.currentData(),
            officer_ids=checked_ids(self.officer_list),
            vehicle=self.vehicle_edit.text().strip() if self.vehicle_edit.isEnabled() else None,
            km=self.km_edit.value(),
            purpose=self.purpose_edit.toPlainText().strip(),
            observations=self.observations_edit.toPlainText().strip(),
            village_ids=checked_ids(self.village_list),
        )

    def save(self) -> None:
        if not self.save_button.isEnabled():
            return  # a save is already on its way; a second Ctrl+S must not record the patrol twice
        data = self.data()
        patrol_id = self.patrol.id if self.patrol else None

        def change(session: Session, actor: Actor) -> str:
            if patrol_id is None:
                patrol: Patrol = create_patrol(session=session, actor=actor, data=data)
            else:
                patrol = update_patrol(session=session, actor=actor, patrol_id=patrol_id, data=data)
            return patrol.id

        self.save_button.setEnabled(False)
        self.fields.clear()
        self.message.hide()
        self.context.write(change, self._saved, self._failed, changed="patrol")

    def _saved(self, patrol_id: str) -> None:
        self.saved_id = patrol_id
        self.save_button.setEnabled(True)
        self.accept()

    def _failed(self, error: Exception) -> None:
        self.save_button.setEnabled(True)
        unplaced = self.fields.show_errors(error.errors) if isinstance(error, ValidationFailed) else []
        text = "\n".join(unplaced) if isinstance(error, ValidationFailed) else describe_error(error)
        self.message.setText(text)
        self.message.setVisible(bool(text))
