"""Qt's own button texts in Albanian and Serbian, from our gettext catalog (Qt ships no qtbase_sq or _sr)."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTranslator

from station_desk import i18n
from station_desk.i18n import N_

LANGUAGES = ("sq", "sr", "sr_Latn")

# Qt's source text (QPlatformTheme, QDialogButtonBox, QMessageBox, QWizard, with the desktop themes'
# "&" variants), without "&", "<" or ">", mapped to our msgid.
_MESSAGES = {
    "OK": N_("OK"),
    "Cancel": N_("Cancel"),
    "Yes": N_("Yes"),
    "No": N_("No"),
    "Yes to All": N_("Yes to All"),
    "No to All": N_("No to All"),
    "Close": N_("Close"),
    "Save": N_("Save"),
    "Save All": N_("Save All"),
    "Open": N_("Open"),
    "Discard": N_("Discard"),
    "Close without Saving": N_("Close without Saving"),
    "Apply": N_("Apply"),
    "Reset": N_("Reset"),
    "Restore Defaults": N_("Restore Defaults"),
    "Abort": N_("Abort"),
    "Retry": N_("Retry"),
    "Ignore": N_("Ignore"),
    "Help": N_("Help"),
    "Back": N_("Back"),
    "Go Back": N_("Back"),
    "Next": N_("Next"),
    "Continue": N_("Next"),
    "Commit": N_("Commit"),
    "Finish": N_("Finish"),
    "Done": N_("Finish"),
}


def _split(source: str) -> tuple[str, str, str, bool]:
    """'< &Back' -> ('< ', 'Back', '', True): the arrows and the mnemonic are put back around our text."""
    prefix = "< " if source.startswith("< ") else ""
    suffix = " >" if source.endswith(" >") else ""
    core = source[len(prefix) : len(source) - len(suffix)]
    return prefix, core.replace("&", ""), suffix, "&" in core


class GettextQtTranslator(QTranslator):
    """Answers Qt's lookups from the gettext catalog of the current language; "" means "keep Qt's text"."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)

    def isEmpty(self) -> bool:  # noqa: N802 - Qt's name
        return False  # an empty translator is skipped by Qt without asking

    def translate(self, context: str, source_text: str, disambiguation: str | None = None, n: int = -1) -> str:  # noqa: ARG002 - Qt's signature
        if i18n.current_language() not in LANGUAGES or not source_text:
            return ""
        prefix, core, suffix, mnemonic = _split(source_text)
        msgid = _MESSAGES.get(core)
        if msgid is None:
            return ""
        translated = i18n.gettext(msgid)
        if translated == msgid:
            return ""  # not translated yet: Qt's English is as good as ours
        return f"{prefix}{'&' if mnemonic else ''}{translated}{suffix}"
