"""The OpenAPI schema (``/openapi.json``, ``/docs``) says what the routes accept and answer.

FastAPI's schema from the request models, completed with what only this deployment knows
or what the models cannot say by themselves:

- every operation's error answers (400, 401, 403, 404, 413, 422, 429, 500, 502/503 where a
  dependency can be down) in the one error shape (serving/errors.py), in place of FastAPI's
  ``HTTPValidationError``;
- path parameters: ``student_id`` matches ``STUDENT_ID_PATTERN``; ``run_id`` is a UUID;
- this deployment's limits: ``max_tokens`` at most ``AIVO_MAX_NEW_TOKENS`` (the default
  never above it), ``prompt`` at most ``AIVO_MAX_PROMPT_CHARS`` characters;
- ``POST /v1/assess``'s body (the route parses it itself, to load the grader lazily);
- the content types: server-sent events for the streaming routes, plain text for
  LitServe's ``/`` and ``/litserve/health`` (``PlainTextDefault`` gives their answers the
  ``Content-Type`` that LitServe leaves out).

What JSON Schema cannot say is in the descriptions: ``items[].item_id`` unique within a
baseline; the whole conversation of a chat request within the prompt limit; a prompt
plus ``max_tokens`` within the model's context (413 otherwise).
"""

from __future__ import annotations

import copy

from brain.schemas import NOT_BLANK, STUDENT_ID_PATTERN
from brain.settings import Settings
from serving.errors import UUID_PATTERN

ERROR_SCHEMA = {
    "type": "object", "required": ["error"],
    "properties": {"error": {
        "type": "object", "required": ["message", "type"],
        "properties": {
            "message": {"type": "string", "description": "What is wrong; starts with the field when one is"},
            "type": {"type": "string", "examples": ["invalid_request_error", "authentication_error",
                                                   "permission_error", "not_found_error", "rate_limit_error",
                                                   "server_error"]},
            "param": {"type": ["string", "null"], "description": "The wrong field (dotted path), if one"},
            "details": {"type": "array", "items": {"type": "object"},
                        "description": "422: each validation error (loc, msg, type)"},
        }}},
}
ERRORS = {
    "400": "Contradicting fields (e.g. model and user name different students)",
    "401": "Missing or wrong API key",
    "403": "Another tenant's student, or consent missing",
    "404": "Unknown route, model or clone run (another tenant's run looks the same)",
    "413": "Body, prompt or prompt + max_tokens over the limit",
    "422": "A field is wrong: error.param and the message name it",
    "429": "Over a rate limit or the queue is full (Retry-After)",
    "500": "Unexpected server error (no details)",
    "503": "The model is loading or a dependency is down (Retry-After when known)",
}
DEPENDENCY = {"502": "Prefect answered with an error"}
PLAIN = {("/", "get"), ("/litserve/health", "get")}
STREAMS = {("/v1/generate/stream", "post"), ("/v1/chat/completions", "post")}
ASSESS = ("/v1/assess", "post")


def install(app, settings: Settings, auth_required=lambda: True) -> None:
    """``auth_required()``: whether keys are configured now (the tenants file can appear while serving)."""
    app.add_middleware(PlainTextDefault)
    build = app.openapi
    cache: dict[bool, dict] = {}

    def openapi() -> dict:
        auth = bool(auth_required())
        if auth not in cache:
            app.openapi_schema = None
            cache[auth] = complete(build(), settings, auth)
        app.openapi_schema = cache[auth]
        return app.openapi_schema

    app.openapi = openapi


def complete(schema: dict, settings: Settings, auth: bool = True) -> dict:
    schema = copy.deepcopy(schema)
    if auth:
        schema["components"] = schema.get("components") or {}
        schema["components"]["securitySchemes"] = {"bearer": {
            "type": "http", "scheme": "bearer",
            "description": "A tenant's key (aivo_<id>_<secret>) or an operator key"}}
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components["Error"] = ERROR_SCHEMA
    for name in ("HTTPValidationError", "ValidationError"):
        components.pop(name, None)
    _assess_body(schema, components)
    _limits(components, settings)
    error_ref = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path, ops in schema.get("paths", {}).items():
        for method, op in ops.items():
            for param in op.get("parameters", []):
                if param.get("in") == "path" and param.get("name") == "student_id":
                    param["schema"] = {"type": "string", "pattern": STUDENT_ID_PATTERN, "title": "Student Id"}
                if param.get("in") == "path" and param.get("name") == "run_id":
                    param["schema"] = {"type": "string", "format": "uuid", "pattern": UUID_PATTERN}
            if auth and path.startswith("/v1/"):
                op["security"] = [{"bearer": []}]
            responses = op.setdefault("responses", {})
            codes = dict(ERRORS, **(DEPENDENCY if path.startswith("/v1/clone") else {}))
            for code, text in codes.items():
                responses[code] = {"description": text, "content": error_ref}
            ok = responses.setdefault("200", {"description": "Successful Response"})
            if (path, method) in PLAIN:
                ok["content"] = {"text/plain": {"schema": {"type": "string"}}}
                responses["503"] = {"description": "Not ready", "content": ok["content"]}
            elif (path, method) in STREAMS:
                ok.setdefault("content", {"application/json": {"schema": {}}})
                ok["content"]["text/event-stream"] = {"schema": {}, "description": "server-sent events"}
            if path == "/health":
                responses["503"] = {"description": "Loading, or loading failed (same body as 200: status says which)",
                                    "content": {"application/json": {"schema": {"type": "object"}}}}
    return schema


def _assess_body(schema: dict, components: dict) -> None:
    op = schema.get("paths", {}).get(ASSESS[0], {}).get(ASSESS[1])
    if op is None:
        return
    from serving.assess import AssessRequest

    body = AssessRequest.model_json_schema(ref_template="#/components/schemas/{model}")
    for name, sub in body.pop("$defs", {}).items():
        components.setdefault(name, sub)
    text = {"type": "string", "pattern": NOT_BLANK}
    body["anyOf"] = [{"required": ["reference_answer"], "properties": {"reference_answer": text}},
                     {"required": ["rubric"], "properties": {"rubric": text}}]
    body["properties"]["question"]["pattern"] = NOT_BLANK
    components["AssessRequest"] = body
    op["requestBody"] = {"required": True, "content": {"application/json": {
        "schema": {"$ref": "#/components/schemas/AssessRequest"}}}}


def _limits(components: dict, settings: Settings) -> None:
    top = settings.max_new_tokens
    for name, fields in (("GenerationRequest", ("max_tokens",)),
                         ("ChatCompletionRequest", ("max_tokens", "max_completion_tokens"))):
        props = (components.get(name) or {}).get("properties", {})
        for field in fields:
            spec = props.get(field)
            if spec is None:
                continue
            for branch in [spec, *spec.get("anyOf", [])]:
                if branch.get("type") == "integer":
                    branch["maximum"] = min(branch.get("maximum", top), top)
            if isinstance(spec.get("default"), int):
                spec["default"] = min(spec["default"], top)
    prompt = (components.get("GenerationRequest") or {}).get("properties", {}).get("prompt")
    if prompt is not None:
        prompt["maxLength"] = settings.max_prompt_chars


class PlainTextDefault:
    """ASGI middleware: an answer without a Content-Type (LitServe's ``/`` and health) says text/plain."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def typed(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers") or [])
                if not any(k.lower() == b"content-type" for k, _ in headers):
                    headers.append((b"content-type", b"text/plain; charset=utf-8"))
                    message = {**message, "headers": headers}
            await send(message)

        return await self.app(scope, receive, typed)
