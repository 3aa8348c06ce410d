"""The read-only table view the list pages show their models in, and its column layout kept between sessions."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QByteArray, QSettings
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView


def list_view(model: QAbstractItemModel | None = None) -> QTableView:
    """Whole rows, one at a time, never edited in place; one line a row, no row numbers, columns the user sizes
    and the last one filling the rest."""
    view = QTableView()
    if model is not None:
        view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.verticalHeader().hide()
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    view.horizontalHeader().setStretchLastSection(True)
    return view


def remember_header(view: QTableView, settings_key: str) -> bool:
    """Restore the columns as the user left them, and save them again whenever one is resized.

    Returns whether there was a saved layout, so the caller knows whether its own default widths or sort stand.
    """
    header = view.horizontalHeader()
    state = QSettings().value(settings_key)
    # A value that is not a saved header state (an edited or foreign settings file) is ignored, not an error.
    restored = isinstance(state, QByteArray | bytes) and header.restoreState(state)
    header.sectionResized.connect(lambda *_args: QSettings().setValue(settings_key, header.saveState()))
    return restored
