"""Fixtures of the server tests: the shared database fixtures, an in-process app, and enrolled laptops."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient

from station_desk.server.app import create_app
from tests.server.helpers import Laptop, new_code
from tests.server_fixtures import (
    postgres_schema_url,
    postgres_server_url,
    postgres_session_database,
    server_database_url,
    sqlite_server_url,
)

__all__ = [
    "postgres_schema_url",
    "postgres_server_url",
    "postgres_session_database",
    "server_database_url",
    "sqlite_server_url",
]


@dataclass
class Region:
    """A server with station A (two laptops) and station B (one laptop)."""

    url: str
    client: TestClient
    a1: Laptop
    a2: Laptop
    b1: Laptop


@pytest.fixture
def client(server_database_url: str) -> Iterator[TestClient]:
    app = create_app(server_database_url)
    with TestClient(app) as test_client:
        yield test_client
    app.state.engine.dispose()


@pytest.fixture
def region(server_database_url: str, client: TestClient) -> Region:
    station_a, station_b = str(uuid.uuid4()), str(uuid.uuid4())
    a1 = Laptop.enrol(client, new_code(server_database_url, "Alpha"), station_a, "a1")
    a2 = Laptop.enrol(client, new_code(server_database_url, "Alpha"), station_a, "a2")
    b1 = Laptop.enrol(client, new_code(server_database_url, "Bravo"), station_b, "b1")
    return Region(url=server_database_url, client=client, a1=a1, a2=a2, b1=b1)
