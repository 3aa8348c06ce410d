"""What every sidebar page has: a title, the shared context, and a reload when its record types change."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QLineEdit, QVBoxLayout, QWidget

from station_desk.ui.context import AppContext


class Page(QWidget):
    """Subclasses set `watches` (record types whose change triggers `reload`) and build their widgets."""

    watches: tuple[str, ...] = ()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.title_label = QLabel()
        font = self.title_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.title_label.setFont(font)
        self.layout_ = QVBoxLayout(self)
        self.layout_.addWidget(self.title_label)
        context.data_changed.connect(self._on_data_changed)
        context.language_changed.connect(lambda _language: self.retranslate())

    def add_shortcuts(self, *, new: Callable[[], object] | None = None, find: QLineEdit | None = None) -> None:
        """Ctrl+N records something new and Ctrl+F goes to the search box, on whichever page is showing.

        Pages sit in one window; Qt lets only the visible page's shortcut fire, so the keys never clash.
        """
        if new is not None:
            QShortcut(QKeySequence.StandardKey.New, self, new)
        if find is not None:

            def go_to_search() -> None:
                find.setFocus()
                find.selectAll()

            QShortcut(QKeySequence.StandardKey.Find, self, go_to_search)

    def title(self) -> str:
        raise NotImplementedError

    def retranslate(self) -> None:
        """Set every visible text again in the current language."""
        self.title_label.setText(self.title())

    def reload(self) -> None:
        """Fetch the page's data again (in the background)."""

    def _on_data_changed(self, record_type: str) -> None:
        if record_type in self.watches or "*" in self.watches:
            self.reload()
