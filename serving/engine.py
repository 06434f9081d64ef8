"""Continuous batching across students: one model, one batch, every row with its own adapter.

One scheduler thread owns the model. Each loop it

1. admits requests whose adapter is ready (resolution and S3/disk loading run
   in loader threads, so a cold adapter never stalls the batch), copying the
   adapter into a free slot of the LoRA bank (LRU by bytes; a slot in use by a
   running row is never evicted);
2. prefills the newcomers together (left-padded, each row with its slot) and
   merges their KV cache into the running batch (left-padding whichever side is
   shorter);
3. runs one decode step for every running row and hands each row's new text
   to its stream;
4. drops rows that finished (end of turn, their own max_tokens) or whose client
   went away (``Stream.cancel``): a short request leaves the batch as soon as its
   own answer ends, not when the longest one does.

Greedy rows (temperature 0) are deterministic and equal to the same request
served alone (tested); sampled rows use a per-request generator when a seed is
given.

Rows are isolated: whatever fails for one request (its parameters, its seed, its
adapter, its prefill, non-finite logits, its sampler) ends that request's stream
with an error event while the other rows go on, token for token as without it.
A failure of a whole decode step ends every running row with an error and the
loop keeps serving. Every submitted stream gets exactly one end event, also when
the engine stops or its thread dies.

This module is the loop and its bookkeeping; newcomers joining the batch (admission into bank slots,
prefill, the prompt KV cache) serving/engine_join.py; the batch's rows and tensors are
serving/batch.py, adapters and bank slots serving/adapter_slots.py, requests
and streams serving/streams.py, sampling serving/sampling.py.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor

import torch

from brain.logs import student_field
from brain.models import LoadedModel
from serving import sampling
from serving.adapter_slots import AdapterSlots
from serving.adapters import AdapterResolver, Choice
from serving.batch import Batch, Row
from serving.fastdecode import FastDecoder
from serving.kernels import fuse_norms, pack_linears, release_openmp_pool
from serving.lora_bank import AdapterWeights, LoraBank, SlotTable
from serving.engine_join import JoinsNewcomers
from serving.prefix_cache import PrefixCache
from serving.streams import EngineRequest, Finished, Stream, hand_to_loader

__all__ = ["Engine", "EngineRequest", "Finished", "Stream"]  # the request types live in serving/streams.py

log = logging.getLogger("aivo.serving.engine")


class Engine(JoinsNewcomers):
    def __init__(self, loaded: LoadedModel, resolver: AdapterResolver | None, *, max_batch: int = 16,
                 slots: int = 64, cache_bytes: int = 256 * 2**20, loader_threads: int = 2,
                 max_context: int = 4096, native_decode: bool = True, prefix_cache_bytes: int = 256 * 2**20,
                 prefill_chunk: int = 256, weights: str = "fp32"):
        self.loaded = loaded
        self.model = loaded.model
        self.tok = loaded.tokenizer
        self.device = loaded.device
        self.resolver = resolver
        self.max_batch = max_batch
        self.max_context = max_context
        self.packed_layers = pack_linears(self.model)  # CPU: oneDNN-packed weights (serving/kernels.py)
        self.fused_norms = fuse_norms(self.model)  # one op per RMSNorm instead of seven (fewer GPU launches)
        self.bank = LoraBank(self.model, slots=slots)
        # CPU + Llama + float32: each decode step is one native call (serving/fastdecode.py); else PyTorch.
        # weights: what that step reads, fp32, bf16 or int8 (serving/weight_precision.py; "auto": per CPU)
        self.fast = FastDecoder.build(self.model, self.bank, weights) if native_decode else None
        self.decode_path = "native" if self.fast is not None else "pytorch"
        self.weights = self.fast.weights if self.fast is not None else str(self.model.dtype).replace("torch.", "")
        self.slot_table = SlotTable(slots, cache_bytes)
        self.slots = AdapterSlots(self.bank, self.slot_table)  # serving/adapter_slots.py
        self.prefix = PrefixCache(prefix_cache_bytes)  # prompts' KV per adapter (serving/prefix_cache.py)
        self.slots.on_evict = self.prefix.drop  # an adapter that leaves the bank takes its prompts' KV
        self.prefill_chunk = prefill_chunk  # a longer new part is prefilled a chunk per step (0: at once)
        self._prefilling: list[list] = []  # [row, Entry | None, tokens done] (serving/engine_join.py)
        self.prefill_chunks = 0  # chunks of long prompts prefilled between decode steps
        self.stop_ids = {i for i in (self.tok.eos_token_id, self.tok.convert_tokens_to_ids("<|im_end|>"),
                                     self.tok.convert_tokens_to_ids("<|endoftext|>")) if isinstance(i, int)
                         and i >= 0 and i != self.tok.unk_token_id}
        self._loader = ThreadPoolExecutor(max_workers=loader_threads, thread_name_prefix="aivo-adapter")
        self._ready: deque[tuple[Stream, Choice, AdapterWeights | None]] = deque()
        self._wake = threading.Condition()
        self.batch = Batch(self.device)  # the running rows and their tensors (serving/batch.py)
        self._forget: list[str] = []
        self._live: set[Stream] = set()  # submitted, end event not sent yet (guarded by _wake)
        self._running = False
        self._closed = False  # the scheduler thread has exited: pending and new requests end at once
        self._thread: threading.Thread | None = None
        self.vocab_size = int(self.model.get_input_embeddings().num_embeddings)
        self.steps = 0
        self.tokens_out = 0
        self.row_errors = 0  # requests that ended with an error
        self.step_failures = 0  # decode steps (or merges) that failed for every running row

    # -- public -------------------------------------------------------------------
    def start(self) -> "Engine":
        if not self._running:
            if self.device.type == "cpu":
                release_openmp_pool()  # this thread's OpenMP workers would slow the engine thread's (kernels.py)
            self._running, self._closed = True, False
            self._thread = threading.Thread(target=self._loop, name="aivo-engine", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        self._running = False
        with self._wake:
            self._wake.notify_all()
        if self._thread is not None:
            self._thread.join(timeout=10)
        if self._thread is None or not self._thread.is_alive():
            self._close("the engine stopped")  # (the thread does this itself; here for a never-started engine)
        self._loader.shutdown(wait=False, cancel_futures=True)

    def submit(self, request: EngineRequest, loop: asyncio.AbstractEventLoop | None = None) -> Stream:
        """Queue a request; its stream always ends (``("end", Finished)``), with ``finish_reason`` "error"
        when something fails for it. Raises ValueError (naming the field) for parameters the engine
        cannot run (serving/sampling.py ``check_request``)."""
        sampling.check_request(request, self.vocab_size, self.max_context)
        stream = Stream(request, loop)
        with self._wake:
            closed = self._closed
            if not closed:
                self._live.add(stream)
        return hand_to_loader(stream, closed, self._loader, self._prepare, self._end, self._failed)

    def generate(self, request: EngineRequest, timeout: float | None = 600) -> tuple[Choice | None, Finished]:
        """Blocking convenience: submit and wait for the whole answer."""
        return self.submit(request).result(timeout)

    def forget_student(self, student_id: str) -> None:
        """Drop a student's adapters from the bank and what the resolver knew (deletion request)."""
        if self.resolver is not None:
            self.resolver.forget(student_id)
        with self._wake:
            self._forget.append(student_id)
            self._wake.notify_all()

    def stats(self) -> dict:
        return {
            "running": len(self.batch.rows), "waiting": len(self._ready), "max_batch": self.max_batch,
            "prefilling": len(self._prefilling), "prefill_chunks": self.prefill_chunks,
            "alive": bool(self._thread is not None and self._thread.is_alive() and not self._closed),
            "row_errors": self.row_errors, "step_failures": self.step_failures, "steps": self.steps,
            "tokens_generated": self.tokens_out, "packed_linear_layers": self.packed_layers,
            "decode": self.decode_path, "weights": self.weights, **self.slots.stats(), **self.prefix.stats(),
        }

    # -- loader threads --------------------------------------------------------------
    def _prepare(self, stream: Stream) -> None:
        req = stream.request
        try:
            choice, weights = self.slots.choose(self.resolver, req)
        except Exception as exc:  # noqa: BLE001 - a broken adapter fails this request only
            log.exception("preparing a request for student %s failed", req.student_id, extra=student_field(req.student_id))
            self._end(stream, self._failed(stream, f"{type(exc).__name__}: {exc}"))
            return
        with self._wake:
            closed = self._closed
            if not closed:
                self._ready.append((stream, choice, weights))
                self._wake.notify_all()
        if closed:
            self._end(stream, self._failed(stream, "the engine is not running"))

    # -- scheduler thread ------------------------------------------------------------
    def _loop(self) -> None:
        torch.set_grad_enabled(False)
        reason = "the engine stopped"
        try:
            while self._running:
                try:
                    with self._wake:
                        if not self.batch.rows and not self._ready and not self._forget and not self._prefilling:
                            self._wake.wait(timeout=0.5)
                            if not self._ready and not self._forget and not self.slots.pending_forget:
                                continue
                    self._apply_forget()
                    self._admit()
                    if self.batch.rows:
                        self._step()
                except Exception as exc:  # noqa: BLE001 - a whole step failed: end its rows, keep serving
                    log.exception("engine step failed: ending its %d rows", len(self.batch.rows))
                    self.step_failures += 1
                    self._end_running(f"{type(exc).__name__}: {exc}")
        except BaseException as exc:  # noqa: BLE001 - logged loudly; nothing above this thread could act on it
            reason = f"the engine stopped: {type(exc).__name__}: {exc}"
            log.critical("the engine thread died; every pending request ends with an error", exc_info=True)
        finally:
            self._close(reason)

    def _end_running(self, error: str) -> None:
        """End every running row with ``error`` and forget the batch (its KV cache may be half-updated)."""
        for row in self.batch.clear():
            self._finish(row, "error", error)

    def _close(self, reason: str) -> None:
        """The loop is over: every stream not ended yet (running, ready, being prepared) ends now."""
        with self._wake:
            self._closed, self._running = True, False
            self._ready.clear()
            self._prefilling.clear()  # (their streams are live: they end below)
            live = list(self._live)
        self._end_running(reason)
        for stream in live:
            self._end(stream, self._failed(stream, reason))

    def _apply_forget(self) -> None:
        with self._wake:
            students, self._forget[:] = list(self._forget), []
        self.slots.forget(students)
        for student in students:
            self.prefix.forget(student)

    def _slot_for(self, choice: Choice, weights: AdapterWeights | None) -> int | None:
        return self.slots.slot_for(choice, weights)  # (benchmarks/serving.py fills the bank with it)

    def _emit(self, indices: list[int] | None = None) -> None:
        """Each row's next token and new text (serving/batch.py); rows that ended leave the batch."""
        ended, tokens = self.batch.emit(self.tok, self.stop_ids, indices)
        self.tokens_out += tokens
        for i, reason, error in ended:
            self._finish(self.batch.rows[i], reason, error)
        if ended:
            self.batch.drop([i for i, _, _ in ended])

    def _finish(self, row: Row, reason: str, error: str | None = None) -> None:
        """End a row (once): unpin its slot, flush its last text, send its end event."""
        if row.done:
            return
        row.done = True
        self.slots.unpin(row.slot)
        req = row.stream.request
        text = row.flush(self.tok)
        ttft = row.first_token_at - row.stream.submitted if row.first_token_at else None
        if reason in ("stop", "length"):
            self._remember_answer(row)  # (before the end event: a client that reads stats then sees it done)
        self._end(row.stream, Finished(reason, len(req.prompt_ids), len(row.ids), text.strip(), ttft,
                                       time.perf_counter() - row.stream.submitted, error))

    @staticmethod
    def _failed(stream: Stream, error: str) -> Finished:
        return Finished("error", len(stream.request.prompt_ids), 0, "", None,
                        time.perf_counter() - stream.submitted, error)

    def _end(self, stream: Stream, finished: Finished) -> None:
        """Send a stream's end event: exactly once, from whichever thread ends it first."""
        with self._wake:
            if stream.ended:
                return
            stream.ended = True
            self._live.discard(stream)
            if finished.finish_reason == "error":
                self.row_errors += 1
        stream.put(("end", finished))

    def _step(self) -> None:
        """One decode step for every running row (their last sampled token in, next logits out)."""
        self.batch.decode(self.model, self.fast, self.bank)
        self.steps += 1
        self._emit()
