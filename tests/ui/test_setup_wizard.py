"""The first-run wizard on an empty folder, and Qt's own button texts in Albanian and Serbian."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialogButtonBox, QTableWidgetItem, QWizard
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from station_desk import i18n
from station_desk.app import apply_language
from station_desk.config import Paths, load_settings, resolve_paths
from station_desk.models.enums import Country
from station_desk.services import accounts
from station_desk.ui.dialogs.setup_wizard import SetupWizard
from station_desk.ui.qt_strings import GettextQtTranslator
from tests.conftest import TEST_KDF

PASSWORD = "gmina-desk-42"


@pytest.fixture
def new_paths(tmp_path: Path) -> Iterator[Paths]:
    yield resolve_paths(tmp_path / "new-station")
    apply_language("en")  # finishing the wizard switches the app to the station's language


def _wizard(paths: Paths, qtbot: QtBot) -> SetupWizard:
    wizard = SetupWizard(paths, kdf=TEST_KDF)
    qtbot.addWidget(wizard)
    wizard.show()
    return wizard


def _fill_until_commander(wizard: SetupWizard, villages: list[tuple[str, str]]) -> None:
    station = wizard.station_page
    station.name_edit.setText("Posterunek w Zawoi")
    station.country_combo.setCurrentIndex(station.country_combo.findData(Country.PL))
    assert station.timezone_combo.currentText() == "Europe/Warsaw"
    wizard.next()
    assert wizard.currentPage() is wizard.villages_page
    table = wizard.villages_page.table
    for row, (name, population) in enumerate(villages):
        table.setItem(row, 0, QTableWidgetItem(name))
        table.setItem(row, 1, QTableWidgetItem(population))
    wizard.next()
    assert wizard.currentPage() is wizard.commander_page


def _fill_commander(wizard: SetupWizard, password: str) -> None:
    page = wizard.commander_page
    page.username_edit.setText("anna.nowak")
    page.full_name_edit.setText("Anna Nowak")
    page.password_edit.setText(password)
    page.repeat_edit.setText(password)


def test_the_wizard_creates_a_station_that_opens_with_the_new_password(new_paths: Paths, qtbot: QtBot) -> None:
    wizard = _wizard(new_paths, qtbot)
    _fill_until_commander(wizard, [("Zawoja", "6 100"), ("Skawica", "2450"), ("Łętownia", "")])
    _fill_commander(wizard, PASSWORD)
    wizard.next()  # the commit button: the station is created in the background, then the wizard moves on
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.recovery_page, timeout=10000)
    code = wizard.recovery_page.code_label.text()
    assert code and code == wizard.recovery_code
    finish = wizard.button(QWizard.WizardButton.FinishButton)
    assert not finish.isEnabled()  # the code must be noted first
    wizard.reject()
    assert wizard.isVisible()  # cancelling now would lose the only copy of the code
    pdf = new_paths.data_dir / "code.pdf"
    wizard.save_pdf(str(pdf))
    assert pdf.read_bytes().startswith(b"%PDF")
    wizard.recovery_page.confirm.setChecked(True)
    assert finish.isEnabled()
    finish.click()
    assert wizard.result() == SetupWizard.DialogCode.Accepted
    assert wizard.handle is not None and wizard.handle.actor.username == "anna.nowak"
    wizard.handle.close()
    assert load_settings(new_paths)["language"] == "pl"

    handle = accounts.open_station(paths=new_paths, username="anna.nowak", password=PASSWORD)
    try:
        with handle.engine.connect() as connection:
            villages = connection.execute(text("SELECT name, population FROM village ORDER BY name")).all()
            station = connection.execute(text("SELECT name, country, timezone, locale FROM station")).one()
        assert [tuple(row) for row in villages] == [("Skawica", 2450), ("Zawoja", 6100), ("Łętownia", None)]
        assert tuple(station) == ("Posterunek w Zawoi", "PL", "Europe/Warsaw", "pl")
        assert handle.actor.is_commander
    finally:
        handle.close()


def test_a_short_password_shows_the_policy_and_creates_nothing(new_paths: Paths, qtbot: QtBot) -> None:
    wizard = _wizard(new_paths, qtbot)
    _fill_until_commander(wizard, [("Zawoja", "6100")])
    _fill_commander(wizard, "short")
    wizard.next()
    message = wizard.commander_page.fields.fields["password"].message
    assert message.isVisibleTo(wizard) and message.text() == "The password needs at least 8 characters."
    assert wizard.currentPage() is wizard.commander_page
    wizard.workers.wait_idle()
    assert not new_paths.database.exists() and not new_paths.key_file.exists()


def test_a_bad_population_keeps_the_villages_page(new_paths: Paths, qtbot: QtBot) -> None:
    wizard = _wizard(new_paths, qtbot)
    wizard.station_page.name_edit.setText("Stacioni Dragash")
    wizard.next()
    wizard.villages_page.table.setItem(0, 0, QTableWidgetItem("Brod"))
    wizard.villages_page.table.setItem(0, 1, QTableWidgetItem("many"))
    wizard.next()
    assert wizard.currentPage() is wizard.villages_page
    assert wizard.villages_page.message.text()


# -- Qt's own strings ---------------------------------------------------------------------------------------


@pytest.fixture
def albanian(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Stand-in Albanian for Qt's buttons until the translator pass fills the catalog."""
    words = {"Cancel": "Anulo", "Next": "Para", "Back": "Prapa", "OK": "Në rregull"}
    real = i18n.gettext
    monkeypatch.setattr(i18n, "gettext", lambda message: words.get(message) or real(message))
    i18n.set_language("sq")
    yield
    i18n.set_language("en")


def test_qt_buttons_are_translated_in_albanian(albanian: None, qtbot: QtBot) -> None:
    translator = GettextQtTranslator()
    assert translator.translate("QPlatformTheme", "&Cancel") == "&Anulo"
    assert translator.translate("QWizard", "Cancel") == "Anulo"
    assert translator.translate("QWizard", "< &Back") == "< &Prapa"
    assert translator.translate("QWizard", "&Next >") == "&Para >"
    assert translator.translate("QWidget", "Something else") == ""
    from PySide6.QtCore import QCoreApplication

    QCoreApplication.installTranslator(translator)
    try:
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        qtbot.addWidget(buttons)
        assert [button.text() for button in buttons.buttons()] == ["Në rregull", "Anulo"]
    finally:
        QCoreApplication.removeTranslator(translator)


def test_the_real_catalog_answers_or_leaves_qt_its_text() -> None:
    translator = GettextQtTranslator()
    for language in ("sq", "sr", "sr_Latn"):
        i18n.set_language(language)
        cancel = i18n.gettext("Cancel")
        assert translator.translate("QPlatformTheme", "&Cancel") == ("" if cancel == "Cancel" else f"&{cancel}")
    i18n.set_language("uk")  # Qt's own qtbase_uk serves Ukrainian
    assert translator.translate("QPlatformTheme", "&Cancel") == ""
