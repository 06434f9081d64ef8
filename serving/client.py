"""A small Python client for the AIVO Brain endpoint (httpx).

    from serving.client import AivoClient

    with AivoClient("http://127.0.0.1:8001", api_key="aivo_...") as aivo:
        ctx = {"student_id": "stu-0002", "grade": 5}
        aivo.generate("What is photosynthesis?", ctx)["response"]
        stream = aivo.stream("What is 3/4 + 1/8?", ctx, mode="tutor")
        for piece in stream:
            print(piece, end="", flush=True)
        stream.final["adapter_version"], stream.text
        aivo.assess("What is 3/4 + 1/8?", "7/8", ctx, reference_answer="7/8")["correct"]
        aivo.chat([{"role": "user", "content": "Help me with 45 - 17"}], user="stu-0002")
        run = aivo.clone_start(baseline_dict); aivo.clone_status(run)

Every failure raises ``AivoError(status, message)``: the server's
``{"error": {"message": ...}}``, or status 0 when the endpoint cannot be reached.

A stream yields text pieces. A piece that is a ``Replacement`` replaces all the
text before it (the server's safety filter or the tutor check rewrote the
answer); ``stream.text`` is always the text to show.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

import httpx

BRAIN_MODEL = "aivo-brain"


class AivoError(Exception):
    """An error answer (status >= 400), a failed stream, or no answer at all (status 0)."""

    def __init__(self, status: int, message: str):
        super().__init__(f"{status}: {message}" if status else message)
        self.status = status
        self.message = message


class Replacement(str):
    """A stream piece that replaces everything streamed before it."""


def iter_sse(lines: Iterable[str]) -> Iterator[tuple[str, str]]:
    """(event name, data) of each server-sent event; multi-line data joined with newlines.

    A bare JSON line (no ``data:`` field) counts as an event too.
    """
    event, data = "message", []
    for line in lines:
        line = line.rstrip("\r")
        if not line:
            if data:
                yield event, "\n".join(data)
            event, data = "message", []
        elif line.startswith(":"):
            continue  # comment / keep-alive
        elif line.startswith("data:"):
            data.append(line[5:][1:] if line[5:].startswith(" ") else line[5:])
        elif line.startswith("event:"):
            event = line[6:].strip()
        elif line.startswith("{") and not data:
            yield event, line
        # id:, retry: and unknown fields are ignored
    if data:
        yield event, "\n".join(data)


def _error_message(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text.strip()[:500] or response.reason_phrase
    if isinstance(body, dict):
        err = body.get("error")
        if isinstance(err, dict) and err.get("message"):
            return str(err["message"])
        if isinstance(err, str):
            return err
        if "detail" in body:
            return body["detail"] if isinstance(body["detail"], str) else json.dumps(body["detail"])
    return json.dumps(body)[:500]


class TokenStream(Iterator[str]):
    """Text pieces of one streamed answer. After the end: ``final`` (the last event: finish
    reason, usage, adapter version), ``start`` (what serves it), ``text`` (the whole answer)."""

    def __init__(self, response: httpx.Response, chat: bool):
        self._response = response
        self._chat = chat
        self._events = self._run()
        self.start: dict[str, Any] | None = None
        self.final: dict[str, Any] | None = None
        self.text = ""

    def __iter__(self) -> TokenStream:
        return self

    def __next__(self) -> str:
        return next(self._events)

    def __enter__(self) -> TokenStream:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Stop reading: the server sees the disconnect and stops generating."""
        self._events.close()
        self._response.close()

    def _run(self) -> Iterator[str]:
        try:
            for event, data in iter_sse(self._response.iter_lines()):
                if data.strip() == "[DONE]":
                    return
                try:
                    obj = json.loads(data)
                except ValueError:
                    raise AivoError(502, f"malformed stream event: {data[:200]!r}") from None
                if event == "error" or (isinstance(obj, dict) and "error" in obj and obj["error"]):
                    err = obj.get("error") if isinstance(obj, dict) else obj
                    message = err.get("message", str(err)) if isinstance(err, dict) else str(err)
                    status = err.get("status", err.get("code")) if isinstance(err, dict) else None
                    raise AivoError(status if isinstance(status, int) else 500, message)
                piece = self._chat_event(obj) if self._chat else self._native_event(obj)
                if piece:
                    self.text = str(piece) if isinstance(piece, Replacement) else self.text + piece
                    yield piece
        except httpx.HTTPError as exc:
            raise AivoError(0, f"the stream broke off: {exc}") from None
        finally:
            self._response.close()

    def _native_event(self, obj: dict) -> str | None:
        kind = obj.get("type")
        if kind == "start":
            self.start = obj
        elif kind == "replace":
            return Replacement(obj.get("text", ""))
        elif kind == "done" or obj.get("done"):
            self.final = obj
        elif "token" in obj:
            return obj["token"]
        return None

    def _chat_event(self, obj: dict) -> str | None:
        aivo = obj.get("aivo") or {}
        if aivo and self.start is None:
            self.start = aivo
        if obj.get("usage"):
            self.final = {**(self.final or {}), "usage": obj["usage"]}
        for choice in obj.get("choices") or []:
            if choice.get("finish_reason"):
                self.final = {**(self.final or {}), **(self.start or {}), **aivo,
                              "finish_reason": choice["finish_reason"]}
            content = (choice.get("delta") or {}).get("content")
            if content:
                return Replacement(content) if aivo.get("replace") else content
        return None


class AivoClient:
    """The endpoint's routes as methods. ``timeout``: seconds per request (a stream: between reads)."""

    def __init__(self, base_url: str = "http://127.0.0.1:8001", api_key: str | None = None,
                 timeout: float = 120.0, transport: httpx.BaseTransport | None = None):
        headers = {"User-Agent": "aivo-client", "Accept": "application/json"}
        if api_key:
            headers["Authorization"] = f"Bearer {api_key}"
        self.base_url = base_url.rstrip("/")
        self._http = httpx.Client(base_url=self.base_url, headers=headers, timeout=timeout, transport=transport)

    def __enter__(self) -> AivoClient:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    # -- plumbing ------------------------------------------------------------------------
    def _request(self, method: str, path: str, ok: tuple[int, ...] = (), **kw) -> Any:
        try:
            response = self._http.request(method, path, **kw)
        except httpx.HTTPError as exc:
            raise AivoError(0, f"cannot reach {self.base_url}{path}: {exc}") from None
        if response.status_code >= 400 and response.status_code not in ok:
            raise AivoError(response.status_code, _error_message(response))
        try:
            return response.json()
        except ValueError:
            raise AivoError(response.status_code, f"not JSON: {response.text[:200]!r}") from None

    def _stream(self, path: str, body: dict, chat: bool) -> TokenStream:
        request = self._http.build_request("POST", path, json=body, headers={"Accept": "text/event-stream"})
        try:
            response = self._http.send(request, stream=True)
        except httpx.HTTPError as exc:
            raise AivoError(0, f"cannot reach {self.base_url}{path}: {exc}") from None
        if response.status_code >= 400:
            try:
                response.read()
                message = _error_message(response)
            finally:
                response.close()
            raise AivoError(response.status_code, message)
        return TokenStream(response, chat=chat)

    @staticmethod
    def _context(context: Any) -> dict:
        if hasattr(context, "model_dump"):
            return context.model_dump(mode="json", exclude_none=True)
        return dict(context)

    def _generation(self, prompt, context, mode, max_tokens, temperature) -> dict:
        return {"prompt": prompt, "context": self._context(context), "mode": getattr(mode, "value", mode),
                "max_tokens": max_tokens, "temperature": temperature}

    # -- routes --------------------------------------------------------------------------
    def generate(self, prompt: str, context: dict, mode: str = "explain", max_tokens: int = 256,
                 temperature: float = 0.7) -> dict:
        """POST /v1/generate -> {response, student_id, adapter_version, served_by, usage, safety, ...}."""
        return self._request("POST", "/v1/generate",
                             json=self._generation(prompt, context, mode, max_tokens, temperature))

    def stream(self, prompt: str, context: dict, mode: str = "explain", max_tokens: int = 256,
               temperature: float = 0.7) -> TokenStream:
        """POST /v1/generate/stream: the answer's text pieces as they are generated."""
        return self._stream("/v1/generate/stream",
                            self._generation(prompt, context, mode, max_tokens, temperature), chat=False)

    def assess(self, question: str, student_answer: str, context: dict, reference_answer: str | None = None,
               rubric: str | None = None) -> dict:
        """POST /v1/assess -> {score, correct, feedback, method, expected, note, adapter_version, ...}."""
        body = {"question": question, "student_answer": student_answer, "context": self._context(context)}
        if reference_answer is not None:
            body["reference_answer"] = reference_answer
        if rubric is not None:
            body["rubric"] = rubric
        return self._request("POST", "/v1/assess", json=body)

    def chat(self, messages: list[dict], user: str | None = None, stream: bool = False, model: str | None = None,
             mode: str | None = None, max_tokens: int | None = None, temperature: float | None = None,
             **extra: Any) -> dict | TokenStream:
        """POST /v1/chat/completions (OpenAI shape). ``model`` defaults to ``student-<user>`` (the
        student's clone), or ``aivo-brain`` without a user. ``stream=True`` returns a TokenStream."""
        body: dict[str, Any] = {"model": model or (f"student-{user}" if user else BRAIN_MODEL),
                                "messages": messages, "stream": stream, **extra}
        for key, value in (("user", user), ("mode", getattr(mode, "value", mode)), ("max_tokens", max_tokens),
                           ("temperature", temperature)):
            if value is not None:
                body[key] = value
        if stream:
            body.setdefault("stream_options", {"include_usage": True})
            return self._stream("/v1/chat/completions", body, chat=True)
        return self._request("POST", "/v1/chat/completions", json=body)

    def models(self) -> list[dict]:
        """GET /v1/models: 'aivo-brain' and the key's students as 'student-<id>'."""
        return self._request("GET", "/v1/models").get("data", [])

    def clone_start(self, baseline: Any, require_review: bool = False) -> str:
        """POST /v1/clone/start with a baseline (dict or brain.schemas.Baseline) -> the run id."""
        if hasattr(baseline, "model_dump"):
            baseline = baseline.model_dump(mode="json")
        out = self._request("POST", "/v1/clone/start", json={"baseline": baseline, "require_review": require_review})
        run_id = out.get("run_id") or out.get("clone_id") or out.get("id")
        if not run_id:
            raise AivoError(502, f"no run id in the answer: {out}")
        return str(run_id)

    def clone_status(self, run_id: str) -> dict:
        """GET /v1/clone/{id}/status -> {state, stage, percent, mlflow_version, ...}."""
        return self._request("GET", f"/v1/clone/{run_id}/status")

    def health(self) -> dict:
        """GET /health; also answers while the model loads (503: status 'loading')."""
        return self._request("GET", "/health", ok=(503,))
