"""ASGI middleware: request id, security headers, access log, body limit, last-resort 500."""

import json
import logging
import time
from http import HTTPStatus

from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from src.core.exceptions import error_body
from src.core.logging import request_id_var
from src.core.security import request_id_from

logger = logging.getLogger(__name__)

JSON_CSP = "default-src 'none'; frame-ancestors 'none'"
DOCS_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "frame-ancestors 'none'"
)
HSTS = "max-age=63072000; includeSubDomains"
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


async def send_error(send: Send, status: int, code: str, message: str) -> None:
    body = json.dumps(error_body(code, message)).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class RequestContextMiddleware:
    """Outermost layer: every response, even a crash, leaves with the id and headers."""

    def __init__(self, app: ASGIApp, *, production: bool) -> None:
        self.app = app
        self.hsts = production

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = request_id_from(Headers(scope=scope).get("x-request-id"))
        token = request_id_var.set(request_id)
        started, status = time.perf_counter(), 500
        csp = DOCS_CSP if scope["path"].startswith("/docs") else JSON_CSP

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = MutableHeaders(scope=message)
                headers["X-Request-ID"] = request_id
                headers["X-Content-Type-Options"] = "nosniff"
                headers["X-Frame-Options"] = "DENY"
                headers["Referrer-Policy"] = "no-referrer"
                headers["Content-Security-Policy"] = csp
                if self.hsts:
                    headers["Strict-Transport-Security"] = HSTS
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:
            logger.exception("unhandled error")
            message = f"Internal server error (request id {request_id})"
            await send_error(send_with_headers, 500, "INTERNAL_ERROR", message)
        finally:
            logger.info(
                "request",
                extra={
                    "method": scope["method"],
                    "path": scope["path"],
                    "status": status,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                },
            )
            request_id_var.reset(token)


class BodyLimitMiddleware:
    """Refuses bodies over the limit (413) and API bodies that are not JSON (400)."""

    def __init__(self, app: ASGIApp, *, max_body_bytes: int) -> None:
        self.app = app
        self.limit = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        length = headers.get("content-length")
        if length is not None and length.isdigit() and int(length) > self.limit:
            await send_error(send, 413, "PAYLOAD_TOO_LARGE", f"Body over {self.limit} bytes")
            return
        has_body = (length is not None and length != "0") or "transfer-encoding" in headers
        media_type = headers.get("content-type", "").split(";")[0].strip().lower()
        is_api_body = scope["method"] in BODY_METHODS and scope["path"].startswith("/api/")
        if has_body and is_api_body and not _is_json(media_type):
            await send_error(send, 400, "BAD_REQUEST", "Content-Type must be application/json")
            return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.limit:
                raise HTTPException(413, f"Body over {self.limit} bytes")
            return message

        await self.app(scope, limited_receive, send)


def _is_json(media_type: str) -> bool:
    return media_type == "application/json" or media_type.endswith("+json")


class JsonCORSMiddleware(CORSMiddleware):
    """Starlette's CORS, with a refused preflight in the error envelope instead of plain text."""

    def preflight_response(self, request_headers: Headers) -> Response:
        response = super().preflight_response(request_headers)
        if response.status_code < HTTPStatus.BAD_REQUEST:
            return response
        body = error_body("BAD_REQUEST", bytes(response.body).decode())
        headers = {k: v for k, v in response.headers.items() if k.lower().startswith("access-")}
        return JSONResponse(body, status_code=response.status_code, headers=headers)
