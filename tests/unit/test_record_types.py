"""Every synced record type has a name an officer can read, in every language."""

from __future__ import annotations

from station_desk import i18n
from station_desk.models import RECORD_TYPES
from station_desk.services.record_types import RECORD_TYPE_NAMES, record_type_name


def test_every_synced_record_type_has_a_readable_name() -> None:
    assert set(RECORD_TYPE_NAMES) == set(RECORD_TYPES)


def test_names_follow_the_language() -> None:
    i18n.set_language("uk")
    try:
        assert record_type_name("involvement") not in ("involvement", "People in incidents")
        assert record_type_name("something_new") == "something_new"
    finally:
        i18n.set_language("en")
