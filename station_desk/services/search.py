"""Full-text search (FTS5): folded text plus a Latin shadow, so "Lodz" finds "Łódź" and "Shevchenko" "Шевченко"."""

from __future__ import annotations

import re
import unicodedata

from anyascii import anyascii
from sqlalchemy import text
from sqlmodel import Session

from station_desk.i18n import serbian_to_latin

# unicode61's remove_diacritics folds most accents but not these letters, which are separate letters in Unicode.
_EXTRA_FOLDS = str.maketrans({"ł": "l", "Ł": "l", "đ": "d", "Đ": "d", "ø": "o", "ß": "ss", "ı": "i"})
_WORD = re.compile(r"\w+", re.UNICODE)


def fold(value: str) -> str:
    """Lower case, ł→l and đ→d; FTS5 removes the remaining diacritics itself."""
    return unicodedata.normalize("NFC", value).translate(_EXTRA_FOLDS).lower()


def index_body(*parts: str | None) -> str:
    """The indexed text: the words as written (folded) and their Latin transliteration."""
    written = " ".join(fold(part) for part in parts if part)
    # Two Latin shadows: a general one (Шевченко -> shevchenko, Ђурђевић -> djurdjevic) and Serbian Latin
    # (Ђурђевић -> đurđević -> durdevic), which is how officers in Kosovo type Serbian names.
    shadows = [anyascii(written).lower(), fold(serbian_to_latin(written))]
    unique = [written] + [text for index, text in enumerate(shadows) if text != written and text not in shadows[:index]]
    return " ".join(unique)


def set_index(session: Session, record_type: str, record_id: str, *parts: str | None) -> None:
    """Replace the indexed text of one record (an empty text removes it).

    FTS5 finds a row quickly only by its rowid, so each record's rowid comes from `search_index_key`; deleting by
    record_id instead would read the whole index on every save.
    """
    connection = session.connection()
    where = {"rid": record_id, "rtype": record_type}
    key = connection.execute(
        text("SELECT id FROM search_index_key WHERE record_type = :rtype AND record_id = :rid"), where
    ).scalar()
    if key is not None:
        connection.execute(text("DELETE FROM search_index WHERE rowid = :key"), {"key": key})
    body = index_body(*parts)
    if not body.strip():
        return
    if key is None:
        key = connection.execute(
            text("INSERT INTO search_index_key (record_type, record_id) VALUES (:rtype, :rid) RETURNING id"), where
        ).scalar_one()
    connection.execute(
        text("INSERT INTO search_index (rowid, record_type, record_id, body) VALUES (:key, :rtype, :rid, :body)"),
        {"key": key, **where, "body": body},
    )


def match_expression(query: str) -> str | None:
    """An FTS5 query where every typed word must match as a prefix, in the script typed or in Latin."""
    words = _WORD.findall(fold(query))
    if not words:
        return None
    clauses = []
    for word in words:
        latin = anyascii(word).lower()
        options = {word, latin} if latin and latin != word else {word}
        # Words are quoted, so FTS5 syntax the officer types (AND, NEAR, quotes) is taken as plain text.
        clauses.append("(" + " OR ".join(f'"{option}"*' for option in sorted(options)) + ")")
    return " AND ".join(clauses)


def search_ids(session: Session, record_type: str, query: str, limit: int = 200) -> list[str]:
    """Ids of the records of one type that match, best match first."""
    expression = match_expression(query)
    if expression is None:
        return []
    rows = session.connection().execute(
        text(
            "SELECT record_id FROM search_index WHERE search_index MATCH :expr AND record_type = :rtype "
            "ORDER BY rank LIMIT :limit"
        ),
        {"expr": f"body : ({expression})", "rtype": record_type, "limit": limit},
    )
    return [row[0] for row in rows]
