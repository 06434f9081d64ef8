"""Prompt KV cache: a returning student's next turn prefills only its new tokens.

Every prompt the engine prefills leaves its KV (keys and values of every layer, the prompt's columns only)
here, keyed by the adapter that computed it: (student, version), or None for the base. The adapter changes
K and V, so another student's or another version's KV is never reused; the brain version is the engine's
own (a new brain is a new engine, with an empty cache). A new request looks up the longest common prefix
of its prompt's token ids among its key's entries: a chat client resends the conversation, so the last
turn's prompt (system prompt, profile, earlier turns) is a prefix of this one; the first request of a
student shares at least the system prompt with the next. With ``MIN_REUSE`` tokens or more in common, the
row is prefilled from that KV plus its new tokens alone (``prefill_cached``, every such row of a step in
one call); its logits equal a full prefill's within float rounding, and greedy answers are the same
(tests/serving/test_prefix_cache.py).

Bounded by bytes (``AIVO_PREFIX_CACHE_BYTES``), least recently used first; ``ENTRIES_PER_KEY`` prompts per
adapter; an adapter evicted from the LoRA bank takes its entries with it, and forget-student drops all of
that student's. Only the engine's scheduler thread touches it.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

import torch
from transformers import DynamicCache

MIN_REUSE = 16  # tokens in common below which a full prefill is as cheap
ENTRIES_PER_KEY = 2  # the latest prompts per adapter (the conversation's last turn, and one more)


@dataclass
class Entry:
    ids: tuple[int, ...]
    keys: list[torch.Tensor]  # per layer (kv_heads, len(ids), head_dim)
    values: list[torch.Tensor]

    @property
    def nbytes(self) -> int:
        return sum(t.numel() * t.element_size() for t in (*self.keys, *self.values))


def common_prefix(a: tuple[int, ...], b: list[int]) -> int:
    n = min(len(a), len(b))
    i = 0
    while i < n and a[i] == b[i]:
        i += 1
    return i


class PrefixCache:
    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self._entries: OrderedDict[tuple, list[Entry]] = OrderedDict()  # key -> newest last; LRU over keys
        self.bytes = 0
        self.hits = self.misses = self.tokens_reused = self.evictions = 0

    def lookup(self, key, prompt_ids: list[int]) -> tuple[Entry, int] | None:
        """The entry sharing the longest prefix with ``prompt_ids`` and how many tokens to reuse (always at
        least one token left to prefill: its logits start the answer); None below ``MIN_REUSE``."""
        best, n = None, 0
        for entry in self._entries.get(key, ()):
            k = min(common_prefix(entry.ids, prompt_ids), len(prompt_ids) - 1)
            if k > n:
                best, n = entry, k
        if best is None or n < MIN_REUSE:
            self.misses += 1
            return None
        self._entries.move_to_end(key)
        self.hits += 1
        self.tokens_reused += n
        return best, n

    def store(self, key, prompt_ids: list[int], keys: list[torch.Tensor], values: list[torch.Tensor]) -> None:
        """Keep a prompt's KV (copied: the batch's tensors change in place as it decodes)."""
        if self.max_bytes <= 0:
            return
        entry = Entry(tuple(prompt_ids), [k.clone() for k in keys], [v.clone() for v in values])
        if entry.nbytes > self.max_bytes:
            return
        # an entry whose prompt is a prefix of this one (or the same) is covered by the new one
        entries = [e for e in self._entries.pop(key, []) if not _prefix_of(e.ids, entry.ids)]
        self._entries[key] = (entries + [entry])[-ENTRIES_PER_KEY:]  # (re-inserted: most recent)
        self._recount()
        while self.bytes > self.max_bytes:
            oldest = next(iter(self._entries))
            if oldest == key:  # this adapter alone is over the bound: its newest entry stays
                self._entries[key] = self._entries[key][-1:]
                self._recount()
                break
            self._entries.pop(oldest)
            self.evictions += 1
            self._recount()

    def _recount(self) -> None:
        self.bytes = sum(e.nbytes for entries in self._entries.values() for e in entries)

    def drop(self, key) -> None:
        """An adapter left the bank (or its version is gone): its KV goes too."""
        if self._entries.pop(key, None) is not None:
            self._recount()

    def forget(self, student_id: str) -> None:
        for key in [k for k in self._entries if k is not None and k[0] == student_id]:
            self._entries.pop(key)
        self._recount()

    def stats(self) -> dict:
        return {"prefix_cache_bytes": self.bytes, "prefix_cache_max_bytes": self.max_bytes,
                "prefix_cache_entries": sum(len(v) for v in self._entries.values()),
                "prefix_hits": self.hits, "prefix_misses": self.misses,
                "prefix_tokens_reused": self.tokens_reused, "prefix_evictions": self.evictions}


def _prefix_of(short: tuple[int, ...], long: tuple[int, ...]) -> bool:
    """``short`` is a prefix of ``long`` (its KV is contained in the new entry's)."""
    return len(short) <= len(long) and long[:len(short)] == short


def prefill_cached(model, hits: list[tuple[list[int], Entry, int, int]], pad_id: int | None, bank,
                   device) -> tuple:
    """Prefill rows from cached KV, together: ``hits`` = (prompt ids, entry, tokens reusable, bank slot) per
    row. The same (cache, mask, last positions, logits) as ``serving.batch.prefill`` gives for them.

    Every row computes the same number of new tokens ``S`` (the longest new part among them): a row with a
    shorter new part recomputes the last few tokens of its prefix too (reuses ``len(prompt) - S``), so each
    row's columns stay [left padding][cached prefix][S new tokens] with no gap, as the decode step expects.
    """
    steps = max(len(p) - n for p, _, n, _ in hits)
    reuse = [max(0, len(p) - steps) for p, _, _, _ in hits]
    width = max(reuse)
    pad = pad_id if pad_id is not None else 0
    rows = len(hits)
    ids = torch.full((rows, steps), pad, dtype=torch.long)
    mask = torch.zeros((rows, width + steps), dtype=torch.long)
    for i, ((prompt, _, _, _), n) in enumerate(zip(hits, reuse)):
        new = prompt[n:]
        ids[i, steps - len(new):] = torch.tensor(new)
        mask[i, width - n: width] = 1
        mask[i, width + steps - len(new):] = 1
    cache = DynamicCache(config=model.config)
    for layer in range(len(hits[0][1].keys)):
        k0 = hits[0][1].keys[layer]
        keys = k0.new_zeros((rows, k0.shape[0], width, k0.shape[2]))
        values = torch.zeros_like(keys)
        for i, ((_, entry, _, _), n) in enumerate(zip(hits, reuse)):
            if n:
                keys[i, :, width - n:] = entry.keys[layer][:, :n]
                values[i, :, width - n:] = entry.values[layer][:, :n]
        cache.update(keys.to(device), values.to(device), layer)
    ids, mask = ids.to(device), mask.to(device)
    pos = (mask.cumsum(-1) - 1).clamp(min=0)[:, width:]
    bank.set_rows([slot for _, _, _, slot in hits], device)
    out = model(input_ids=ids, attention_mask=mask, position_ids=pos, past_key_values=cache, use_cache=True,
                logits_to_keep=1)
    return cache, mask, pos[:, -1], out.logits[:, -1].float()


def row_kv(cache: DynamicCache, index: int, length: int) -> tuple[list[torch.Tensor], list[torch.Tensor]]:
    """Row ``index``'s KV over its last ``length`` columns (its prompt; prefill left-pads)."""
    keys = [layer.keys[index, :, -length:] for layer in cache.layers]
    values = [layer.values[index, :, -length:] for layer in cache.layers]
    return keys, values
