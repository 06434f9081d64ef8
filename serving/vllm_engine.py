"""The vLLM engine: the same contract as serving/engine.py's ``Engine``, run by vLLM's async engine.

``submit(request, loop)`` returns a ``Stream`` with ``("start", Choice)``, ``("text", str)``... and exactly
one ``("end", Finished)``; ``Stream.cancel`` aborts the request in vLLM; ``forget_student`` unloads that
student's adapters; ``stats`` feeds ``/health``. Routes, moderation, modes and checks cannot tell the
engines apart (docs/serving.md, "Engines").

vLLM runs in its own Python (``settings.vllm_python``; its pins clash with ours), as a worker process
(serving/vllm_worker.py, run as a file in isolated mode; found by serving/vllm_setup.py) spoken to over a pipe, one JSON object per line. vLLM's own engine core is a
process of its own anyway; the pipe adds well under a millisecond per event.

Per request, in a loader thread (as the native engine): the student's adapter is resolved by the same
``AdapterResolver`` (MLflow alias, brain-version rule, S3 -> local disk), and the request carries a
``LoRARequest`` named ``student-<id>@<version>`` with an integer id that is stable for the life of the
endpoint, one per (student, version). An adapter vLLM cannot serve (DoRA, a rank over
``vllm_max_lora_rank``) is not sent: the base answers and ``served_by`` says why, as with the native engine.
When a student's alias moves, the old version is unloaded from vLLM; ``forget_student`` unloads every
version of that student.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from brain.logs import student_field
from brain.settings import Settings
from serving import sampling
from serving.adapters import AdapterResolver, Choice
from serving.streams import EngineRequest, Finished, Stream, hand_to_loader
from serving.vllm_setup import VllmUnavailable, adapter_problem, vllm_python

log = logging.getLogger("aivo.serving.vllm")

WORKER = Path(__file__).resolve().with_name("vllm_worker.py")  # run as a file, in vLLM's Python


class WorkerStream(Stream):
    """A ``Stream`` whose ``cancel`` also aborts the request in vLLM."""

    def __init__(self, request: EngineRequest, loop, on_cancel):
        super().__init__(request, loop)
        self.id = ""
        self.on_cancel = on_cancel
        self.first_at: float | None = None
        self.sent = False  # the worker has it (a cancel before that is sent after it)
        self.text = ""

    def cancel(self) -> None:
        if not self.cancelled.is_set():
            super().cancel()
            self.on_cancel(self)


class VllmEngine:
    """Our engine contract over vLLM's async engine (the module docstring)."""

    decode_path = "vllm"

    def __init__(self, model_dir: str | Path, tokenizer, resolver: AdapterResolver | None, settings: Settings, *,
                 max_batch: int = 16, max_context: int = 4096, device: str = "cpu", loader_threads: int = 2):
        self.model_dir = str(model_dir)
        self.tok = tokenizer
        self.resolver = resolver
        self.settings = settings
        self.max_batch = max_batch
        self.max_context = max_context
        self.device = device
        self.vocab_size = len(tokenizer)
        self.stop_ids = sorted({i for i in (tokenizer.eos_token_id, tokenizer.convert_tokens_to_ids("<|im_end|>"),
                                            tokenizer.convert_tokens_to_ids("<|endoftext|>"))
                                if isinstance(i, int) and i >= 0 and i != tokenizer.unk_token_id})
        self._loader = ThreadPoolExecutor(max_workers=loader_threads, thread_name_prefix="aivo-vllm-adapter")
        self._lock = threading.Lock()
        self._live: dict[str, WorkerStream] = {}
        self._ids = 0
        self._lora_ids: dict[tuple[str, str], int] = {}  # (student, version) -> vLLM lora id
        self._serving: dict[str, str] = {}  # student -> the version last sent to vLLM
        self._proc: subprocess.Popen | None = None
        self._closed = False
        self._closed_by_stop = False
        self.info: dict = {}
        self.row_errors = 0
        self.tokens_out = 0
        self.unloaded = 0
        self.unload_acks: list[tuple[int, bool]] = []  # (lora id, whether vLLM had it loaded), the latest 100

    # -- life -----------------------------------------------------------------------
    def start(self) -> "VllmEngine":
        python = vllm_python(self.settings)
        if python is None:
            raise VllmUnavailable("AIVO_ENGINE=vllm, but no Python with vLLM was found: run `make vllm` "
                                  "(vLLM's CPU build in .venv/vllm) or set AIVO_VLLM_PYTHON")
        options = {"model": self.model_dir, "dtype": self._dtype(), "max_model_len": self.max_context,
                   "max_loras": self.settings.vllm_max_loras, "max_cpu_loras": self.settings.vllm_max_cpu_loras,
                   "max_lora_rank": self.settings.vllm_max_lora_rank, "max_num_seqs": self.max_batch,
                   "prefix_caching": self.settings.vllm_prefix_caching, "device": self.device,
                   "gpu_memory_utilization": self.settings.vllm_gpu_memory_utilization}
        # -I: isolated (no PYTHONPATH, no script directory on the path: only the standard library and vLLM's
        # own environment), run from the data directory
        env = dict(os.environ)
        if self.device == "cpu":
            env.setdefault("VLLM_CPU_KVCACHE_SPACE", str(self.settings.vllm_cpu_kv_cache_gib))
            env.setdefault("OMP_NUM_THREADS", str(self.settings.cpu_threads()))
        self.settings.data_dir.mkdir(parents=True, exist_ok=True)
        self._proc = subprocess.Popen([str(python), "-I", str(WORKER), json.dumps(options)], cwd=self.settings.data_dir,
                                      env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                      stderr=None, text=True, bufsize=1,
                                      start_new_session=True)  # its own process group: see _reap
        ready = self._wait_ready(self.settings.vllm_start_timeout_s)
        self.info = ready
        threading.Thread(target=self._read, name="aivo-vllm-reader", daemon=True).start()
        return self

    def _dtype(self) -> str:
        if self.settings.vllm_dtype != "auto":
            return self.settings.vllm_dtype
        return "bfloat16" if self.device == "cuda" else "float32"

    def _wait_ready(self, timeout: float) -> dict:
        result: dict = {}

        def read_first() -> None:
            line = self._proc.stdout.readline()
            try:
                result.update(json.loads(line) if line else {"event": "failed", "error": "the worker exited"})
            except json.JSONDecodeError:
                result.update({"event": "failed", "error": f"unexpected output: {line[:200]!r}"})

        reader = threading.Thread(target=read_first, daemon=True)
        reader.start()
        reader.join(timeout)
        if result.get("event") != "ready":
            self._kill()
            raise VllmUnavailable(f"vLLM's worker did not start: {result.get('error') or f'no answer in {timeout:.0f} s'}")
        return result

    def stop(self) -> None:
        self._closed_by_stop = True
        self._send({"op": "stop"})
        if self._proc is not None:
            try:
                self._proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                pass
            self._kill()
        self._close("the engine stopped")
        self._loader.shutdown(wait=False, cancel_futures=True)

    def _kill(self) -> None:
        if self._proc is not None and self._proc.poll() is None:
            self._proc.kill()
            self._proc.wait(timeout=10)
        self._reap()

    def _reap(self) -> None:
        """Kill what is left of the worker's process group: vLLM's engine core and its workers outlive a
        worker that crashed or was killed (each holds the model's memory, and spins)."""
        if self._proc is not None:
            try:
                os.killpg(self._proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass

    def _close(self, reason: str) -> None:
        with self._lock:
            self._closed = True
            live = list(self._live.values())
        for stream in live:
            self._end(stream, self._failed(stream, reason))

    # -- requests ---------------------------------------------------------------------
    def submit(self, request: EngineRequest, loop=None) -> Stream:
        """Queue a request (the contract of ``Engine.submit``)."""
        sampling.check_request(request, self.vocab_size, self.max_context)
        stream = WorkerStream(request, loop, self._cancel)
        with self._lock:
            self._ids += 1
            stream.id = f"r{self._ids}"
            closed = self._closed
            if not closed:
                self._live[stream.id] = stream
        return hand_to_loader(stream, closed, self._loader, self._prepare, self._end, self._failed)

    def generate(self, request: EngineRequest, timeout: float | None = 600) -> tuple[Choice | None, Finished]:
        return self.submit(request).result(timeout)

    def _choose(self, req: EngineRequest) -> tuple[Choice, dict | None]:
        if self.resolver is None or req.student_id is None or not req.use_adapter:
            return Choice(None, None, "base model: requested without a student adapter"
                          if req.student_id is None or not req.use_adapter else "base model: no registry"), None
        choice = self.resolver.choose(req.student_id)
        if choice.key is None:
            return choice, None
        path = self.resolver.local_copy(choice)
        problem = adapter_problem(path, self.settings.vllm_max_lora_rank)
        if problem:
            return Choice(None, None, f"base model: adapter v{choice.version} cannot be served ({problem})"), None
        student, version = choice.key
        with self._lock:
            lora_id = self._lora_ids.setdefault(choice.key, len(self._lora_ids) + 1)
            previous = self._serving.get(student)
            self._serving[student] = version
            old = self._lora_ids.get((student, previous)) if previous not in (None, version) else None
        if old is not None:  # the alias moved: the old version leaves vLLM
            self._unload(old)
        return choice, {"name": f"student-{student}@{version}", "id": lora_id, "path": str(path)}

    def _prepare(self, stream: WorkerStream) -> None:
        req = stream.request
        try:
            choice, lora = self._choose(req)
        except Exception as exc:  # noqa: BLE001 - a broken adapter fails this request only
            log.exception("preparing a request for student %s failed", req.student_id,
                          extra=student_field(req.student_id))
            self._end(stream, self._failed(stream, f"{type(exc).__name__}: {exc}"))
            return
        stream.choice = choice
        if stream.cancelled.is_set():
            self._end(stream, self._finished(stream, "cancelled", 0))
            return
        params = {"max_tokens": req.max_tokens, "temperature": req.temperature, "top_p": req.top_p,
                  "seed": req.seed, "frequency_penalty": req.frequency_penalty,
                  "presence_penalty": req.presence_penalty, "repetition_penalty": req.repetition_penalty,
                  "ignore_eos": req.ignore_eos, "stop_token_ids": self.stop_ids}
        if not self._send({"op": "submit", "id": stream.id, "prompt_ids": list(req.prompt_ids),
                           "params": params, "lora": lora}):
            self._end(stream, self._failed(stream, "the engine is not running"))
            return
        stream.sent = True
        if stream.cancelled.is_set():  # cancelled while it was being sent
            self._cancel(stream)

    def _cancel(self, stream: WorkerStream) -> None:
        if stream.sent:
            self._send({"op": "cancel", "id": stream.id})

    def forget_student(self, student_id: str) -> None:
        """Drop a student's adapters from vLLM and what the resolver knew (deletion request)."""
        if self.resolver is not None:
            self.resolver.forget(student_id)
        with self._lock:
            ids = [i for (s, _), i in self._lora_ids.items() if s == student_id]
            self._serving.pop(student_id, None)
        for lora_id in ids:
            self._unload(lora_id)

    def lora_id(self, student_id: str, version: str) -> int | None:
        """vLLM's integer id of a student's adapter version (None: never served here)."""
        return self._lora_ids.get((student_id, version))

    def _unload(self, lora_id: int) -> None:
        self._send({"op": "unload", "lora_id": lora_id})
        self.unloaded += 1

    def stats(self) -> dict:
        with self._lock:
            live = list(self._live.values())
        running = sum(1 for s in live if s.first_at is not None)
        return {"engine": "vllm", "vllm": self.info.get("vllm"), "decode": self.decode_path,
                "alive": bool(self._proc is not None and self._proc.poll() is None and not self._closed),
                "running": running, "waiting": len(live) - running, "max_batch": self.max_batch,
                "row_errors": self.row_errors, "tokens_generated": self.tokens_out,
                "adapters_known": len(self._lora_ids), "adapters_unloaded": self.unloaded}

    # -- the pipe -------------------------------------------------------------------------
    def _send(self, msg: dict) -> bool:
        proc = self._proc
        if proc is None or proc.poll() is not None:
            return False
        try:
            with self._lock:
                proc.stdin.write(json.dumps(msg) + "\n")
                proc.stdin.flush()
            return True
        except (BrokenPipeError, OSError, ValueError):
            return False

    def _read(self) -> None:
        """Worker events -> streams (the reader thread). When the worker dies, every open stream ends."""
        for line in self._proc.stdout:
            try:
                event = json.loads(line)
            except json.JSONDecodeError:
                continue
            kind = event.get("event")
            if kind == "unloaded":
                self.unload_acks.append((int(event["lora_id"]), bool(event.get("ok"))))
                del self.unload_acks[:-100]
                continue
            stream = self._live.get(event.get("id", ""))
            if stream is None:
                continue
            if kind in ("started", "text") and stream.first_at is None:
                stream.first_at = time.perf_counter()
                stream.put(("start", stream.choice))
            if kind == "text" and event.get("text"):
                stream.text += event["text"]
                stream.put(("text", event["text"]))
            elif kind == "end":
                if stream.first_at is None and event["finish_reason"] != "error":
                    stream.first_at = time.perf_counter()
                    stream.put(("start", stream.choice))
                self.tokens_out += int(event.get("completion_tokens") or 0)
                self._end(stream, self._finished(stream, event["finish_reason"], int(event["completion_tokens"]),
                                                 event.get("error"), event.get("text")))
        code = self._proc.wait()
        self._reap()
        self._close("the vLLM worker exited")
        if not self._closed_by_stop:
            log.error("the vLLM worker exited (code %s)", code)

    # -- ends -----------------------------------------------------------------------------
    @staticmethod
    def _finished(stream: WorkerStream, reason: str, tokens: int, error: str | None = None,
                  text: str | None = None) -> Finished:
        ttft = stream.first_at - stream.submitted if stream.first_at else None
        return Finished(reason, len(stream.request.prompt_ids), tokens, (text if text is not None else stream.text).strip(),
                        ttft, time.perf_counter() - stream.submitted, error)

    @classmethod
    def _failed(cls, stream: WorkerStream, error: str) -> Finished:
        return cls._finished(stream, "error", 0, error)

    def _end(self, stream: WorkerStream, finished: Finished) -> None:
        """Send a stream's end event: exactly once."""
        with self._lock:
            if stream.ended:
                return
            stream.ended = True
            self._live.pop(stream.id, None)
            if finished.finish_reason == "error":
                self.row_errors += 1
        stream.put(("end", finished))
