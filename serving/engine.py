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
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import torch
from transformers import DynamicCache

from brain.logs import student_field
from brain.models import LoadedModel
from serving import sampling
from serving.adapters import AdapterResolver, Choice
from serving.fastdecode import FastDecoder
from serving.kernels import fuse_norms, pack_linears, release_openmp_pool
from serving.lora_bank import AdapterWeights, LoraBank, SlotTable, UnsupportedAdapter
from serving.sampling import NonFiniteLogits
from serving.streams import EngineRequest, Finished, Stream

__all__ = ["Engine", "EngineRequest", "Finished", "Stream"]  # the request types live in serving/streams.py

log = logging.getLogger("aivo.serving.engine")


@dataclass
class _Row:
    stream: Stream
    choice: Choice
    slot: int
    generator: torch.Generator | None
    ids: list[int] = field(default_factory=list)
    text: str = ""
    first_token_at: float | None = None
    next_token: int = -1  # sampled, not yet fed to the model
    done: bool = False  # ended (its slot unpinned, its stream's end event sent)


_WAIT = object()  # _admit_one: every bank slot is pinned by a running row


class Engine:
    def __init__(self, loaded: LoadedModel, resolver: AdapterResolver | None, *, max_batch: int = 16,
                 slots: int = 64, cache_bytes: int = 256 * 2**20, loader_threads: int = 2,
                 max_context: int = 4096, native_decode: bool = True):
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
        # CPU + Llama + float32: each decode step is one native call (serving/fastdecode.py); else PyTorch
        self.fast = FastDecoder.build(self.model, self.bank) if native_decode else None
        self.decode_path = "native" if self.fast is not None else "pytorch"
        self.slot_table = SlotTable(slots, cache_bytes)
        self.stop_ids = {i for i in (self.tok.eos_token_id, self.tok.convert_tokens_to_ids("<|im_end|>"),
                                     self.tok.convert_tokens_to_ids("<|endoftext|>")) if isinstance(i, int)
                         and i >= 0 and i != self.tok.unk_token_id}
        self._loader = ThreadPoolExecutor(max_workers=loader_threads, thread_name_prefix="aivo-adapter")
        self._ready: deque[tuple[Stream, Choice, AdapterWeights | None]] = deque()
        self._wake = threading.Condition()
        self._rows: list[_Row] = []
        self._cache: DynamicCache | None = None
        self._mask: torch.Tensor | None = None
        self._pos: torch.Tensor | None = None
        self._last: torch.Tensor | None = None  # logits of each row's last position
        self._forget: list[str] = []
        self._forget_pinned: set[str] = set()  # forgotten students whose slot a running row still held
        self._live: set[Stream] = set()  # submitted, end event not sent yet (guarded by _wake)
        self._running = False
        self._closed = False  # the scheduler thread has exited: pending and new requests end at once
        self._thread: threading.Thread | None = None
        self.vocab_size = int(self.model.get_input_embeddings().num_embeddings)
        self.steps = 0
        self.tokens_out = 0
        self.row_errors = 0  # requests that ended with an error
        self.step_failures = 0  # decode steps (or merges) that failed for every running row
        self.cold_loads: list[float] = []  # seconds to fetch + read an adapter (S3 or disk)

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
        if closed:
            self._end(stream, self._failed(stream, "the engine is not running"))
            return stream
        try:
            self._loader.submit(self._prepare, stream)
        except RuntimeError as exc:  # the loader pool was shut down (engine stopped)
            self._end(stream, self._failed(stream, f"the engine is not running ({exc})"))
        return stream

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
        t = self.slot_table
        total = t.hits + t.misses
        loads = sorted(self.cold_loads)
        return {
            "running": len(self._rows), "waiting": len(self._ready), "max_batch": self.max_batch,
            "alive": bool(self._thread is not None and self._thread.is_alive() and not self._closed),
            "row_errors": self.row_errors, "step_failures": self.step_failures, "steps": self.steps,
            "tokens_generated": self.tokens_out, "packed_linear_layers": self.packed_layers,
            "decode": self.decode_path,
            "adapters_loaded": len(t.by_key), "adapter_slots": t.count - 1, "cache_bytes": t.used_bytes(),
            "cache_max_bytes": t.max_bytes, "hits": t.hits, "misses": t.misses, "evictions": t.evictions,
            "hit_rate": round(t.hits / total, 3) if total else None,
            "cold_load_p50_ms": round(loads[len(loads) // 2] * 1000, 1) if loads else None,
        }

    # -- loader threads --------------------------------------------------------------
    def _prepare(self, stream: Stream) -> None:
        req = stream.request
        try:
            if self.resolver is None or req.student_id is None or not req.use_adapter:
                choice = Choice(None, None, "base model: requested without a student adapter"
                                if req.student_id is None or not req.use_adapter else "base model: no registry")
                weights = None
            else:
                choice = self.resolver.choose(req.student_id)
                weights = None
                if choice.key is not None and self.slot_table.by_key.get(choice.key) is None:
                    start = time.perf_counter()
                    try:
                        weights = self.resolver.weights(choice)
                    except UnsupportedAdapter as exc:
                        choice = Choice(None, None, f"base model: adapter v{choice.version} cannot be served ({exc})")
                    self.cold_loads.append(time.perf_counter() - start)
                    del self.cold_loads[:-1000]
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
                        if not self._rows and not self._ready and not self._forget:
                            self._wake.wait(timeout=0.5)
                            if not self._ready and not self._forget and not self._forget_pinned:
                                continue
                    self._apply_forget()
                    self._admit()
                    if self._rows:
                        self._step()
                except Exception as exc:  # noqa: BLE001 - a whole step failed: end its rows, keep serving
                    log.exception("engine step failed: ending its %d rows", len(self._rows))
                    self.step_failures += 1
                    self._end_running(f"{type(exc).__name__}: {exc}")
        except BaseException as exc:  # noqa: BLE001 - logged loudly; nothing above this thread could act on it
            reason = f"the engine stopped: {type(exc).__name__}: {exc}"
            log.critical("the engine thread died; every pending request ends with an error", exc_info=True)
        finally:
            self._close(reason)

    def _end_running(self, error: str) -> None:
        """End every running row with ``error`` and forget the batch (its KV cache may be half-updated)."""
        rows = self._rows
        self._rows, self._cache, self._mask, self._pos, self._last = [], None, None, None, None
        for row in rows:
            self._finish(row, "error", error)

    def _close(self, reason: str) -> None:
        """The loop is over: every stream not ended yet (running, ready, being prepared) ends now."""
        with self._wake:
            self._closed, self._running = True, False
            self._ready.clear()
            live = list(self._live)
        self._end_running(reason)
        for stream in live:
            self._end(stream, self._failed(stream, reason))

    def _apply_forget(self) -> None:
        with self._wake:
            students, self._forget[:] = list(self._forget), []
        students += [s for s in self._forget_pinned if s not in students]
        self._forget_pinned.clear()
        pinned = set()
        for student in students:
            for key in [k for k in self.slot_table.by_key if k[0] == student]:
                slot = self.slot_table.by_key[key]
                if self.slot_table.pins.get(slot):
                    pinned.add(student)  # a row still runs on it: cleared after that row ends
                else:
                    self.slot_table.drop(key)
                    self.bank.clear(slot)
        self._forget_pinned |= pinned  # tried again at every turn of the loop (not a reason to wake it)

    def _slot_for(self, choice: Choice, weights: AdapterWeights | None) -> int | None:
        if choice.key is None:
            return 0
        t = self.slot_table
        slot = t.lookup(choice.key)
        if slot is not None:
            t.hits += 1
            return slot
        if weights is None:  # was in the bank when prepared, evicted since: load again
            return None
        size = self.bank.bytes_per_slot(weights)
        slot, evicted = t.allocate(size)
        for key in evicted:
            log.info("adapter cache: evicted %s v%s", *key, extra=student_field(key[0]))
        if slot is None:
            return -1  # every slot is in use by a running row: wait
        self.bank.write(slot, weights)
        t.by_key[choice.key] = slot
        t.bytes[slot] = size
        t.misses += 1
        return slot

    def _admit(self) -> None:
        newcomers: list[_Row] = []
        waiting: list = []
        while len(self._rows) + len(newcomers) < self.max_batch:
            with self._wake:
                if not self._ready:
                    break
                item = self._ready.popleft()
            try:
                row = self._admit_one(*item)
            except Exception as exc:  # noqa: BLE001 - its adapter, its seed...: this request fails alone
                log.exception("admitting a request failed")
                self._end(item[0], self._failed(item[0], f"{type(exc).__name__}: {exc}"))
                continue
            if row is _WAIT:
                waiting.append(item)
                break
            if row is not None:
                newcomers.append(row)
        if waiting:
            with self._wake:
                self._ready.extendleft(reversed(waiting))
        if newcomers:
            self._join(newcomers)

    def _admit_one(self, stream: Stream, choice: Choice, weights: AdapterWeights | None):
        """A row for this request, None when it ended or went back to the loader, or _WAIT (no free slot)."""
        if stream.cancelled.is_set():
            self._end(stream, Finished("cancelled", len(stream.request.prompt_ids), 0, "", None,
                                       time.perf_counter() - stream.submitted))
            return None
        try:
            slot = self._slot_for(choice, weights)
        except UnsupportedAdapter as exc:
            choice, slot = Choice(None, None, f"base model: adapter v{choice.version} cannot be served ({exc})"), 0
        if slot is None:  # evicted between prepare and admit: fetch again
            self._loader.submit(self._prepare, stream)
            return None
        if slot < 0:
            return _WAIT
        req = stream.request
        gen = sampling.make_generator(req.seed, self.device) if req.temperature > 0 else None
        self.slot_table.pins[slot] = self.slot_table.pins.get(slot, 0) + 1
        stream.choice = choice
        stream.put(("start", choice))
        return _Row(stream, choice, slot, gen)

    def _join(self, rows: list[_Row]) -> None:
        """Prefill the newcomers together and add them to the batch. When that prefill fails, each is
        prefilled alone, so only a row whose own prefill fails ends (with the error)."""
        try:
            parts = [(rows, self._prefill(rows))]
        except Exception as exc:  # noqa: BLE001 - find the row(s) it was
            if len(rows) == 1:
                log.exception("prefill failed")
                self._finish(rows[0], "error", f"prefill failed: {type(exc).__name__}: {exc}")
                return
            log.warning("prefill of %d requests failed (%s: %s): prefilling each alone", len(rows),
                        type(exc).__name__, exc)
            parts = []
            for row in rows:
                try:
                    parts.append(([row], self._prefill([row])))
                except Exception as exc1:  # noqa: BLE001
                    log.exception("prefill failed")
                    self._finish(row, "error", f"prefill failed: {type(exc1).__name__}: {exc1}")
        start = len(self._rows)
        try:
            for part, out in parts:
                self._merge(part, *out)
        except Exception:  # the batch's state is broken: _loop ends the running rows, these end here
            for row in rows:
                if not any(row is r for r in self._rows):
                    self._finish(row, "error", "the batch could not be extended")
            raise
        self._emit(list(range(start, len(self._rows))))

    def _prefill(self, rows: list[_Row]) -> tuple:
        """Run the rows' prompts (left-padded, each with its slot): (cache, mask, last positions, logits).
        Touches no state of the running batch."""
        prompts = [r.stream.request.prompt_ids for r in rows]
        width = max(len(p) for p in prompts)
        pad = self.tok.pad_token_id if self.tok.pad_token_id is not None else 0
        ids = torch.full((len(rows), width), pad, dtype=torch.long)
        mask = torch.zeros((len(rows), width), dtype=torch.long)
        for i, p in enumerate(prompts):
            ids[i, width - len(p):] = torch.tensor(p)
            mask[i, width - len(p):] = 1
        ids, mask = ids.to(self.device), mask.to(self.device)
        pos = (mask.cumsum(-1) - 1).clamp(min=0)
        cache = DynamicCache(config=self.model.config)
        self.bank.set_rows([r.slot for r in rows], self.device)
        out = self.model(input_ids=ids, attention_mask=mask, position_ids=pos, past_key_values=cache,
                         use_cache=True, logits_to_keep=1)
        return cache, mask, pos[:, -1], out.logits[:, -1].float()

    def _merge(self, rows, cache: DynamicCache, mask: torch.Tensor, pos: torch.Tensor, logits: torch.Tensor):
        if not self._rows:
            self._rows, self._cache, self._mask, self._pos, self._last = list(rows), cache, mask, pos, logits
            return
        old_len, new_len = self._mask.shape[1], mask.shape[1]
        width = max(old_len, new_len)

        def left_pad(t: torch.Tensor, n: int, dim: int) -> torch.Tensor:
            if n == 0:
                return t
            shape = list(t.shape)
            shape[dim] = n
            return torch.cat([t.new_zeros(shape), t], dim=dim)

        for old, new in zip(self._cache.layers, cache.layers):
            old.keys = torch.cat([left_pad(old.keys, width - old_len, 2), left_pad(new.keys, width - new_len, 2)])
            old.values = torch.cat([left_pad(old.values, width - old_len, 2),
                                    left_pad(new.values, width - new_len, 2)])
        self._mask = torch.cat([left_pad(self._mask, width - old_len, 1), left_pad(mask, width - new_len, 1)])
        self._pos = torch.cat([self._pos, pos])
        self._last = torch.cat([self._last, logits])
        self._rows.extend(rows)

    def _emit(self, indices: list[int] | None = None) -> None:
        """Sample the next token of each row (all rows, or ``indices``) and hand out new text. A row that
        fails here (non-finite logits, its sampler, ...) ends with the error; the others go on."""
        if indices is None:
            indices = list(range(len(self._rows)))
        logits = self._last
        greedy = logits.argmax(-1).tolist()
        finite = torch.isfinite(logits).all(-1).tolist()
        done: list[int] = []
        now = time.perf_counter()
        for i in indices:
            row = self._rows[i]
            error = None
            try:
                reason = self._advance(row, i, greedy[i] if finite[i] else None, now)
            except Exception as exc:  # noqa: BLE001 - this row alone
                if isinstance(exc, NonFiniteLogits):
                    sid = row.stream.request.student_id
                    log.warning("request of student %s ended: %s", sid, exc, extra=student_field(sid))
                else:
                    log.exception("sampling a request's next token failed")
                reason, error = "error", f"{type(exc).__name__}: {exc}"
            if reason is not None:
                done.append(i)
                self._finish(row, reason, error)
        if done:
            self._drop(done)

    def _advance(self, row: _Row, i: int, greedy: int | None, now: float) -> str | None:
        """One token for row i (``greedy``: its argmax, None when its logits are not finite); the finish
        reason when the row is done."""
        req = row.stream.request
        if row.stream.cancelled.is_set():
            return "cancelled"
        if greedy is None:
            raise NonFiniteLogits("the model's logits for this request are not finite (NaN or inf)")
        if req.temperature > 0:
            token = sampling.sample(self._last[i], req.temperature, req.top_p, row.generator)
        else:
            token = greedy
        row.next_token = token
        if token in self.stop_ids and not req.ignore_eos:
            return "stop"
        row.ids.append(token)
        self.tokens_out += 1
        if row.first_token_at is None:
            row.first_token_at = now
        text = self.tok.decode(row.ids, skip_special_tokens=True)
        if not text.endswith("\ufffd"):
            delta = text[len(row.text):] if text.startswith(row.text) else text
            if delta:
                row.stream.put(("text", delta))
            row.text = text
        return "length" if len(row.ids) >= req.max_tokens else None

    def _finish(self, row: _Row, reason: str, error: str | None = None) -> None:
        """End a row (once): unpin its slot, flush its last text, send its end event."""
        if row.done:
            return
        row.done = True
        if row.slot and self.slot_table.pins.get(row.slot):
            self.slot_table.pins[row.slot] -= 1
        req = row.stream.request
        text = row.text
        try:
            text = self.tok.decode(row.ids, skip_special_tokens=True)
            if text != row.text and text.startswith(row.text) and text[len(row.text):]:
                row.stream.put(("text", text[len(row.text):]))
        except Exception:  # noqa: BLE001 - the end event goes out whatever happens
            log.exception("decoding a finished answer failed")
        ttft = row.first_token_at - row.stream.submitted if row.first_token_at else None
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

    def _drop(self, indices: list[int]) -> None:
        keep = [i for i in range(len(self._rows)) if i not in set(indices)]
        if not keep:
            self._rows, self._cache, self._mask, self._pos, self._last = [], None, None, None, None
            return
        index = torch.tensor(keep, device=self.device)
        self._rows = [self._rows[i] for i in keep]
        mask = self._mask.index_select(0, index)
        start = int((mask.sum(0) > 0).nonzero()[0])  # columns that only dropped rows used
        self._mask = mask[:, start:]
        for layer in self._cache.layers:
            layer.keys = layer.keys.index_select(0, index)[:, :, start:]
            layer.values = layer.values.index_select(0, index)[:, :, start:]
        self._pos = self._pos.index_select(0, index)
        self._last = self._last.index_select(0, index)

    def _step(self) -> None:
        """One decode step for every running row (their last sampled token in, next logits out)."""
        tokens = torch.tensor([r.next_token for r in self._rows], device=self.device)[:, None]
        self._mask = torch.cat([self._mask, self._mask.new_ones((len(self._rows), 1))], dim=1)
        self._pos = self._pos + 1
        self.bank.set_rows([r.slot for r in self._rows], self.device)
        if self.fast is not None:
            self._last = self.fast.step(tokens[:, 0], self._pos, self._mask, self._cache, self.bank.rows.slots)
        else:
            out = self.model(input_ids=tokens, attention_mask=self._mask, position_ids=self._pos[:, None],
                             past_key_values=self._cache, use_cache=True)
            self._last = out.logits[:, -1].float()
        self.steps += 1
        self._emit()
