"""Every error of the endpoint in one shape, with the right status.

``{"error": {"message": str, "type": str, "param": str | null}}`` (OpenAI's shape, so the
OpenAI SDK raises its matching exception classes) on every route: ours, LitServe's own
(``/v1/moderate``, ``/info``, ``/``), an unknown route (404), a wrong method (405, with
``Allow``), malformed JSON and validation errors (422, ``param`` and the message name the
field), a body over the limit (413), and anything unexpected (500, no internals in the body).

Student ids are checked against ``brain.schemas.STUDENT_ID_PATTERN`` wherever they come
in: body fields by the request models, ``model = student-<id>`` by the chat route
(``check_student_id``), and path segments (``/v1/students/{student_id}/...``) by
``PathIds`` before routing, so an id with ``/``, ``..``, control characters or
look-alike letters is a 422 naming ``student_id``, never a 500 or a path trick.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Annotated
from urllib.parse import unquote

from fastapi import HTTPException, Path, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from brain.schemas import STUDENT_ID_PATTERN

log = logging.getLogger("aivo.serving")

ID_RULE = ("1-64 characters: ASCII letters, digits, '_', '.' or '-', starting with a letter or digit "
           "(no '/', spaces, control characters or non-ASCII letters)")
ERROR_TYPES = {400: "invalid_request_error", 401: "authentication_error", 403: "permission_error",
               404: "not_found_error", 405: "invalid_request_error", 409: "conflict_error",
               413: "invalid_request_error", 422: "invalid_request_error", 429: "rate_limit_error"}


UUID_PATTERN = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
RunId = Annotated[str, Path(pattern=UUID_PATTERN, description="A Prefect flow run id (a UUID)",
                            json_schema_extra={"format": "uuid"})]


class FieldError(HTTPException):
    """A 4xx about one request field: the message starts with the field, ``param`` names it."""

    def __init__(self, param: str, message: str, status: int = 422, headers: dict | None = None):
        super().__init__(status, f"{param}: {message}", headers=headers)
        self.param = param


def error_body(status: int, message: str, kind: str | None = None, param: str | None = None) -> dict:
    kind = kind or ERROR_TYPES.get(status) or ("invalid_request_error" if status < 500 else "server_error")
    return {"error": {"message": message, "type": kind, "param": param}}


def error_response(status: int, message: str, kind: str | None = None, headers: dict | None = None,
                   param: str | None = None) -> JSONResponse:
    return JSONResponse(status_code=status, content=error_body(status, message, kind, param), headers=headers)


def is_student_id(value) -> bool:
    return isinstance(value, str) and re.fullmatch(STUDENT_ID_PATTERN, value) is not None


def check_student_id(value, param: str = "student_id") -> str:
    """The id itself, or a 422 naming ``param`` (``$`` of the pattern never lets a trailing newline in)."""
    if not is_student_id(value):
        shown = value if isinstance(value, str) and len(value) <= 80 else f"{str(value)[:80]}..."
        raise FieldError(param, f"{shown!r} is not a student id: {ID_RULE}")
    return value


def validation_message(errors: list[dict]) -> tuple[str, str | None, list[dict]]:
    """(one readable line naming each wrong field, the first field, pydantic's list without the input)."""
    parts, first = [], None
    for err in errors:
        loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "path", "query", "header")]
        msg = str(err.get("msg", "invalid"))
        if err.get("type") == "json_invalid":
            msg = f"malformed JSON body: {(err.get('ctx') or {}).get('error', msg)}"
            loc = []
        elif not loc:
            msg = "request body must be a JSON object (send Content-Type: application/json)"
        elif err.get("type") == "missing":
            msg = "field required"
        elif err.get("type") == "string_pattern_mismatch" and loc[-1] in ("student_id", "user"):
            msg = f"not a student id: {ID_RULE}"
        elif err.get("type") == "string_pattern_mismatch" and loc[-1] == "run_id":
            msg = "not a flow run id (a UUID)"
        msg = msg.removeprefix("Value error, ")
        if first is None and loc:
            first = ".".join(loc)
        parts.append(f"{'.'.join(loc)}: {msg}" if loc else msg)
    clean = [{"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg", "")), "type": e.get("type")}
             for e in errors]
    return "; ".join(dict.fromkeys(parts)) or "invalid request", first, clean


def _validation_response(errors: list[dict]) -> JSONResponse:
    message, param, details = validation_message(errors)
    body = error_body(422, message, param=param)
    body["error"]["details"] = details
    return JSONResponse(status_code=422, content=body)


def install(app, max_body_bytes: int) -> None:
    """The error handlers and the two guarding middlewares (body size, ids in paths)."""
    app.add_middleware(PathIds)
    app.add_middleware(BodySizeLimit, max_bytes=max_body_bytes)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):
        return _validation_response(list(exc.errors()))

    @app.exception_handler(ValidationError)  # a model validated inside a route (e.g. a roster profile)
    async def _invalid_model(request: Request, exc: ValidationError):
        return _validation_response(exc.errors(include_input=False))

    @app.exception_handler(StarletteHTTPException)  # ours, FastAPI's, LitServe's, 404 and 405 of the router
    async def _http_error(request: Request, exc: StarletteHTTPException):
        message = exc.detail if isinstance(exc.detail, str) else json.dumps(exc.detail, default=str)
        if exc.status_code == 404 and message == "Not Found":
            message = f"no route {request.method} {request.url.path}"
        elif exc.status_code == 405 and message == "Method Not Allowed":
            message = f"method {request.method} is not allowed on {request.url.path}"
        return error_response(exc.status_code, message, headers=getattr(exc, "headers", None),
                              param=getattr(exc, "param", None))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception):
        if dependency_down(exc):
            log.warning("%s %s: a dependency is unreachable: %s", request.method, request.url.path, exc)
            return error_response(503, "a dependency (object store or registry) is unreachable; retry later",
                                  "service_unavailable", headers={"Retry-After": "5"})
        log.error("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
        return error_response(500, "internal server error", "server_error")


def dependency_down(exc: BaseException) -> bool:
    """An S3 / MLflow outage (a 503 to retry), as opposed to a bug (a 500)."""
    from registry.retry import is_transient  # here: registry imports mlflow and boto3, which this module needs not

    return is_transient(exc)


class BodySizeLimit:
    """ASGI middleware: 413 for a body over ``max_bytes`` (declared or streamed), before any parsing.

    (LitServe's own max_payload_size middleware breaks FastAPI's body parsing in 0.2.19.)
    """

    def __init__(self, app, max_bytes: int):
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            return await send_error(send, 413, f"request body is over {self.max_bytes} bytes")
        seen = 0

        async def counted():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise HTTPException(413, f"request body is over {self.max_bytes} bytes")
            return message

        return await self.app(scope, counted, send)


class PathIds:
    """ASGI middleware: a student id in a path (``/v1/students/{student_id}/...``) must be a student id.

    Read from the raw path before percent-decoding, so ``stu%2F0001`` is one (wrong) segment, not two."""

    PREFIX = "/v1/students/"

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http":
            raw = scope.get("raw_path")
            path = raw.decode("latin-1") if raw else scope.get("path", "")
            path = path.split("?", 1)[0]
            if path.startswith(self.PREFIX):
                segment = unquote(path[len(self.PREFIX):].split("/", 1)[0], errors="replace")
                if not is_student_id(segment):
                    shown = segment if len(segment) <= 80 else segment[:80] + "..."
                    return await send_error(send, 422, f"student_id: {shown!r} is not a student id: {ID_RULE}",
                                            param="student_id")
        return await self.app(scope, receive, send)


async def send_error(send, status: int, message: str, param: str | None = None) -> None:
    """Answer an error straight from an ASGI middleware, in the same shape as the handlers'."""
    body = json.dumps(error_body(status, message, param=param)).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
