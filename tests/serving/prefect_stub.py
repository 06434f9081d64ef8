"""A stand-in for Prefect's REST API: the few calls the endpoint makes for clone runs (start, status)."""

import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DEPLOYMENT_ID = "5a7e0c1e-0000-4000-8000-000000000001"


class PrefectStub:
    """``runs``: flow run id -> run JSON (tags ``student:<id>``); unknown ids are Prefect's 404."""

    def __init__(self):
        self.runs: dict[str, dict] = {}
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def _json(self, status, obj):
                body = json.dumps(obj).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                if self.path.startswith("/api/flow_runs/"):
                    run = stub.runs.get(self.path.rsplit("/", 1)[1])
                    return self._json(200, run) if run else self._json(404, {"detail": "Flow run not found"})
                if self.path.startswith("/api/deployments/name/"):
                    return self._json(200, {"id": DEPLOYMENT_ID})
                return self._json(404, {"detail": "Not Found"})

            def do_POST(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.path == "/api/artifacts/filter":
                    return self._json(200, [])
                if self.path.endswith("/create_flow_run"):
                    body = json.loads(raw or b"{}")
                    run = stub.add_run(next((t.split(":", 1)[1] for t in body.get("tags", [])
                                             if t.startswith("student:")), None))
                    return self._json(201, run)
                return self._json(404, {"detail": "Not Found"})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/api"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def add_run(self, student_id: str | None, state: str = "RUNNING") -> dict:
        run_id = str(uuid.uuid4())
        self.runs[run_id] = {"id": run_id, "tags": ["clone"] + ([f"student:{student_id}"] if student_id else []),
                             "state": {"type": state, "name": state.title()}}
        return self.runs[run_id]

    def close(self) -> None:
        self.server.shutdown()
