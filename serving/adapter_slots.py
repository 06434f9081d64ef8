"""The engine's adapters: which one a request gets, which bank slot holds it, and forgetting a student.

    choice, weights = slots.choose(resolver, request)   # loader threads: resolve, fetch a cold adapter
    slot = slots.slot_for(choice, weights)              # scheduler thread: 0 base, -1 wait, None fetch again
    slots.pin(slot) ... slots.unpin(slot)               # while a row runs on it
    slots.forget(["stu-1"])                             # deletion request

The LoRA bank (serving/lora_bank.py) holds the adapters row by row; its ``SlotTable`` keeps them
LRU by bytes, and a slot pinned by a running row is never evicted nor cleared: a forgotten
student's slot that a row still runs on is cleared once that row ends (``pending_forget``).
"""

from __future__ import annotations

import logging
import time

from brain.logs import student_field
from serving.adapters import AdapterResolver, Choice
from serving.lora_bank import AdapterWeights, LoraBank, SlotTable, UnsupportedAdapter
from serving.streams import EngineRequest

log = logging.getLogger("aivo.serving.engine")


class AdapterSlots:
    def __init__(self, bank: LoraBank, table: SlotTable):
        self.bank = bank
        self.table = table
        self.cold_loads: list[float] = []  # seconds to fetch + read an adapter (S3 or disk)
        self.pending_forget: set[str] = set()  # forgotten students whose slot a running row still held
        self.on_evict = lambda key: None  # told of each (student, version) evicted from the bank

    def choose(self, resolver: AdapterResolver | None, req: EngineRequest) -> tuple[Choice, AdapterWeights | None]:
        """The request's adapter, and its weights when it is not in the bank yet (may take a while)."""
        if resolver is None or req.student_id is None or not req.use_adapter:
            return Choice(None, None, "base model: requested without a student adapter"
                          if req.student_id is None or not req.use_adapter else "base model: no registry"), None
        choice = resolver.choose(req.student_id)
        weights = None
        if choice.key is not None and self.table.by_key.get(choice.key) is None:
            start = time.perf_counter()
            try:
                weights = resolver.weights(choice)
            except UnsupportedAdapter as exc:
                choice = Choice(None, None, f"base model: adapter v{choice.version} cannot be served ({exc})")
            self.cold_loads.append(time.perf_counter() - start)
            del self.cold_loads[:-1000]
        return choice, weights

    def slot_for(self, choice: Choice, weights: AdapterWeights | None) -> int | None:
        """The bank slot of ``choice`` (0: the base model), writing ``weights`` into a free one; None when
        the adapter was evicted since it was prepared (fetch it again), -1 when every slot is pinned."""
        if choice.key is None:
            return 0
        t = self.table
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
            self.on_evict(key)
        if slot is None:
            return -1  # every slot is in use by a running row: wait
        self.bank.write(slot, weights)
        t.by_key[choice.key] = slot
        t.bytes[slot] = size
        t.misses += 1
        return slot

    def pin(self, slot: int) -> None:
        self.table.pins[slot] = self.table.pins.get(slot, 0) + 1

    def unpin(self, slot: int) -> None:
        if slot and self.table.pins.get(slot):
            self.table.pins[slot] -= 1

    def forget(self, students: list[str]) -> None:
        """Drop the students' adapters from the bank; those a running row still uses (and earlier ones
        left pending) are tried again at the next call."""
        students = students + [s for s in self.pending_forget if s not in students]
        self.pending_forget.clear()
        pinned = set()
        for student in students:
            for key in [k for k in self.table.by_key if k[0] == student]:
                slot = self.table.by_key[key]
                if self.table.pins.get(slot):
                    pinned.add(student)  # a row still runs on it: cleared after that row ends
                else:
                    self.table.drop(key)
                    self.bank.clear(slot)
        self.pending_forget |= pinned  # tried again at every turn of the loop (not a reason to wake it)

    def stats(self) -> dict:
        t = self.table
        total = t.hits + t.misses
        loads = sorted(self.cold_loads)
        return {
            "adapters_loaded": len(t.by_key), "adapter_slots": t.count - 1, "cache_bytes": t.used_bytes(),
            "cache_max_bytes": t.max_bytes, "hits": t.hits, "misses": t.misses, "evictions": t.evictions,
            "hit_rate": round(t.hits / total, 3) if total else None,
            "cold_load_p50_ms": round(loads[len(loads) // 2] * 1000, 1) if loads else None,
        }
