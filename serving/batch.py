"""The engine's running batch: its rows and their tensors (KV cache, attention mask, positions, logits).

    batch.merge(newcomers, *prefill(model, newcomers, pad_id, bank, device))
    ended, tokens = batch.emit(tok, stop_ids)     # each row's next token and new text
    batch.drop([i for i, *_ in ended]); batch.decode(model, fast, bank)

Rows are left-padded: a newcomer's prompt is prefilled apart and merged in by
left-padding whichever side is shorter; a row that ends leaves at once (its
cache rows go, and columns only it used). Only the engine's scheduler thread
(serving/engine.py) touches a batch.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

import torch
from transformers import DynamicCache

from brain.logs import student_field
from serving import sampling
from serving.adapters import Choice
from serving.fastdecode import FastDecoder
from serving.lora_bank import LoraBank
from serving.penalties import Seen
from serving.sampling import NonFiniteLogits
from serving.streams import Stream

log = logging.getLogger("aivo.serving.engine")


@dataclass
class Row:
    """One running request: its stream, adapter slot, sampler, penalties and what it generated so far."""

    stream: Stream
    choice: Choice
    slot: int
    generator: torch.Generator | None
    ids: list[int] = field(default_factory=list)
    text: str = ""
    first_token_at: float | None = None
    next_token: int = -1  # sampled, not yet fed to the model
    done: bool = False  # ended (its slot unpinned, its stream's end event sent)
    seen: Seen | None = None  # its repetition penalties' counts (serving/penalties.py); None: no penalty

    def __post_init__(self):
        self.seen = Seen.of(self.stream.request)

    def advance(self, logits: torch.Tensor, greedy: int | None, now: float, tok, stop_ids: set[int]) -> str | None:
        """One token (``greedy``: the argmax of ``logits``, None when they are not finite); the finish
        reason when the row is done."""
        req = self.stream.request
        if self.stream.cancelled.is_set():
            return "cancelled"
        if greedy is None:
            raise NonFiniteLogits("the model's logits for this request are not finite (NaN or inf)")
        if req.temperature > 0:
            token = sampling.sample(logits, req.temperature, req.top_p, self.generator)
        else:
            token = greedy
        self.next_token = token
        if token in stop_ids and not req.ignore_eos:
            return "stop"
        self.ids.append(token)
        if self.seen is not None:
            self.seen.add(token)
        if self.first_token_at is None:
            self.first_token_at = now
        text = tok.decode(self.ids, skip_special_tokens=True)
        if not text.endswith("\ufffd"):
            delta = text[len(self.text):] if text.startswith(self.text) else text
            if delta:
                self.stream.put(("text", delta))
            self.text = text
        return "length" if len(self.ids) >= req.max_tokens else None

    def flush(self, tok) -> str:
        """Send the text not sent yet (a held-back partial character) and return the whole answer."""
        text = self.text
        try:
            text = tok.decode(self.ids, skip_special_tokens=True)
            if text != self.text and text.startswith(self.text) and text[len(self.text):]:
                self.stream.put(("text", text[len(self.text):]))
        except Exception:  # noqa: BLE001 - the end event goes out whatever happens
            log.exception("decoding a finished answer failed")
        return text


def prefill(model, rows: list[Row], pad_id: int | None, bank: LoraBank, device: torch.device) -> tuple:
    """Run the rows' prompts (left-padded, each with its slot): (cache, mask, last positions, logits).
    Touches no state of the running batch."""
    return prefill_ids(model, [r.stream.request.prompt_ids for r in rows], [r.slot for r in rows], pad_id, bank,
                       device)


def prefill_ids(model, prompts: list[list[int]], slots: list[int], pad_id: int | None, bank: LoraBank,
                device: torch.device) -> tuple:
    """``prefill`` of token id lists (a long prompt's first chunk, serving/engine_join.py)."""
    width = max(len(p) for p in prompts)
    pad = pad_id if pad_id is not None else 0
    ids = torch.full((len(prompts), width), pad, dtype=torch.long)
    mask = torch.zeros((len(prompts), width), dtype=torch.long)
    for i, p in enumerate(prompts):
        ids[i, width - len(p):] = torch.tensor(p)
        mask[i, width - len(p):] = 1
    ids, mask = ids.to(device), mask.to(device)
    pos = (mask.cumsum(-1) - 1).clamp(min=0)
    cache = DynamicCache(config=model.config)
    bank.set_rows(slots, device)
    out = model(input_ids=ids, attention_mask=mask, position_ids=pos, past_key_values=cache,
                use_cache=True, logits_to_keep=1)
    return cache, mask, pos[:, -1], out.logits[:, -1].float()


class Batch:
    """The running rows and, row for row, their KV cache, attention mask, positions and last logits."""

    def __init__(self, device: torch.device):
        self.device = device
        self.rows: list[Row] = []
        self.cache: DynamicCache | None = None
        self.mask: torch.Tensor | None = None
        self.pos: torch.Tensor | None = None
        self.last: torch.Tensor | None = None  # logits of each row's last position

    def clear(self) -> list[Row]:
        """Forget every row and tensor (a KV cache that may be half-updated); the rows that were running."""
        rows = self.rows
        self.rows, self.cache, self.mask, self.pos, self.last = [], None, None, None, None
        return rows

    def merge(self, rows, cache: DynamicCache, mask: torch.Tensor, pos: torch.Tensor, logits: torch.Tensor):
        if not self.rows:
            self.rows, self.cache, self.mask, self.pos, self.last = list(rows), cache, mask, pos, logits
            return
        old_len, new_len = self.mask.shape[1], mask.shape[1]
        width = max(old_len, new_len)

        def left_pad(t: torch.Tensor, n: int, dim: int) -> torch.Tensor:
            if n == 0:
                return t
            shape = list(t.shape)
            shape[dim] = n
            return torch.cat([t.new_zeros(shape), t], dim=dim)

        for old, new in zip(self.cache.layers, cache.layers):
            old.keys = torch.cat([left_pad(old.keys, width - old_len, 2), left_pad(new.keys, width - new_len, 2)])
            old.values = torch.cat([left_pad(old.values, width - old_len, 2),
                                    left_pad(new.values, width - new_len, 2)])
        self.mask = torch.cat([left_pad(self.mask, width - old_len, 1), left_pad(mask, width - new_len, 1)])
        self.pos = torch.cat([self.pos, pos])
        self.last = torch.cat([self.last, logits])
        self.rows.extend(rows)

    def emit(self, tok, stop_ids: set[int], indices: list[int] | None = None
             ) -> tuple[list[tuple[int, str, str | None]], int]:
        """Sample the next token of each row (all rows, or ``indices``) and hand out new text:
        (index, finish reason, error) of the rows that ended, and how many tokens were generated. A row
        that fails here (non-finite logits, its sampler, ...) ends with the error; the others go on.

        A row's penalties change its own logits in place first: each row's logits are emitted once
        (newcomers' after their prefill, every row's after a decode step)."""
        if indices is None:
            indices = list(range(len(self.rows)))
        logits = self.last
        failed: dict[int, Exception] = {}
        for i in indices:
            seen = self.rows[i].seen
            if seen is not None:
                try:
                    seen.apply(logits[i])
                except Exception as exc:  # noqa: BLE001 - this row alone (below)
                    failed[i] = exc
        greedy = logits.argmax(-1).tolist()
        finite = torch.isfinite(logits).all(-1).tolist()
        ended: list[tuple[int, str, str | None]] = []
        tokens = 0
        now = time.perf_counter()
        for i in indices:
            row = self.rows[i]
            error = None
            before = len(row.ids)
            try:
                if i in failed:
                    raise failed[i]
                reason = row.advance(self.last[i], greedy[i] if finite[i] else None, now, tok, stop_ids)
            except Exception as exc:  # noqa: BLE001 - this row alone
                if isinstance(exc, NonFiniteLogits):
                    sid = row.stream.request.student_id
                    log.warning("request of student %s ended: %s", sid, exc, extra=student_field(sid))
                else:
                    log.exception("sampling a request's next token failed")
                reason, error = "error", f"{type(exc).__name__}: {exc}"
            tokens += len(row.ids) - before
            if reason is not None:
                ended.append((i, reason, error))
        return ended, tokens

    def drop(self, indices: list[int]) -> None:
        keep = [i for i in range(len(self.rows)) if i not in set(indices)]
        if not keep:
            self.clear()
            return
        index = torch.tensor(keep, device=self.device)
        self.rows = [self.rows[i] for i in keep]
        mask = self.mask.index_select(0, index)
        start = int((mask.sum(0) > 0).nonzero()[0])  # columns that only dropped rows used
        self.mask = mask[:, start:]
        for layer in self.cache.layers:
            layer.keys = layer.keys.index_select(0, index)[:, :, start:]
            layer.values = layer.values.index_select(0, index)[:, :, start:]
        self.pos = self.pos.index_select(0, index)
        self.last = self.last.index_select(0, index)

    def decode(self, model, fast: FastDecoder | None, bank: LoraBank) -> None:
        """One decode step for every row (their last sampled token in, next logits out): the native
        step (serving/fastdecode.py) when ``fast`` is given, else the PyTorch model's."""
        tokens = torch.tensor([r.next_token for r in self.rows], device=self.device)[:, None]
        self.mask = torch.cat([self.mask, self.mask.new_ones((len(self.rows), 1))], dim=1)
        self.pos = self.pos + 1
        bank.set_rows([r.slot for r in self.rows], self.device)
        if fast is not None:
            self.last = fast.step(tokens[:, 0], self.pos, self.mask, self.cache, bank.rows.slots)
        else:
            out = model(input_ids=tokens, attention_mask=self.mask, position_ids=self.pos[:, None],
                        past_key_values=self.cache, use_cache=True)
            self.last = out.logits[:, -1].float()
