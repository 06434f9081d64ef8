"""Newcomers joining the engine's running batch: a bank slot each, then their prefill (serving/engine.py).

``JoinsNewcomers`` is the part of ``Engine`` that runs between two decode steps, in the scheduler thread:
``_admit`` takes ready requests while the batch has room (a row each, pinned to its adapter's bank slot),
and ``_join`` prefills them and merges them into the batch (a long prompt a chunk per step:
``_prefill_chunks``): a row whose prompt starts with a prompt its
adapter saw before from that KV plus its new tokens (serving/prefix_cache.py), the others together; then
every prompt's KV is kept, and a finished row's prompt-and-answer KV (``_remember_answer``) replaces it:
the next turn resends both.
"""

from __future__ import annotations

import logging
import time

from serving import sampling
from serving.adapters import Choice
from serving.batch import Row, prefill, prefill_ids
from serving.lora_bank import AdapterWeights, UnsupportedAdapter
from serving.prefix_cache import Entry, prefill_cached, row_kv
from serving.streams import Finished, Stream

log = logging.getLogger("aivo.serving.engine")

_WAIT = object()  # _admit_one: every bank slot is pinned by a running row


class JoinsNewcomers:
    """Admission and prefill of ``Engine`` (its attributes: slots, batch, prefix, model, bank, ...)."""

    def _admit(self) -> None:
        newcomers: list[Row] = []
        waiting: list = []
        while len(self.batch.rows) + len(self._prefilling) + len(newcomers) < self.max_batch:
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
        resumed = self._prefill_chunks() if self._prefilling else []
        if newcomers or resumed:
            self._join(newcomers, resumed)

    def _prefill_chunks(self) -> list[tuple]:
        """About ``prefill_chunk`` tokens of the long prompts being prefilled, oldest first, between two decode
        steps (the running streams keep their pace); the rows whose rest fits one chunk, as (row, (entry,
        tokens done)) for ``_join``. A row cancelled meanwhile ends; one whose chunk fails ends with the error."""
        budget, last = self.prefill_chunk, []
        for item in list(self._prefilling):
            if budget <= 0:
                break
            row, entry, done = item
            prompt = row.stream.request.prompt_ids
            if row.stream.cancelled.is_set():
                self._prefilling.remove(item)
                self._finish(row, "cancelled")
                continue
            if len(prompt) - done <= self.prefill_chunk:
                self._prefilling.remove(item)
                last.append((row, (entry, done)))
                budget -= len(prompt) - done
                continue
            end = done + self.prefill_chunk
            try:
                if entry is None:
                    cache = prefill_ids(self.model, [prompt[:end]], [row.slot], self.tok.pad_token_id, self.bank,
                                        self.device)[0]
                else:
                    cache = prefill_cached(self.model, [(prompt[:end], entry, done, row.slot)],
                                           self.tok.pad_token_id, self.bank, self.device)[0]
                item[1], item[2] = Entry(tuple(prompt[:end]), *row_kv(cache, 0, end)), end
                self.prefill_chunks += 1
            except Exception as exc:  # noqa: BLE001 - this row alone
                log.exception("prefilling a chunk failed")
                self._prefilling.remove(item)
                self._finish(row, "error", f"prefill failed: {type(exc).__name__}: {exc}")
            budget -= self.prefill_chunk
        return last

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
        self.slots.pin(slot)
        stream.choice = choice
        stream.put(("start", choice))
        return Row(stream, choice, slot, gen)

    def _join(self, rows: list[Row], resumed: list[tuple] = ()) -> None:
        """Prefill the newcomers and add them to the batch: a row whose prompt starts with a cached prompt of
        its adapter from that KV plus its new tokens (serving/prefix_cache.py), the others together. When
        that prefill fails, each is prefilled alone, so only a row whose own prefill fails ends (with the
        error). Every prompt prefilled is remembered for the next turn. A prompt with more than ``prefill_chunk``
        new tokens is prefilled a chunk per step instead (``_prefill_chunks``) and joins with its last one
        (``resumed``)."""
        parts, full, hits = [], [], list(resumed)
        for row in rows:
            prompt = row.stream.request.prompt_ids
            found = self.prefix.lookup(row.choice.key, prompt) if self.prefix.max_bytes else None
            done = found[1] if found is not None else 0
            if self.prefill_chunk and len(prompt) - done > self.prefill_chunk:
                self._prefilling.append([row, found[0] if found is not None else None, done])
            elif found is None:
                full.append(row)
            else:
                hits.append((row, found))
        if hits:
            try:
                parts.append(([row for row, _ in hits], prefill_cached(
                    self.model, [(row.stream.request.prompt_ids, *found, row.slot) for row, found in hits],
                    self.tok.pad_token_id, self.bank, self.device)))
            except Exception:  # noqa: BLE001 - the full prefill below is the answer
                log.exception("prefill from the prefix cache failed; prefilling the whole prompts")
                full += [row for row, _ in hits]
        if full:
            parts += self._prefill_parts(full)
        self._remember(parts)
        start = len(self.batch.rows)
        try:
            for part, out in parts:
                self.batch.merge(part, *out)
        except Exception:  # the batch's state is broken: _loop ends the running rows, these end here
            for row in rows:
                if not any(row is r for r in self.batch.rows):
                    self._finish(row, "error", "the batch could not be extended")
            raise
        self._emit(list(range(start, len(self.batch.rows))))

    def _prefill_parts(self, rows: list[Row]) -> list[tuple]:
        """[(rows, prefill output)]: the rows together, or each alone when that fails (a row whose own
        prefill fails ends with the error)."""
        try:
            return [(rows, self._prefill(rows))]
        except Exception as exc:  # noqa: BLE001 - find the row(s) it was
            if len(rows) == 1:
                log.exception("prefill failed")
                self._finish(rows[0], "error", f"prefill failed: {type(exc).__name__}: {exc}")
                return []
            log.warning("prefill of %d requests failed (%s: %s): prefilling each alone", len(rows),
                        type(exc).__name__, exc)
        parts = []
        for row in rows:
            try:
                parts.append(([row], self._prefill([row])))
            except Exception as exc1:  # noqa: BLE001
                log.exception("prefill failed")
                self._finish(row, "error", f"prefill failed: {type(exc1).__name__}: {exc1}")
        return parts

    def _prefill(self, rows: list[Row]) -> tuple:
        return prefill(self.model, rows, self.tok.pad_token_id, self.bank, self.device)

    def _remember_answer(self, row: Row) -> None:
        """A finished row's KV (its prompt and the answer it generated, as far as fed to the model) into the
        prefix cache: the next turn resends both (never fails a request)."""
        if not self.prefix.max_bytes:
            return
        try:
            i = next(k for k, r in enumerate(self.batch.rows) if r is row)
            length = int(self.batch.mask[i].sum())  # columns with KV: the prompt and every token fed since
            ids = (list(row.stream.request.prompt_ids) + row.ids)[:length]
            self.prefix.store(row.choice.key, ids, *row_kv(self.batch.cache, i, length))
        except Exception:  # noqa: BLE001 - a miss next time, not an error now
            log.exception("keeping an answer's KV failed")

    def _remember(self, parts: list[tuple]) -> None:
        """Each prefilled prompt's KV into the prefix cache (never fails a request)."""
        if not self.prefix.max_bytes:
            return
        try:
            for rows, (cache, *_rest) in parts:
                for i, row in enumerate(rows):
                    prompt = row.stream.request.prompt_ids
                    self.prefix.store(row.choice.key, prompt, *row_kv(cache, i, len(prompt)))
        except Exception:  # noqa: BLE001 - a cache that cannot keep it is a miss next time, not an error now
            log.exception("keeping a prompt's KV failed")
