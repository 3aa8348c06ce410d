"""The Community page's priority-plan tab: the half-year's problem and goal, its actions, and the evaluation."""

from __future__ import annotations

from datetime import date

import qtawesome as qta
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)
from sqlmodel import Session

from station_desk.errors import ValidationFailed
from station_desk.i18n import _, format_date, ngettext
from station_desk.models import PlanAction, PriorityPlan
from station_desk.services import community
from station_desk.services.context import Actor
from station_desk.ui.context import AppContext, describe_error
from station_desk.ui.dialogs.community_forms import ActionDialog, ActionDoneDialog, PlanDialog, StationBasics
from station_desk.ui.pages.community_tabs import fit_columns_once, make_table, station_basics
from station_desk.ui.table_models.community import PlanActionsModel
from station_desk.ui.widgets.forms import Field

HEADING_STYLE = "font-weight: bold;"


def _heading() -> QLabel:
    label = QLabel()
    label.setStyleSheet(HEADING_STYLE)
    return label


def _body() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def plan_title(plan: PriorityPlan) -> str:
    return _("{start} – {end}").format(start=format_date(plan.period_start), end=format_date(plan.period_end))


class PlanTab(QWidget):
    """One plan at a time, chosen by its period; the plan holding today is shown first."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.basics = StationBasics()
        self.plans: list[PriorityPlan] = []
        self.dialog: QDialog | None = None
        self._generation = 0
        self._select_after_reload: str | None = None
        self._shown_plan_id: str | None = None
        self.loaded = False

        self.plan_label = QLabel()
        self.plan_combo = QComboBox()
        self.plan_combo.setMinimumContentsLength(24)
        self.plan_combo.currentIndexChanged.connect(lambda _index: self._show_plan())
        self.plan_label.setBuddy(self.plan_combo)
        self.new_plan_button = QPushButton(qta.icon("mdi6.plus"), "")
        self.new_plan_button.clicked.connect(self.new_plan)
        self.edit_plan_button = QPushButton(qta.icon("mdi6.pencil-outline"), "")
        self.edit_plan_button.clicked.connect(self.edit_plan)
        toolbar = QHBoxLayout()
        toolbar.addWidget(self.plan_label)
        toolbar.addWidget(self.plan_combo)
        toolbar.addWidget(self.edit_plan_button)
        toolbar.addStretch(1)
        toolbar.addWidget(self.new_plan_button)

        self.period_text = _body()
        self.problem_heading, self.problem_text = _heading(), _body()
        self.goal_heading, self.goal_text = _heading(), _body()
        self.actions_heading = _heading()
        self.progress = QLabel()
        self.add_action_button = QPushButton(qta.icon("mdi6.plus"), "")
        self.add_action_button.clicked.connect(self.add_action)
        self.done_button = QPushButton(qta.icon("mdi6.check"), "")
        self.done_button.setEnabled(False)
        self.done_button.clicked.connect(self.mark_done)
        self.reopen_button = QPushButton(qta.icon("mdi6.undo"), "")
        self.reopen_button.setEnabled(False)
        self.reopen_button.clicked.connect(self.reopen)
        actions_bar = QHBoxLayout()
        actions_bar.addWidget(self.actions_heading)
        actions_bar.addWidget(self.progress)
        actions_bar.addStretch(1)
        actions_bar.addWidget(self.add_action_button)
        actions_bar.addWidget(self.done_button)
        actions_bar.addWidget(self.reopen_button)
        self.model = PlanActionsModel()
        self.table, self.proxy = make_table(
            self.model, "community/plan_actions/header", PlanActionsModel.COL_DEADLINE, Qt.SortOrder.AscendingOrder
        )
        self.table.selectionModel().selectionChanged.connect(lambda *_args: self._action_selected())
        self.table.doubleClicked.connect(lambda _index: self.mark_done())
        self.no_actions = QLabel()
        self.no_actions.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.no_actions.setWordWrap(True)
        self.actions_stack = QStackedWidget()
        self.actions_stack.addWidget(self.table)
        self.actions_stack.addWidget(self.no_actions)

        self.evaluation = QPlainTextEdit()
        self.evaluation.setTabChangesFocus(True)
        self.evaluation.setMaximumHeight(90)
        self.evaluation_field = Field("", self.evaluation)
        self.save_evaluation_button = QPushButton()
        self.save_evaluation_button.clicked.connect(self.save_evaluation)
        self.evaluation_saved = QLabel()
        shortcut = QShortcut(QKeySequence.StandardKey.Save, self.evaluation, self.save_evaluation)
        shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
        evaluation_bar = QHBoxLayout()
        evaluation_bar.addWidget(self.save_evaluation_button)
        evaluation_bar.addWidget(self.evaluation_saved, 1)

        content = QWidget()
        content_layout = QVBoxLayout(content)
        content_layout.setContentsMargins(0, 0, 0, 0)
        columns = QHBoxLayout()
        for heading, body in ((self.problem_heading, self.problem_text), (self.goal_heading, self.goal_text)):
            column = QVBoxLayout()
            column.addWidget(heading)
            column.addWidget(body)
            column.addStretch(1)
            columns.addLayout(column, 1)
        content_layout.addWidget(self.period_text)
        content_layout.addLayout(columns)
        content_layout.addLayout(actions_bar)
        content_layout.addWidget(self.actions_stack, 1)
        content_layout.addWidget(self.evaluation_field)
        content_layout.addLayout(evaluation_bar)

        self.empty = QLabel()
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.stack = QStackedWidget()
        self.stack.addWidget(content)
        self.stack.addWidget(self.empty)
        layout = QVBoxLayout(self)
        layout.addLayout(toolbar)
        layout.addWidget(self.stack, 1)

    def retranslate(self) -> None:
        self.plan_label.setText(_("Plan for:"))
        self.new_plan_button.setText(_("New plan"))
        self.edit_plan_button.setText(_("Edit plan"))
        self.problem_heading.setText(_("Problem"))
        self.goal_heading.setText(_("Goal"))
        self.actions_heading.setText(_("Actions"))
        self.add_action_button.setText(_("Add action"))
        self.done_button.setText(_("Mark done"))
        self.reopen_button.setText(_("Not done after all"))
        self.no_actions.setText(_("This plan has no actions yet. Press “Add action” to set the first one."))
        self.evaluation_field.set_label(_("Evaluation at the end of the period"))
        self.evaluation.setPlaceholderText(_("What was achieved, and what remains to do."))
        self.save_evaluation_button.setText(_("Save evaluation"))
        self.save_evaluation_button.setToolTip(_("Save (Ctrl+S)"))
        self.empty.setText(_("No priority plan yet. Press “New plan” to set this half-year's problem and goal."))
        self.model.retranslate()
        self._fill_combo()

    # -- loading ------------------------------------------------------------------------------------------

    def reload(self) -> None:
        self._generation += 1
        generation = self._generation

        def work(session: Session, actor: Actor) -> tuple[StationBasics, list[PriorityPlan]]:
            return station_basics(session, actor), community.list_plans(session=session, actor=actor)

        self.context.read(work, lambda result: self._show_plans(generation, result), self._show_error)

    def _show_error(self, error: Exception) -> None:
        self.empty.setText(describe_error(error))
        self.stack.setCurrentWidget(self.empty)

    def _show_plans(self, generation: int, result: tuple[StationBasics, list[PriorityPlan]]) -> None:
        if generation != self._generation:
            return
        current = self.plan()
        keep = self._select_after_reload or (current.id if current else None)
        self._select_after_reload = None
        self.basics, self.plans = result
        self.loaded = True
        self._fill_combo(keep)
        self.stack.setCurrentIndex(0 if self.plans else 1)
        self.edit_plan_button.setEnabled(bool(self.plans))
        self._show_plan()

    def _fill_combo(self, keep: str | None = None) -> None:
        current = self.plan()
        keep = keep or (current.id if current else None)
        today = date.today()
        self.plan_combo.blockSignals(True)
        self.plan_combo.clear()
        for plan in self.plans:
            self.plan_combo.addItem(plan_title(plan), plan.id)
        index = self.plan_combo.findData(keep) if keep else -1
        if index < 0:
            holding_today = [n for n, plan in enumerate(self.plans) if plan.period_start <= today <= plan.period_end]
            index = holding_today[0] if holding_today else 0
        self.plan_combo.setCurrentIndex(index)
        self.plan_combo.blockSignals(False)

    def plan(self) -> PriorityPlan | None:
        plan_id = self.plan_combo.currentData()
        return next((plan for plan in self.plans if plan.id == plan_id), None)

    def _show_plan(self) -> None:
        plan = self.plan()
        if plan is None or plan.id != self._shown_plan_id:
            # Messages belong to the plan they were about; a reload of the same plan keeps "saved" in view.
            self.evaluation_field.show_message(None)
            self.evaluation_saved.clear()
        self._shown_plan_id = plan.id if plan else None
        if plan is None:
            self.model.set_rows([])
            return
        village = self.basics.village_names.get(plan.village_id or "", "")
        self.period_text.setText(_("Village: {village}").format(village=village) if village else "")
        self.period_text.setVisible(bool(village))
        self.problem_text.setText(plan.problem)
        self.goal_text.setText(plan.goal)
        self.evaluation.setPlainText(plan.evaluation or "")
        plan_id = plan.id
        generation = self._generation

        def work(session: Session, actor: Actor) -> list[PlanAction]:
            return community.plan_actions(session=session, actor=actor, plan_id=plan_id)

        self.context.read(work, lambda actions: self._show_actions(generation, plan_id, actions), self._show_error)

    def _show_actions(self, generation: int, plan_id: str, actions: list[PlanAction]) -> None:
        current = self.plan()
        if generation != self._generation or current is None or current.id != plan_id:
            return
        selected = self.selected_action()
        self.model.today = date.today()
        self.model.set_rows(actions, timezone=self.basics.timezone, villages=self.basics.village_names)
        self.actions_stack.setCurrentWidget(self.table if actions else self.no_actions)
        fit_columns_once(self.table, widest=420)
        done = sum(1 for action in actions if action.done_on is not None)
        self.progress.setText(
            ngettext("{done} of {total} action done", "{done} of {total} actions done", len(actions)).format(
                done=done, total=len(actions)
            )
        )
        if selected is not None:
            for row, action in enumerate(actions):
                if action.id == selected.id:
                    self.table.selectRow(self.proxy.mapFromSource(self.model.index(row, 0)).row())
        self._action_selected()

    # -- actions ------------------------------------------------------------------------------------------

    def selected_action(self) -> PlanAction | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        source = self.proxy.mapToSource(rows[0])
        return self.model.row_at(source.row()) if source.isValid() else None

    def _action_selected(self) -> None:
        action = self.selected_action()
        self.done_button.setEnabled(action is not None and action.done_on is None)
        self.reopen_button.setEnabled(action is not None and action.done_on is not None)

    def _open(self, dialog: QDialog) -> QDialog:
        if self.dialog is not None:
            self.dialog.deleteLater()
        self.dialog = dialog
        dialog.open()
        return dialog

    def new_plan(self) -> QDialog:
        dialog = self._open(PlanDialog(self.context, self.basics, None, self))
        dialog.accepted.connect(lambda: self._remember(dialog))
        return dialog

    def edit_plan(self) -> QDialog | None:
        plan = self.plan()
        return self._open(PlanDialog(self.context, self.basics, plan, self)) if plan else None

    def _remember(self, dialog: QDialog) -> None:
        self._select_after_reload = getattr(getattr(dialog, "saved_record", None), "id", None)

    def add_action(self) -> QDialog | None:
        plan = self.plan()
        return self._open(ActionDialog(self.context, plan, self)) if plan else None

    def mark_done(self) -> QDialog | None:
        action = self.selected_action()
        if action is None or action.done_on is not None:
            return None
        return self._open(ActionDoneDialog(self.context, action, self))

    def reopen(self) -> None:
        action = self.selected_action()
        if action is None:
            return
        action_id = action.id
        self.context.write(
            lambda session, actor: community.mark_action_done(
                session=session, actor=actor, action_id=action_id, done_on=None
            ),
            on_error=self._action_failed,
            changed="planaction",
        )

    def _action_failed(self, error: Exception) -> None:
        self.progress.setText(describe_error(error))

    def save_evaluation(self) -> None:
        plan = self.plan()
        if plan is None:
            return
        plan_id, text = plan.id, self.evaluation.toPlainText()
        self.evaluation_field.show_message(None)
        self.save_evaluation_button.setEnabled(False)
        self.context.write(
            lambda session, actor: community.set_evaluation(
                session=session, actor=actor, plan_id=plan_id, evaluation=text
            ),
            self._evaluation_saved,
            self._evaluation_failed,
            changed="priorityplan",
        )

    def _evaluation_saved(self, _plan: PriorityPlan) -> None:
        self.save_evaluation_button.setEnabled(True)
        self.evaluation_saved.setText(_("Evaluation saved."))

    def _evaluation_failed(self, error: Exception) -> None:
        self.save_evaluation_button.setEnabled(True)
        if isinstance(error, ValidationFailed):
            self.evaluation_field.show_message(error.errors.get("evaluation") or " ".join(error.errors.values()))
        else:
            self.evaluation_field.show_message(describe_error(error))
