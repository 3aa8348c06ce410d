"""Secrets are kept as hashes only (enrolment codes, device secrets, access tokens), and secrets or their hashes
are compared in Python only with hmac.compare_digest (a database lookup by hash is fine)."""

from __future__ import annotations

import ast
import uuid
from pathlib import Path

import sqlalchemy as sa
from fastapi.testclient import TestClient

from station_desk.server import db
from station_desk.server.auth import code_hash, normalize_code, token_hash
from station_desk.server.tables import metadata
from station_desk.sync import protocol
from tests.server.helpers import Laptop, new_code

ROOT = Path(__file__).resolve().parents[2]
SECRET_WORDS = ("secret", "token", "signature", "digest", "hash")


def _every_value(url: str) -> str:
    """Every value of every server table (PostgreSQL has no seq_counter), as text."""
    engine = db.make_engine(url)
    try:
        tables = [table for table in metadata.sorted_tables if sa.inspect(engine).has_table(table.name)]
        with engine.connect() as conn:
            return "\n".join(repr(tuple(row)) for table in tables for row in conn.execute(sa.select(table)))
    finally:
        engine.dispose()


def test_the_database_holds_hashes_never_the_secrets(server_database_url: str, client: TestClient) -> None:
    code = new_code(server_database_url, "Alpha")
    unused = new_code(server_database_url, "Alpha")
    laptop = Laptop.enrol(client, code, str(uuid.uuid4()))
    first_token = laptop.token
    assert laptop.login().status_code == 200
    laptop.push(laptop.op("person", "p1", {"first_name": "x"}, op="insert"))
    stored = _every_value(server_database_url)
    for secret in (code, normalize_code(code), unused, normalize_code(unused), laptop.secret, first_token,
                   laptop.token):  # fmt: skip
        assert secret not in stored
    for digest in (code_hash(code), code_hash(unused), protocol.secret_hash(laptop.secret), token_hash(first_token),
                   token_hash(laptop.token)):  # fmt: skip
        assert digest in stored


def _names(node: ast.AST) -> set[str]:
    """Every identifier and attribute name inside an expression, lower case."""
    found = set()
    for child in ast.walk(node):
        if isinstance(child, ast.Name):
            found.add(child.id.lower())
        elif isinstance(child, ast.Attribute):
            found.add(child.attr.lower())
    return found


def _is_sql_column(node: ast.AST) -> bool:
    """`table.c.name`: a comparison with it builds SQL (a lookup in the database), it compares nothing here."""
    return any(isinstance(child, ast.Attribute) and child.attr == "c" for child in ast.walk(node))


def test_secrets_are_compared_in_constant_time_only() -> None:
    files = sorted((ROOT / "station_desk" / "server").glob("*.py")) + [ROOT / "station_desk" / "sync" / "protocol.py"]
    offenders = []
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Compare):
                continue
            if not any(isinstance(op, (ast.Eq, ast.NotEq, ast.In, ast.NotIn)) for op in node.ops):
                continue
            operands = [node.left, *node.comparators]
            if any(_is_sql_column(operand) for operand in operands):
                continue
            if any(isinstance(operand, ast.Constant) and operand.value is None for operand in operands):
                continue
            names = set().union(*(_names(operand) for operand in operands))
            if any(word in name for name in names for word in SECRET_WORDS):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}: {ast.unparse(node)}")
    assert offenders == [], "compare secrets with hmac.compare_digest:\n" + "\n".join(offenders)
