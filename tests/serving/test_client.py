"""serving.client against a small local HTTP server that answers with the endpoint's documented shapes."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from brain.schemas import GenerationContext
from serving.client import AivoClient, AivoError, Replacement, iter_sse
from tests.conftest import free_port

KEY = "aivo_test_key"
CTX = {"student_id": "stu-1", "grade": 4}
RUN_ID = "0f6c1f3e-8c1a-4f0e-9a57-2f1d3c4b5a69"


def sse(obj) -> bytes:
    return f"data: {json.dumps(obj) if not isinstance(obj, str) else obj}\n\n".encode()


class FakeEndpoint(BaseHTTPRequestHandler):
    seen: list = []  # noqa: RUF012  (the requests the fake received, reset per test)

    def log_message(self, *args):  # quiet
        pass

    def _json(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _error(self, status, message):
        self._json(status, {"error": {"message": message, "type": "invalid_request_error"}})

    def _events(self, chunks):
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        for chunk in chunks:
            self.wfile.write(chunk)
            self.wfile.flush()

    def _authorized(self):
        if self.headers.get("Authorization") != f"Bearer {KEY}":
            self._error(401, "missing API key: send 'Authorization: Bearer <key>'")
            return False
        return True

    def do_GET(self):
        self.seen.append(("GET", self.path, None))
        if self.path == "/health":
            return self._json(503, {"status": "loading", "device": "cpu", "base_model": "tiny-random"})
        if not self._authorized():
            return
        if self.path == "/v1/models":
            return self._json(200, {"object": "list", "data": [{"id": "aivo-brain", "object": "model"},
                                                               {"id": "student-stu-1", "object": "model"}]})
        if self.path == f"/v1/clone/{RUN_ID}/status":
            return self._json(200, {"run_id": RUN_ID, "state": "RUNNING", "stage": "fine-tune", "percent": 55.0,
                                    "mlflow_version": None})
        self._error(404, "Not Found")

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
        self.seen.append(("POST", self.path, body))
        if not self._authorized():
            return
        if self.path == "/v1/generate":
            if not body.get("prompt"):
                return self._error(422, "prompt: field required")
            return self._json(200, {"response": "Plants make food.", "student_id": body["context"]["student_id"],
                                    "adapter_version": "3", "usage": {"total_tokens": 9}})
        if self.path == "/v1/generate/stream":
            if body["context"]["student_id"] == "other":
                return self._error(403, "student 'other' is not on the roster of tenant 'north'")
            start = {"type": "start", "student_id": "stu-1", "adapter_version": "3"}
            tokens = [sse({"type": "token", "token": t}) for t in ("Think ", "in ", "eighths.")]
            if body["prompt"] == "unsafe":
                tokens.append(sse({"type": "replace", "text": "Let's talk about something else."}))
            done = {"type": "done", "done": True, "adapter_version": "3", "finish_reason": "stop",
                    "usage": {"completion_tokens": 3}}
            if body["prompt"] == "broken":
                done = {"type": "done", "done": True, "finish_reason": "error", "error": {"message": "engine died"}}
            # a comment line and a multi-line-safe event split over two writes, like a real server may
            return self._events([b": keep-alive\n\n", sse(start)[:10], sse(start)[10:], *tokens, sse(done),
                                 sse("[DONE]")])
        if self.path == "/v1/assess":
            return self._json(200, {"score": 1.0, "correct": True, "feedback": "Correct!", "method": "exact",
                                    "student_id": body["context"]["student_id"], "adapter_version": None})
        if self.path == "/v1/chat/completions":
            if not body.get("stream"):
                return self._json(200, {"object": "chat.completion", "model": body["model"],
                                        "choices": [{"index": 0, "message": {"role": "assistant", "content": "Hi"},
                                                     "finish_reason": "stop"}],
                                        "usage": {"total_tokens": 5}, "aivo": {"adapter_version": "3"}})

            def chunk(delta, finish=None, **extra):
                return sse({"object": "chat.completion.chunk", "choices": [{"index": 0, "delta": delta,
                                                                            "finish_reason": finish}], **extra})
            return self._events([
                chunk({"role": "assistant", "content": ""}, aivo={"adapter_version": "3", "student_id": "stu-1"}),
                chunk({"content": "What "}), chunk({"content": "do you get?"}),
                chunk({}, "stop", aivo={"mode_check": None}),
                sse({"object": "chat.completion.chunk", "choices": [], "usage": {"total_tokens": 7}}),
                sse("[DONE]"),
            ])
        if self.path == "/v1/clone/start":
            return self._json(200, {"run_id": RUN_ID, "student_id": "stu-1", "state": "SCHEDULED",
                                    "status_url": f"/v1/clone/{RUN_ID}/status"})
        self._error(404, "Not Found")


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", free_port()), FakeEndpoint)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture()
def aivo(server):
    FakeEndpoint.seen = []
    with AivoClient(server, api_key=KEY, timeout=10) as client:
        yield client


def test_generate_sends_the_documented_body(aivo):
    out = aivo.generate("What is photosynthesis?", GenerationContext(**CTX), mode="explain", max_tokens=32,
                        temperature=0)
    assert out["response"] == "Plants make food." and out["adapter_version"] == "3"
    _, path, body = FakeEndpoint.seen[-1]
    assert path == "/v1/generate" and body["context"]["student_id"] == "stu-1" and body["context"]["grade"] == 4
    assert (body["mode"], body["max_tokens"], body["temperature"]) == ("explain", 32, 0)


def test_errors_carry_the_servers_message(server, aivo):
    with pytest.raises(AivoError) as info:
        aivo.generate("", CTX)
    assert info.value.status == 422 and info.value.message == "prompt: field required"
    with AivoClient(server) as anonymous, pytest.raises(AivoError) as info:
        anonymous.models()
    assert info.value.status == 401 and "Bearer" in info.value.message
    with pytest.raises(AivoError) as info:
        aivo.stream("hi", {"student_id": "other", "grade": 3})  # raised at once, before iterating
    assert info.value.status == 403 and "roster" in info.value.message
    with AivoClient(f"http://127.0.0.1:{free_port()}", timeout=2) as nowhere, pytest.raises(AivoError) as info:
        nowhere.health()
    assert info.value.status == 0 and "cannot reach" in info.value.message


def test_stream_yields_tokens_and_keeps_the_final_event(aivo):
    stream = aivo.stream("What is 3/4 + 1/8?", CTX, mode="tutor")
    assert list(stream) == ["Think ", "in ", "eighths."]
    assert stream.text == "Think in eighths."
    assert stream.start["adapter_version"] == "3"
    assert stream.final["done"] is True and stream.final["usage"] == {"completion_tokens": 3}
    assert FakeEndpoint.seen[-1][2]["mode"] == "tutor"


def test_a_replace_event_replaces_the_text(aivo):
    stream = aivo.stream("unsafe", CTX)
    pieces = list(stream)
    assert isinstance(pieces[-1], Replacement) and stream.text == "Let's talk about something else."


def test_an_error_at_the_end_of_a_stream_raises(aivo):
    with pytest.raises(AivoError, match="engine died"):
        list(aivo.stream("broken", CTX))


def test_chat_plain_and_streamed(aivo):
    messages = [{"role": "user", "content": "Help me with 45 - 17"}]
    out = aivo.chat(messages, user="stu-1")
    assert out["choices"][0]["message"]["content"] == "Hi"
    body = FakeEndpoint.seen[-1][2]
    assert body["model"] == "student-stu-1" and body["user"] == "stu-1" and body["stream"] is False
    stream = aivo.chat(messages, user="stu-1", stream=True, mode="tutor")
    assert "".join(stream) == "What do you get?"
    assert stream.start["adapter_version"] == "3"
    assert stream.final["finish_reason"] == "stop" and stream.final["usage"] == {"total_tokens": 7}
    body = FakeEndpoint.seen[-1][2]
    assert body["stream"] is True and body["mode"] == "tutor" and body["stream_options"] == {"include_usage": True}
    aivo.chat(messages)
    assert FakeEndpoint.seen[-1][2]["model"] == "aivo-brain"


def test_assess_models_clones_and_health(aivo):
    out = aivo.assess("What is 3/4 + 1/8?", "0.875", CTX, reference_answer="7/8")
    assert out["correct"] is True
    body = FakeEndpoint.seen[-1][2]
    assert body["reference_answer"] == "7/8" and "rubric" not in body
    assert [m["id"] for m in aivo.models()] == ["aivo-brain", "student-stu-1"]
    assert aivo.clone_start({"assessment_id": "b1"}, require_review=True) == RUN_ID
    assert FakeEndpoint.seen[-1][2] == {"baseline": {"assessment_id": "b1"}, "require_review": True}
    status = aivo.clone_status(RUN_ID)
    assert status["stage"] == "fine-tune" and status["percent"] == 55.0
    assert aivo.health()["status"] == "loading"  # 503 while loading is an answer, not an error


def test_sse_parsing_edge_cases():
    lines = [": comment", "event: message", "data: {\"a\":", "data: 1}", "", "data:[DONE]", "", "id: 7",
             "{\"token\": \"raw\"}", "data: {\"tail\": true}"]
    assert list(iter_sse(lines)) == [("message", "{\"a\":\n1}"), ("message", "[DONE]"),
                                     ("message", "{\"token\": \"raw\"}"), ("message", "{\"tail\": true}")]
