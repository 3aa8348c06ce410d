"""The HTTP API: routes, compressed bodies both ways, bearer auth, and ErrorAnswer for every refusal.

FastAPI's /docs and /redoc pages are off: they load Swagger UI's scripts from a public CDN, which a regional
network may not reach and which no page of a server holding police records should run; the strict
Content-Security-Policy (hardening.py) would block them anyway. The API's description stays at /openapi.json.
"""

import json
from collections.abc import AsyncIterator, Callable, Coroutine, Mapping
from contextlib import asynccontextmanager
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel
from sqlalchemy.engine import Engine
from starlette.exceptions import HTTPException
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from station_desk import __version__
from station_desk.server import auth, db, feed, hardening, ingest, settings
from station_desk.server.errors import ApiError
from station_desk.server.tables import MAX_SEQ
from station_desk.sync import protocol

ERROR_BODY = {"model": protocol.ErrorAnswer}
AUTH_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {**ERROR_BODY, "description": "No, a wrong, an expired token, or a revoked device"},
    429: {**ERROR_BODY, "description": "Too many requests from this device; see Retry-After"},
}
FAILURE_LIMIT: dict[int | str, dict[str, Any]] = {
    429: {**ERROR_BODY, "description": "Too many failed requests from this address; see Retry-After"},
}
BODY_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {**ERROR_BODY, "description": "A truncated or corrupt body, or a batch whose ids or seqs no database holds"},
    413: {**ERROR_BODY, "description": "The body is too large as sent or once decompressed"},
    422: {**ERROR_BODY, "description": "The body breaks the schema"},
}


class DecodedRequest(Request):
    """A request whose body is decompressed per Content-Encoding, with size limits, before FastAPI parses it."""

    async def body(self) -> bytes:
        if not hasattr(self, "_decoded_body"):
            declared = self.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > protocol.MAX_WIRE_BYTES:
                raise ApiError(413, "too_large", f"The body is larger than {protocol.MAX_WIRE_BYTES} bytes as sent.")
            chunks: list[bytes] = []
            size = 0
            async for chunk in self.stream():
                size += len(chunk)
                if size > protocol.MAX_WIRE_BYTES:
                    raise ApiError(
                        413, "too_large", f"The body is larger than {protocol.MAX_WIRE_BYTES} bytes as sent."
                    )
                chunks.append(chunk)
            raw = b"".join(chunks)
            encoding = self.headers.get("content-encoding")
            try:
                if (encoding or "").strip().lower() == "zstd":
                    hardening.check_zstd_size(raw, protocol.MAX_BODY_BYTES)
                decoded = protocol.decode_body(raw, encoding)
            except protocol.BodyTooLarge:
                raise ApiError(
                    413, "too_large", f"The body is larger than {protocol.MAX_BODY_BYTES} bytes decompressed."
                ) from None
            except ValueError as error:
                raise ApiError(400, "bad_body", str(error)) from None
            self._decoded_body = decoded
        return self._decoded_body


class DecodingRoute(APIRoute):
    """Routes that hand endpoints a DecodedRequest."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def decoding_handler(request: Request) -> Response:
            return await handler(DecodedRequest(request.scope, request.receive))

        return decoding_handler


def _accepts(request: Request, encoding: str) -> bool:
    for part in request.headers.get("accept-encoding", "").split(","):
        name, _sep, params = part.strip().partition(";")
        if name.strip().lower() == encoding and "q=0" not in params.replace(" ", "").replace("q=0.", "q=x"):
            return True
    return False


def encoded(request: Request, message: BaseModel, status_code: int = 200) -> Response:
    """The message as JSON, compressed with zstd (or gzip) when the client accepts it."""
    raw = message.model_dump_json().encode("utf-8")
    headers = {"Vary": "Accept-Encoding"}
    for encoding in ("zstd", "gzip"):
        if _accepts(request, encoding):
            headers["Content-Encoding"] = encoding
            return Response(protocol.encode_body(raw, encoding), status_code, headers, "application/json")
    return Response(raw, status_code, headers, "application/json")


def _error_response(status: int, body: dict[str, Any], headers: Mapping[str, str] | None = None) -> JSONResponse:
    return JSONResponse(body, status_code=status, headers=headers)


def _validation_errors(error: RequestValidationError) -> list[dict[str, Any]]:
    out = []
    for item in error.errors():
        out.append({"loc": [str(part) for part in item.get("loc", ())], "msg": str(item.get("msg", "")),
                    "type": str(item.get("type", ""))})  # fmt: skip
    return out


def create_app(
    database_url: str | None = None, *, run_migrations: bool = True, edge: settings.EdgeSettings | None = None
) -> FastAPI:
    """The server app on `database_url` (default: DATABASE_URL), its schema migrated unless told not to.

    `edge` sets proxy trust and request limits (default: from the environment, see settings.EdgeSettings).
    """
    edge = edge or settings.edge_settings()
    engine: Engine = db.make_engine(database_url or settings.database_url())
    if run_migrations:
        db.migrate(engine)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        engine.dispose()

    app = FastAPI(
        title="Station Desk regional server", version=__version__, lifespan=lifespan, docs_url=None, redoc_url=None
    )
    app.state.engine = engine
    device_limit = hardening.RateLimiter(edge.device_per_minute / 60, edge.device_burst)
    auth_failures = hardening.RateLimiter(edge.auth_failures_per_hour / 3600, edge.auth_failure_burst)
    app.state.device_limit = device_limit
    app.state.auth_failures = auth_failures
    app.add_middleware(hardening.EdgeMiddleware, auth_failures=auth_failures)
    if edge.trusted_proxies:
        # Added last, so it runs first: the scheme (for HSTS) and the client address (for the limits) are the
        # ones the proxy saw. Without trusted proxies X-Forwarded-* is ignored: anyone could send it.
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=list(edge.trusted_proxies))
    app.router.route_class = DecodingRoute
    bearer = HTTPBearer(auto_error=False)

    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, error: ApiError) -> JSONResponse:
        headers = dict(error.headers or {})
        if error.status == 401:
            headers["WWW-Authenticate"] = "Bearer"
        return _error_response(error.status, error.body(), headers or None)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, error: RequestValidationError) -> JSONResponse:
        errors = _validation_errors(error)
        if any(item["type"] == "json_invalid" for item in errors):
            return _error_response(400, {"code": "bad_json", "detail": "The body is not valid JSON.", "errors": errors})
        return _error_response(422, {"code": "invalid", "detail": "The message breaks the schema.", "errors": errors})

    @app.exception_handler(HTTPException)
    async def _http_error(_request: Request, error: HTTPException) -> JSONResponse:
        if isinstance(error, ApiError):
            return await _api_error(_request, error)
        detail = error.detail if isinstance(error.detail, str) else json.dumps(error.detail)
        code = {404: "not_found", 405: "method_not_allowed", 401: "unauthorized"}.get(error.status_code, "error")
        return _error_response(error.status_code, {"code": code, "detail": detail}, error.headers)

    def current_device(
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    ) -> auth.DeviceInfo:
        device = auth.authenticate(engine, credentials.credentials if credentials else None)
        hardening.limit_device(device_limit, device.id)  # after authentication: a wrong token spends nothing
        return device

    Device = Annotated[auth.DeviceInfo, Depends(current_device)]

    @app.get(f"{protocol.API_PREFIX}/health", tags=["service"])
    def health() -> dict[str, Any]:
        """Whether the server answers, and the protocol it speaks; no authentication."""
        return {"status": "ok", "protocol": protocol.PROTOCOL_VERSION}

    @app.post(
        protocol.ENROL_PATH,
        response_model=protocol.EnrolAnswer,
        tags=["auth"],
        responses={
            **BODY_RESPONSES,
            401: {**ERROR_BODY, "description": "Unknown enrolment code"},
            409: {**ERROR_BODY, "description": "The code's station is bound to another station database"},
            410: {**ERROR_BODY, "description": "The code was used or has expired"},
            **FAILURE_LIMIT,
        },
    )
    def enrol(body: protocol.EnrolRequest) -> protocol.EnrolAnswer:
        """Enrol a laptop with a one-time code; answers the device id and its secret (shown once)."""
        return auth.enrol(engine, body)

    @app.post(
        protocol.TOKEN_PATH,
        response_model=protocol.TokenAnswer,
        tags=["auth"],
        responses={**BODY_RESPONSES, 401: AUTH_RESPONSES[401], **FAILURE_LIMIT},
    )
    def token(body: protocol.TokenRequest) -> protocol.TokenAnswer:
        """A bearer token for 15 minutes, for a device that proves its secret."""
        return auth.issue_token(engine, body)

    @app.post(
        protocol.PUSH_PATH,
        response_model=protocol.PushAnswer,
        tags=["sync"],
        responses={
            **BODY_RESPONSES,
            **AUTH_RESPONSES,
            403: {**ERROR_BODY, "description": "The batch names another device than the token"},
            409: {"model": protocol.ResendFrom, "description": "The batch does not follow the last applied one"},
        },
    )
    def push(request: Request, body: protocol.PushRequest, dev: Device) -> Response:
        """Apply a batch of changes in one transaction (a replayed batch id gets its stored answer)."""
        return encoded(request, ingest.apply_push(engine, dev, body))

    @app.get(
        protocol.PULL_PATH,
        response_model=protocol.PullAnswer,
        tags=["sync"],
        responses={
            **AUTH_RESPONSES,
            410: {"model": protocol.Gone, "description": "The cursor is older than the kept tombstones"},
            422: {**ERROR_BODY, "description": "Bad query parameters"},
        },
    )
    def pull(
        request: Request,
        dev: Device,
        after: Annotated[int, Query(ge=0, le=MAX_SEQ)] = 0,
        limit: Annotated[int, Query(ge=1, le=protocol.PULL_PAGE)] = protocol.PULL_PAGE,
    ) -> Response:
        """The station's changes after the cursor, in server order, one page."""
        return encoded(request, feed.pull(engine, dev, after, limit))

    @app.get(
        protocol.SNAPSHOT_PATH,
        response_model=protocol.SnapshotAnswer,
        tags=["sync"],
        responses={**AUTH_RESPONSES, 422: {**ERROR_BODY, "description": "Bad query parameters"}},
    )
    def snapshot(
        request: Request,
        dev: Device,
        after_id: Annotated[str | None, Query(max_length=64)] = None,
        limit: Annotated[int, Query(ge=1, le=protocol.PULL_PAGE)] = protocol.PULL_PAGE,
    ) -> Response:
        """One page of every live record of the station, by id; `cursor` is where pulling resumes."""
        hardening.refuse_unstorable("after_id", [after_id or ""])
        return encoded(request, feed.snapshot(engine, dev, after_id, limit))

    return app


def app_from_env() -> FastAPI:
    """The uvicorn factory: DATABASE_URL, schema already migrated by the `serve` command."""
    return create_app(run_migrations=False)
