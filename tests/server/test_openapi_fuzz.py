"""Schemathesis against the server's OpenAPI: every operation, fuzzed on the real app over SQLite, never answers
5xx and always answers as documented (status code, content type, body schema)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from station_desk.server.app import create_app
from station_desk.server.settings import EdgeSettings
from station_desk.sync import protocol
from tests.server.helpers import Laptop, new_code

pytestmark = pytest.mark.slow  # about 20 s for the file
MAX_EXAMPLES = 40  # random cases per operation and mode, besides the boundary cases
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,  # acts on the invalid cases only
]


def _cases() -> list[tuple[str, str, GenerationMode]]:
    """(METHOD, path, mode) for every operation the app documents (an app never started only describes itself):
    valid requests for each, invalid ones for each that takes any input."""
    app = create_app("sqlite://", run_migrations=False)
    try:
        paths = app.openapi()["paths"]
    finally:
        app.state.engine.dispose()
    cases = []
    for path, methods in paths.items():
        for method, operation in methods.items():
            cases.append((method.upper(), path, GenerationMode.POSITIVE))
            if operation.get("parameters") or operation.get("requestBody") or operation.get("security"):
                cases.append((method.upper(), path, GenerationMode.NEGATIVE))
    return cases


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[schemathesis.BaseSchema, Laptop]]:
    """The schema of the app on a SQLite file, and an enrolled laptop; limits off, so the fuzz reaches the handlers."""
    url = f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'server.db'}"
    app = create_app(url, edge=EdgeSettings(device_per_minute=0, auth_failures_per_hour=0))
    with TestClient(app) as client:
        laptop = Laptop.enrol(client, new_code(url, "Alpha"), str(uuid.uuid4()), "fuzz")
        # A record, so pulls and snapshots answer something and pushes can meet an existing id.
        laptop.push(laptop.op("person", "fuzz-person", {"first_name": "Ivan"}, op="insert"))
        schema = schemathesis.openapi.from_asgi("/openapi.json", app)
        yield schema, laptop
    app.state.engine.dispose()


def _send(schema: schemathesis.BaseSchema, laptop: Laptop, case: schemathesis.Case) -> None:
    """Call the app with the case and run every check; the laptop's state follows what the server answered."""
    negative = case.meta is not None and case.meta.generation.mode.is_negative
    # The laptop's real token, unless this case is about a missing or malformed one (then 401 is the answer).
    headers = {} if schema.is_security_param_negated(case) else laptop.headers
    push = case.operation.path == protocol.PUSH_PATH
    if push and not negative and isinstance(case.body, dict):
        # The laptop's own device and next seq (both still valid values), or every valid batch would stop at
        # 403 wrong_device or 409 resend_from before reaching the ops.
        case.body["device_id"] = laptop.device_id
        case.body["from_seq"] = laptop.next_seq
    answer = case.call_and_validate(headers=headers, checks=CHECKS)
    if push and answer.status_code in (200, 409):
        body = answer.json()
        laptop.next_seq = body["applied_through"] + 1 if answer.status_code == 200 else body["resend_from"]


@pytest.mark.parametrize(("method", "path", "mode"), _cases(), ids=lambda value: str(getattr(value, "value", value)))
def test_fuzzed_requests_get_no_5xx_and_documented_answers(
    fuzzed: tuple[schemathesis.BaseSchema, Laptop], method: str, path: str, mode: GenerationMode
) -> None:
    schema, laptop = fuzzed

    @settings(
        max_examples=MAX_EXAMPLES, deadline=None, database=None, derandomize=True,
        suppress_health_check=list(HealthCheck),
    )  # fmt: skip
    @given(case=schema[path][method].as_strategy(mode))
    def fuzz(case: schemathesis.Case) -> None:
        _send(schema, laptop, case)

    fuzz()


@pytest.mark.parametrize(("method", "path"), sorted({(m, p) for m, p, _mode in _cases()}), ids=str)
def test_boundary_requests_get_no_5xx_and_documented_answers(
    fuzzed: tuple[schemathesis.BaseSchema, Laptop], method: str, path: str
) -> None:
    """Schemathesis' coverage phase: each parameter and body field at its limits, missing, of the wrong type."""
    schema, laptop = fuzzed
    operation = schema[path][method]
    cases = list(
        schema.iter_coverage_cases(
            operation, generation_modes=list(GenerationMode), generation_config=schema.config.generation
        )
    )
    assert cases
    for case in cases:
        _send(schema, laptop, case)
