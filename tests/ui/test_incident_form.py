"""The incident form on the demo station: create, inline errors, people, and the workflow by role."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QDate, Qt
from pytestqt.qtbot import QtBot
from sqlmodel import Session, col, func, select

from station_desk.models import AuditEntry, Incident, Involvement, Person
from station_desk.models.enums import IncidentStatus
from station_desk.ui.context import AppContext
from station_desk.ui.dialogs.incident_form import IncidentForm
from station_desk.ui.pages.incidents import IncidentsPage
from station_desk.ui.widgets.forms import set_edit_from_aware

KYIV = "Europe/Kyiv"


def _incident_count(context: AppContext) -> int:
    with Session(context.handle.engine) as session:
        return int(session.exec(select(func.count()).select_from(Incident)).one())


def _first(context: AppContext, status: IncidentStatus, *, dv: bool = False) -> Incident:
    with Session(context.handle.engine) as session:
        return session.exec(
            select(Incident)
            .where(Incident.status == status, Incident.domestic_violence == dv)
            .order_by(col(Incident.number))
        ).first()  # type: ignore[return-value]


def _status(context: AppContext, incident_id: str) -> IncidentStatus:
    with Session(context.handle.engine) as session:
        return session.get_one(Incident, incident_id).status


def open_form(context: AppContext, qtbot: QtBot, incident_id: str | None, *, reason: str = "test") -> IncidentForm:
    """The form as the officer gets it; when the record needs a reason (domestic violence, a minor), one is given."""
    form = IncidentForm(context, incident_id)
    qtbot.addWidget(form)
    form.show()
    qtbot.waitUntil(lambda: form.is_loaded or _reason_asked(form))
    if not form.is_loaded:
        form.prompt.setTextValue(reason)
        form.prompt.accept()
        qtbot.waitUntil(lambda: form.is_loaded)
    return form


def _reason_asked(form: IncidentForm) -> bool:
    prompt = getattr(form, "prompt", None)
    return prompt is not None and prompt.isVisible()


def _view_reasons(context: AppContext, incident_id: str) -> list[str | None]:
    with Session(context.handle.engine) as session:
        query = select(AuditEntry.reason).where(AuditEntry.action == "view", AuditEntry.record_id == incident_id)
        return list(session.exec(query.order_by(col(AuditEntry.seq))))


def test_opening_a_domestic_violence_record_asks_why_and_logs_the_answer(context: AppContext, qtbot: QtBot) -> None:
    incident = _first(context, IncidentStatus.approved, dv=True)
    refused = IncidentForm(context, incident.id)
    qtbot.addWidget(refused)
    refused.show()
    qtbot.waitUntil(lambda: _reason_asked(refused))
    assert not refused.tabs.isEnabled() and refused.details.narrative_edit.toPlainText() == ""
    refused.prompt.reject()  # no reason: the record stays closed
    qtbot.waitUntil(lambda: not refused.isVisible())
    assert _view_reasons(context, incident.id) == []

    form = open_form(context, qtbot, incident.id, reason="Запит прокуратури № 15/2026")
    assert form.details.narrative_edit.toPlainText() == incident.narrative
    assert _view_reasons(context, incident.id) == ["Запит прокуратури № 15/2026"]


def fill_new(form: IncidentForm, *, narrative: str, category: str = "theft", dv: bool = False) -> None:
    details = form.details
    details.category_box.setCurrentIndex(details.category_box.findData(category))
    details.village_box.setCurrentIndex(2)
    details.address_edit.setText("вул. Садова, 3")
    details.dv_check.setChecked(dv)
    details.narrative_edit.setPlainText(narrative)


def test_new_incident_from_the_form_is_stored_and_appears_in_the_list(context: AppContext, qtbot: QtBot) -> None:
    page = IncidentsPage(context)
    qtbot.addWidget(page)
    page.show()
    page.reload()
    qtbot.waitUntil(lambda: page.model.rowCount() > 0)
    page.new_button.click()
    form = page.form
    assert form is not None
    qtbot.waitUntil(lambda: form.is_loaded)
    assert form.title.text() == "New incident"
    assert not form.approve_button.isVisible() and not form.tabs.isTabEnabled(1)  # people wait for a first save
    fill_new(form, narrative="З комори вкрали дві каністри пального.")
    form.details.latitude_edit.setText("50,4501")
    form.save_button.click()
    qtbot.waitUntil(lambda: form.incident_id is not None)

    with Session(context.handle.engine) as session:
        stored = session.get_one(Incident, form.incident_id)
        assert stored.narrative == "З комори вкрали дві каністри пального."
        assert stored.category_code == "theft" and stored.status == IncidentStatus.draft
        assert stored.latitude == 50.4501 and stored.address == "вул. Садова, 3"
        number = stored.number
    qtbot.waitUntil(lambda: form.title.text() == f"Incident {number}")
    assert form.tabs.isTabEnabled(1)  # now people can be added
    qtbot.waitUntil(lambda: any(row.id == form.incident_id for row in page.model.rows))
    assert page.model.rows[0].number == number  # reported now: the newest


def test_happened_after_it_was_reported_shows_under_the_field_and_saves_nothing(
    context: AppContext, qtbot: QtBot
) -> None:
    before = _incident_count(context)
    form = open_form(context, qtbot, None)
    fill_new(form, narrative="Сварка біля магазину.")
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    set_edit_from_aware(form.details.reported_edit.edit, now - timedelta(hours=3), KYIV)
    form.details.occurred_from_edit.known.setChecked(True)
    set_edit_from_aware(form.details.occurred_from_edit.edit, now - timedelta(hours=1), KYIV)
    form.save_button.click()
    field = form.details.fields.fields["occurred_from"]
    qtbot.waitUntil(lambda: not field.message.isHidden())
    assert field.message.text() == "The incident cannot have happened after it was reported."
    assert form.incident_id is None
    assert _incident_count(context) == before


def test_an_unreadable_latitude_is_flagged_before_asking_the_database(context: AppContext, qtbot: QtBot) -> None:
    form = open_form(context, qtbot, None)
    fill_new(form, narrative="Знайдено гаманець.")
    form.details.latitude_edit.setText("north")
    form.save_button.click()
    field = form.details.fields.fields["latitude"]
    assert not field.message.isHidden() and "number" in field.message.text()
    assert form.incident_id is None


def test_officer_cannot_approve_and_sees_a_submitted_record_read_only(
    officer_context: AppContext, qtbot: QtBot
) -> None:
    submitted = _first(officer_context, IncidentStatus.submitted)
    form = open_form(officer_context, qtbot, submitted.id)
    assert not form.approve_button.isEnabled() and not form.approve_button.isVisible()
    assert not form.return_button.isVisible() and not form.save_button.isVisible()
    assert form.details.narrative_edit.isReadOnly()
    assert "waiting for approval" in form.notice.text()


def test_commander_approves_a_submitted_incident_and_it_becomes_read_only(context: AppContext, qtbot: QtBot) -> None:
    submitted = _first(context, IncidentStatus.submitted)
    form = open_form(context, qtbot, submitted.id)
    assert form.approve_button.isEnabled()
    assert not form.details.narrative_edit.isReadOnly()  # a commander may still correct it before approving
    form.approve_button.click()
    qtbot.waitUntil(lambda: form.status_chip.text() == "approved")
    assert _status(context, submitted.id) == IncidentStatus.approved
    assert form.details.narrative_edit.isReadOnly() and not form.details.category_box.isEnabled()
    assert not form.save_button.isVisible() and not form.approve_button.isEnabled()
    assert form.supplement_button.isVisible() and form.supplement_button.isEnabled()
    assert "approved and locked" in form.notice.text()

    form.supplement_button.click()
    assert form.tabs.currentWidget() is form.timeline_section
    form.timeline_section.text_edit.setPlainText("Потерпілий повернув знайдену річ.")
    form.timeline_section.add_button.click()
    qtbot.waitUntil(
        lambda: "Supplement" in form.timeline_section.list.item(form.timeline_section.list.count() - 1).text()
    )


def test_commander_returns_with_a_note_that_the_officer_then_sees(context: AppContext, qtbot: QtBot) -> None:
    submitted = _first(context, IncidentStatus.submitted)
    form = open_form(context, qtbot, submitted.id)
    form.return_button.click()
    assert form.prompt is not None
    form.prompt.setTextValue("Додайте адресу заявника.")
    form.prompt.accept()
    qtbot.waitUntil(lambda: form.status_chip.text() == "returned")
    assert _status(context, submitted.id) == IncidentStatus.returned
    assert "Додайте адресу заявника." in form.notice.text()
    assert form.submit_button.isEnabled() and not form.approve_button.isEnabled()


def test_dv_incident_needs_a_victim_then_adding_one_lets_it_be_submitted(context: AppContext, qtbot: QtBot) -> None:
    form = open_form(context, qtbot, None)
    assert not form.tabs.isTabVisible(form.tabs.indexOf(form.dv_section))
    fill_new(form, category="assault", narrative="Чоловік штовхнув дружину, вона впала.", dv=True)
    assert form.tabs.isTabVisible(form.tabs.indexOf(form.dv_section))
    form.save_button.click()
    qtbot.waitUntil(lambda: form.incident_id is not None and form.submit_button.isVisible())
    incident_id = form.incident_id

    form.submit_button.click()
    qtbot.waitUntil(lambda: "needs at least one victim" in form.message.text())
    assert _status(context, incident_id) == IncidentStatus.draft

    people = form.people_section
    form.tabs.setCurrentWidget(people)
    people.role_box.setCurrentIndex(people.role_box.findData("victim"))
    people.last_name_edit.setText("Коваль")
    people.first_name_edit.setText("Ганна")
    people.birth_edit.known.setChecked(True)
    people.birth_edit.edit.setDate(QDate(1985, 4, 2))
    people.create_button.click()
    qtbot.waitUntil(lambda: people.table.rowCount() == 1)
    assert people.table.item(0, 1).text() == "Victim"
    assert people.table.item(0, 3).text() == ""  # an adult: no "minor" mark
    with Session(context.handle.engine) as session:
        roles = session.exec(select(Involvement.role).where(Involvement.incident_id == incident_id)).all()
    assert roles == ["victim"]

    form.submit_button.click()
    qtbot.waitUntil(lambda: form.status_chip.text() == "submitted")
    assert _status(context, incident_id) == IncidentStatus.submitted


def test_find_an_existing_person_as_you_type_and_add_as_witness(context: AppContext, qtbot: QtBot) -> None:
    draft = _first(context, IncidentStatus.draft)
    form = open_form(context, qtbot, draft.id)
    people = form.people_section
    before = people.table.rowCount()
    with Session(context.handle.engine) as session:
        surname = session.exec(select(Person.last_name).order_by(col(Person.last_name))).first()
    assert surname
    people.find_edit.setText(surname[:4])
    qtbot.waitUntil(lambda: people.results.count() > 0 and bool(people.results.item(0).data(Qt.ItemDataRole.UserRole)))
    found = [people.results.item(row).text() for row in range(people.results.count())]
    assert any(line.startswith(surname) for line in found)  # the prefix also finds first names and patronymics
    people.results.setCurrentRow(next(row for row, line in enumerate(found) if line.startswith(surname)))
    people.role_box.setCurrentIndex(people.role_box.findData("witness"))
    people.add_found_button.click()
    qtbot.waitUntil(lambda: people.table.rowCount() == before + 1)
    roles = [people.table.item(row, 1).text() for row in range(people.table.rowCount())]
    assert "Witness" in roles
