"""The errors a REST client can see; each becomes `{"detail": message}` with its status.

ApiError
├── BadRequest (400)         a query parameter is not acceptable
├── NotFound (404)           no resource at this address
├── MethodNotAllowed (405)   the API is read-only
└── StatementTimeout (504)   a database statement ran past STATEMENT_TIMEOUT_SECONDS
"""

from __future__ import annotations


class ApiError(Exception):
    """Base class: a status code and the `detail` text DRF clients already read."""

    status_code = 500

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class BadRequest(ApiError):
    status_code = 400


class NotFound(ApiError):
    status_code = 404

    def __init__(self, detail: str = "Not found.") -> None:
        super().__init__(detail)


class MethodNotAllowed(ApiError):
    status_code = 405

    def __init__(self, method: str) -> None:
        super().__init__(f'Method "{method}" not allowed.')


class StatementTimeout(ApiError):
    status_code = 504
