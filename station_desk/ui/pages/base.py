"""What every sidebar page has: a title, the shared context, and a reload when its record types change."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

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
