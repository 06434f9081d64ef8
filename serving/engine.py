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
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
import time
from collections import OrderedDict, deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import torch
from transformers import DynamicCache

from brain.models import LoadedModel
from serving.adapters import AdapterResolver, Choice
from serving.fastdecode import FastDecoder
from serving.kernels import fuse_norms, pack_linears, release_openmp_pool
from serving.lora_bank import AdapterWeights, LoraBank, UnsupportedAdapter

log = logging.getLogger("aivo.serving.engine")


@dataclass
class EngineRequest:
    prompt_ids: list[int]
    max_tokens: int
    temperature: float = 0.0
    top_p: float = 0.95
    seed: int | None = None
    student_id: str | None = None  # whose adapter; None = the base model
    use_adapter: bool = True  # False: the base model even when the student has an adapter
    ignore_eos: bool = False  # benchmarks: always generate max_tokens


@dataclass
class Finished:
    finish_reason: str  # "stop" | "length" | "cancelled" | "error"
    prompt_tokens: int
    completion_tokens: int
    text: str
    ttft_s: float | None
    seconds: float
    error: str | None = None


class Stream:
    """The events of one request: ("start", Choice), ("text", str)..., then ("end", Finished).

    Readable from a thread (``events()``, ``result()``) or from asyncio (``aevents()``)
    when made with ``loop``.
    """

    def __init__(self, request: EngineRequest, loop: asyncio.AbstractEventLoop | None = None):
        self.request = request
        self.loop = loop
        self._q: queue.Queue | asyncio.Queue = asyncio.Queue() if loop is not None else queue.Queue()
        self.cancelled = threading.Event()
        self.submitted = time.perf_counter()
        self.choice: Choice | None = None

    def cancel(self) -> None:
        """Stop generating for this request (the client went away); its row leaves the batch next step."""
        self.cancelled.set()

    def _put(self, event: tuple) -> None:
        if self.loop is not None:
            try:
                self.loop.call_soon_threadsafe(self._q.put_nowait, event)
            except RuntimeError:  # the loop is closed: nobody is listening
                self.cancelled.set()
        else:
            self._q.put(event)

    def events(self, timeout: float | None = None):
        while True:
            event = self._q.get(timeout=timeout)
            yield event
            if event[0] == "end":
                return

    async def aevents(self):
        while True:
            event = await self._q.get()
            yield event
            if event[0] == "end":
                return

    def result(self, timeout: float | None = None) -> tuple[Choice | None, Finished]:
        choice = None
        for kind, value in self.events(timeout):
            if kind == "start":
                choice = value
            elif kind == "end":
                return choice, value
        raise RuntimeError("stream ended without a result")  # pragma: no cover


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


class _Slots:
    """Bank slots by (student, version): LRU by bytes, pinned while rows use them."""

    def __init__(self, count: int, max_bytes: int):
        self.count, self.max_bytes = count, max_bytes
        self.by_key: OrderedDict[tuple[str, str], int] = OrderedDict()
        self.bytes: dict[int, int] = {}
        self.pins: dict[int, int] = {}
        self.hits = self.misses = self.evictions = 0

    def used_bytes(self) -> int:
        return sum(self.bytes.values())

    def lookup(self, key) -> int | None:
        slot = self.by_key.get(key)
        if slot is not None:
            self.by_key.move_to_end(key)
        return slot

    def allocate(self, nbytes: int) -> tuple[int | None, list[tuple]]:
        """A free slot for an adapter of nbytes (evicting unpinned LRU ones), or None when all are pinned."""
        evicted = []
        free = [s for s in range(1, self.count) if s not in self.bytes]
        while (not free or self.used_bytes() + nbytes > self.max_bytes) and self.by_key:
            victim = next((k for k, s in self.by_key.items() if not self.pins.get(s)), None)
            if victim is None:
                break
            slot = self.by_key.pop(victim)
            self.bytes.pop(slot)
            evicted.append(victim)
            self.evictions += 1
            free.append(slot)
        if not free:
            return None, evicted
        return free[0], evicted

    def drop(self, key) -> int | None:
        slot = self.by_key.pop(key, None)
        if slot is not None:
            self.bytes.pop(slot, None)
        return slot


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
        self.slot_table = _Slots(slots, cache_bytes)
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
        self._running = False
        self._thread: threading.Thread | None = None
        self.steps = 0
        self.tokens_out = 0
        self.cold_loads: list[float] = []  # seconds to fetch + read an adapter (S3 or disk)

    # -- public -------------------------------------------------------------------
    def start(self) -> "Engine":
        if not self._running:
            if self.device.type == "cpu":
                release_openmp_pool()  # this thread's OpenMP workers would slow the engine thread's (kernels.py)
            self._running = True
            self._thread = threading.Thread(target=self._loop, name="aivo-engine", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        self._running = False
        with self._wake:
            self._wake.notify_all()
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._loader.shutdown(wait=False, cancel_futures=True)

    def submit(self, request: EngineRequest, loop: asyncio.AbstractEventLoop | None = None) -> Stream:
        if not request.prompt_ids:
            raise ValueError("empty prompt")
        if len(request.prompt_ids) + request.max_tokens > self.max_context:
            raise ValueError(f"prompt of {len(request.prompt_ids)} tokens + max_tokens {request.max_tokens} is "
                             f"over the context of {self.max_context} tokens")
        stream = Stream(request, loop)
        self._loader.submit(self._prepare, stream)
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
            "running": len(self._rows), "max_batch": self.max_batch, "steps": self.steps,
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
            log.exception("preparing a request for student %s failed", req.student_id)
            stream._put(("end", Finished("error", len(req.prompt_ids), 0, "", None,
                                         time.perf_counter() - stream.submitted, f"{type(exc).__name__}: {exc}")))
            return
        with self._wake:
            self._ready.append((stream, choice, weights))
            self._wake.notify_all()

    # -- scheduler thread ------------------------------------------------------------
    def _loop(self) -> None:
        torch.set_grad_enabled(False)
        while self._running:
            try:
                with self._wake:
                    if not self._rows and not self._ready and not self._forget:
                        self._wake.wait(timeout=0.5)
                        continue
                self._apply_forget()
                self._admit()
                if self._rows:
                    self._step()
            except Exception as exc:  # noqa: BLE001 - fail the running rows, keep serving
                log.exception("engine step failed")
                for row in self._rows:
                    self._finish(row, "error", f"{type(exc).__name__}: {exc}")
                self._rows, self._cache = [], None

    def _apply_forget(self) -> None:
        with self._wake:
            students, self._forget[:] = list(self._forget), []
        for student in students:
            for key in [k for k in self.slot_table.by_key if k[0] == student]:
                slot = self.slot_table.by_key[key]
                if not self.slot_table.pins.get(slot):
                    self.slot_table.drop(key)
                    self.bank.clear(slot)

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
            log.info("adapter cache: evicted %s v%s", *key)
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
                stream, choice, weights = self._ready.popleft()
            if stream.cancelled.is_set():
                self._end(stream, Finished("cancelled", len(stream.request.prompt_ids), 0, "", None,
                                           time.perf_counter() - stream.submitted))
                continue
            try:
                slot = self._slot_for(choice, weights)
            except UnsupportedAdapter as exc:
                choice, slot = Choice(None, None, f"base model: adapter v{choice.version} cannot be served "
                                                  f"({exc})"), 0
            if slot is None:  # evicted between prepare and admit: fetch again
                self._loader.submit(self._prepare, stream)
                continue
            if slot < 0:
                waiting.append((stream, choice, weights))
                break
            self.slot_table.pins[slot] = self.slot_table.pins.get(slot, 0) + 1
            req = stream.request
            gen = None
            if req.temperature > 0 and req.seed is not None:
                gen = torch.Generator(device=self.device).manual_seed(req.seed)
            stream.choice = choice
            stream._put(("start", choice))
            newcomers.append(_Row(stream, choice, slot, gen))
        if waiting:
            with self._wake:
                self._ready.extendleft(reversed(waiting))
        if newcomers:
            try:
                self._prefill(newcomers)
            except Exception as exc:  # their streams end with the error (the running rows: in _loop)
                for row in newcomers:
                    if not any(row is r for r in self._rows):
                        self._finish(row, "error", f"{type(exc).__name__}: {exc}")
                raise

    def _prefill(self, rows: list[_Row]) -> None:
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
        logits = out.logits[:, -1].float()
        self._merge(rows, cache, mask, pos[:, -1], logits)
        self._emit(list(range(len(self._rows) - len(rows), len(self._rows))))

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

    def _sample(self, indices: list[int]) -> dict[int, int]:
        logits = self._last
        greedy = logits.argmax(-1).tolist()
        tokens = {}
        for i in indices:
            row = self._rows[i]
            req = row.stream.request
            if req.temperature <= 0:
                tokens[i] = greedy[i]
                continue
            probs = torch.softmax(logits[i] / req.temperature, -1)
            if req.top_p < 1.0:
                sorted_p, order = probs.sort(descending=True)
                keep = sorted_p.cumsum(-1) - sorted_p < req.top_p
                probs = torch.zeros_like(probs).scatter(0, order[keep], sorted_p[keep])
            tokens[i] = int(torch.multinomial(probs, 1, generator=row.generator)[0])
        return tokens

    def _emit(self, indices: list[int] | None = None) -> None:
        """Sample the next token of each row (all rows, or ``indices``) and hand out new text."""
        if indices is None:
            indices = list(range(len(self._rows)))
        tokens = self._sample(indices)
        done: list[int] = []
        now = time.perf_counter()
        for i in indices:
            row = self._rows[i]
            token = row.next_token = tokens[i]
            req = row.stream.request
            if row.stream.cancelled.is_set():
                done.append(i)
                self._finish(row, "cancelled")
                continue
            if token in self.stop_ids and not req.ignore_eos:
                done.append(i)
                self._finish(row, "stop")
                continue
            row.ids.append(token)
            self.tokens_out += 1
            if row.first_token_at is None:
                row.first_token_at = now
            text = self.tok.decode(row.ids, skip_special_tokens=True)
            if not text.endswith("\ufffd"):
                delta = text[len(row.text):] if text.startswith(row.text) else text
                if delta:
                    row.stream._put(("text", delta))
                row.text = text
            if len(row.ids) >= req.max_tokens:
                done.append(i)
                self._finish(row, "length")
        if done:
            self._drop(done)

    def _finish(self, row: _Row, reason: str, error: str | None = None) -> None:
        req = row.stream.request
        text = self.tok.decode(row.ids, skip_special_tokens=True)
        if text != row.text and text.startswith(row.text) and text[len(row.text):]:
            row.stream._put(("text", text[len(row.text):]))
        ttft = row.first_token_at - row.stream.submitted if row.first_token_at else None
        if row.slot:
            self.slot_table.pins[row.slot] -= 1
        self._end(row.stream, Finished(reason, len(req.prompt_ids), len(row.ids), text.strip(), ttft,
                                       time.perf_counter() - row.stream.submitted, error))

    @staticmethod
    def _end(stream: Stream, finished: Finished) -> None:
        stream._put(("end", finished))

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
