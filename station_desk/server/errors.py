"""The server's refusals: an exception carrying the HTTP status and the ErrorAnswer (or ResendFrom/Gone) body."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.exceptions import HTTPException


class ApiError(HTTPException):
    """A 4xx answer: `status`, a machine-readable `code`, a sentence for the log, and extra body fields."""

    def __init__(
        self, status: int, code: str, detail: str, *, headers: Mapping[str, str] | None = None, **extra: Any
    ) -> None:
        super().__init__(status, detail, headers)
        self.status = status
        self.code = code
        self.detail = detail
        self.extra = extra

    def body(self) -> dict[str, Any]:
        return {"code": self.code, "detail": self.detail, **self.extra}
