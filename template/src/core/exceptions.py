"""The AppError hierarchy and its mapping to the error envelope of the API contract.

Services raise these; the HTTP layer turns each into
`{"error": {"code", "message", "details"}}` with its status code.
"""

from typing import Any

# The envelope code of every status the service answers with.
ERROR_CODES = {
    400: "BAD_REQUEST",
    401: "UNAUTHORIZED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    409: "CONFLICT",
    413: "PAYLOAD_TOO_LARGE",
    422: "BUSINESS_RULE",
    429: "RATE_LIMITED",
    500: "INTERNAL_ERROR",
    503: "SERVICE_UNAVAILABLE",
}


def error_body(
    code: str, message: str, details: list[dict[str, str]] | None = None
) -> dict[str, Any]:
    """The error envelope."""
    return {"error": {"code": code, "message": message, "details": details or []}}


class AppError(Exception):
    """An error the client can act on; subclasses fix the status and code."""

    status_code = 500
    code = "INTERNAL_ERROR"
    message = "Internal server error"

    def __init__(
        self,
        message: str | None = None,
        details: list[dict[str, str]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.message = message or self.message
        self.details = details or []
        self.headers = headers or {}
        super().__init__(self.message)

    def body(self) -> dict[str, Any]:
        return error_body(self.code, self.message, self.details)


class BadRequestError(AppError):
    status_code, code, message = 400, "BAD_REQUEST", "Bad request"


class ValidationFailedError(AppError):
    status_code, code, message = 400, "VALIDATION_ERROR", "Request validation failed"


class UnauthorizedError(AppError):
    status_code, code, message = 401, "UNAUTHORIZED", "Authentication required"


class ForbiddenError(AppError):
    status_code, code, message = 403, "FORBIDDEN", "Not allowed"


class NotFoundError(AppError):
    status_code, code, message = 404, "NOT_FOUND", "Resource not found"


class ConflictError(AppError):
    status_code, code, message = 409, "CONFLICT", "Resource already exists"


class PayloadTooLargeError(AppError):
    status_code, code, message = 413, "PAYLOAD_TOO_LARGE", "Request body too large"


class BusinessRuleError(AppError):
    status_code, code, message = 422, "BUSINESS_RULE", "Business rule violated"


class RateLimitedError(AppError):
    status_code, code, message = 429, "RATE_LIMITED", "Too many requests"

    def __init__(self, retry_after: int) -> None:
        super().__init__(headers={"Retry-After": str(retry_after)})


class ServiceUnavailableError(AppError):
    status_code, code, message = 503, "SERVICE_UNAVAILABLE", "A dependency is unavailable"
