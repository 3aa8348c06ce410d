"""The server's edge: security headers, proxy trust, request limits, zstd bombs, text no column holds, a JSON 500.

Limits are token buckets kept in the memory of one process: with `serve --workers N` each worker keeps its own,
so a client may get up to N times a limit before it is stopped. That is acceptable for what they are for (a
runaway laptop, and guessing enrolment codes, whose space of 29^10 makes guessing hopeless anyway); a limit
shared by every worker would need the database on every request.
"""

from __future__ import annotations

import io
import math
import threading
import time
from collections.abc import Callable, Iterable

import zstandard
from starlette.datastructures import MutableHeaders
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from station_desk.server.errors import ApiError
from station_desk.sync import protocol

SECURITY_HEADERS: tuple[tuple[str, str], ...] = (
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "no-referrer"),
    # Answers carry police records and tokens: no browser or proxy cache may keep them.
    ("Cache-Control", "no-store"),
    # The server serves JSON only (its /docs page is off, see app.py), so nothing may load or frame anything.
    ("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'"),
)
HSTS = ("Strict-Transport-Security", "max-age=31536000")
# Failed requests to these count against the client's address (guessing codes or secrets).
AUTH_PATHS = frozenset({protocol.ENROL_PATH, protocol.TOKEN_PATH})
MAX_KEYS = 100_000


class RateLimiter:
    """Token buckets by key: each holds up to `burst` tokens and refills `rate` a second. Thread-safe.

    A key not seen (or forgotten) has a full bucket, so the table only needs the keys that spent something;
    past MAX_KEYS the least recently used are forgotten, which at worst gives those keys a fresh bucket.
    """

    def __init__(
        self, rate: float, burst: float, *, clock: Callable[[], float] = time.monotonic, max_keys: int = MAX_KEYS
    ) -> None:
        self.rate = rate
        self.burst = float(burst)
        self.clock = clock
        self.max_keys = max_keys
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.rate > 0 and self.burst > 0

    def _level(self, key: str, now: float) -> float:
        tokens, stamp = self._buckets.get(key, (self.burst, now))
        return min(self.burst, tokens + (now - stamp) * self.rate)

    def _store(self, key: str, tokens: float, now: float) -> None:
        self._buckets.pop(key, None)  # re-inserted last: the dict's order is least recently used first
        if tokens < self.burst:
            self._buckets[key] = (tokens, now)
        while len(self._buckets) > self.max_keys:
            del self._buckets[next(iter(self._buckets))]

    def _wait(self, tokens: float) -> float:
        return (1.0 - tokens) / self.rate

    def take(self, key: str) -> float:
        """Spend one token: 0.0 when there was one, else the seconds until there is one (nothing spent)."""
        if not self.enabled:
            return 0.0
        with self._lock:
            now = self.clock()
            tokens = self._level(key, now)
            if tokens < 1.0:
                return self._wait(tokens)
            self._store(key, tokens - 1.0, now)
            return 0.0

    def wait(self, key: str) -> float:
        """The seconds until the key has a token (0.0: it has one now); spends nothing."""
        if not self.enabled:
            return 0.0
        with self._lock:
            tokens = self._level(key, self.clock())
        return 0.0 if tokens >= 1.0 else self._wait(tokens)

    def charge(self, key: str) -> None:
        """Spend one token if there is one (a failure that already happened is counted, never refused)."""
        if not self.enabled:
            return
        with self._lock:
            now = self.clock()
            self._store(key, max(0.0, self._level(key, now) - 1.0), now)


def retry_after(seconds: float) -> str:
    """Whole seconds for a Retry-After header, at least 1."""
    return str(max(1, math.ceil(seconds)))


def limit_device(limiter: RateLimiter, device_id: str) -> None:
    """Spend one request of the device's bucket, or refuse with 429 and Retry-After."""
    wait = limiter.take(device_id)
    if wait > 0:
        raise ApiError(
            429,
            "rate_limited",
            f"Too many requests from this device; try again in {retry_after(wait)} s.",
            headers={"Retry-After": retry_after(wait)},
        )


def unstorable(text: str) -> bool:
    """Text no column can hold: a NUL character (PostgreSQL refuses it in text and JSON) or a lone surrogate."""
    if "\x00" in text:
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def refuse_unstorable(name: str, values: Iterable[str]) -> None:
    """422 when any of the values cannot be stored (see `unstorable`)."""
    if any(unstorable(value) for value in values):
        raise ApiError(422, "invalid", f"The {name} holds a NUL character or invalid Unicode.")


def check_zstd_size(data: bytes, limit: int) -> None:
    """Raise protocol.BodyTooLarge when a zstd body decompresses to more than `limit` bytes, holding at most a
    megabyte of its output at a time; a corrupt body passes (protocol.decode_body then words the error).

    protocol.decode_body compares the size with the limit only after decompressing the whole zstd frame, so a
    body of 13 KB that unpacks to 400 MB would have the server allocate 400 MB first; this pass comes before it.
    """
    size = 0
    try:
        with zstandard.ZstdDecompressor().stream_reader(io.BytesIO(data)) as reader:
            while size <= limit:
                chunk = reader.read(min(1 << 20, limit + 1 - size))
                if not chunk:
                    return
                size += len(chunk)
    except zstandard.ZstdError:
        return
    raise protocol.BodyTooLarge(f"body larger than {limit} bytes")


def client_address(scope: Scope) -> str:
    """The client's address as the server sees it (after a trusted proxy's X-Forwarded-For, when one is set)."""
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


class EdgeMiddleware:
    """Security headers on every answer, 429 for addresses that failed enrolment or token requests too often,
    and a JSON 500 (with the same headers) instead of Starlette's plain-text one."""

    def __init__(self, app: ASGIApp, *, auth_failures: RateLimiter) -> None:
        self.app = app
        self.auth_failures = auth_failures

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        https = scope.get("scheme") == "https"
        status = 0

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                headers = MutableHeaders(scope=message)
                for name, value in (*SECURITY_HEADERS, HSTS) if https else SECURITY_HEADERS:
                    if name not in headers:
                        headers[name] = value
            await send(message)

        key: str | None = None
        if scope["method"] == "POST" and scope["path"] in AUTH_PATHS and self.auth_failures.enabled:
            key = client_address(scope)
            wait = self.auth_failures.wait(key)
            if wait > 0:
                refusal = _json(
                    429,
                    "rate_limited",
                    f"Too many failed enrolment or token requests from this address; try again in "
                    f"{retry_after(wait)} s.",
                    {"Retry-After": retry_after(wait)},
                )
                await refusal(scope, receive, send_with_headers)
                return
        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:
            if not status:
                failed = _json(500, "internal_error", "The server failed on this request; it is in the server's log.")
                await failed(scope, receive, send_with_headers)
            raise  # Starlette and uvicorn log the traceback
        if key is not None and 400 <= status < 500:
            self.auth_failures.charge(key)


def _json(status: int, code: str, detail: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"code": code, "detail": detail}, status_code=status, headers=headers)
