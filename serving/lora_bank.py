"""Many students' LoRA adapters applied in one batch: gathered per-row deltas.

PEFT's mixed-adapter batches (``adapter_names=[...]``) split the batch by
adapter and run each group's LoRA separately, in a Python loop per layer.
Here every adapter lives in a *slot* of one bank per target layer:

    At[slot] : (in, rank)     Bt[slot] : (rank, out), pre-multiplied by alpha/rank

and a forward pass gathers each row's A and B by its slot index and applies
them with two batched matmuls, whatever mix of students the batch holds:

    y = W x + bmm(bmm(x, At[slots]), Bt[slots])

Slot 0 is all zeros: a row there gets the base model (a student with no
approved adapter). Adapters of a lower rank than the bank are zero-padded
(exact: the padded rank components contribute nothing); a higher rank grows
the bank. Adapters are read from PEFT's saved format (adapter_config.json +
adapter_model.safetensors), so what the pipeline trains is what is served.

Only the scheduler thread of the engine mutates the bank or sets the row
slots; the loader threads prepare CPU tensors (``read_adapter``).
"""

from __future__ import annotations

import json
import math
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import torch
from torch import nn


class UnsupportedAdapter(ValueError):
    """An adapter the bank cannot apply (e.g. DoRA, or a layer the model does not have)."""


@dataclass
class AdapterWeights:
    """One adapter read from disk: per layer path, (A (r, in), B (out, r) already scaled)."""

    rank: int
    layers: dict[str, tuple[torch.Tensor, torch.Tensor]]

    @property
    def nbytes(self) -> int:
        return sum(a.numel() * a.element_size() + b.numel() * b.element_size() for a, b in self.layers.values())


def read_adapter(path: Path) -> AdapterWeights:
    """Read a PEFT LoRA adapter directory into per-layer (A, scaled B) tensors on the CPU."""
    from safetensors.torch import load_file

    config = json.loads((path / "adapter_config.json").read_text())
    if config.get("use_dora"):
        raise UnsupportedAdapter("DoRA adapters are not supported by the gathered LoRA bank")
    rank = int(config["r"])
    alpha = float(config.get("lora_alpha", rank))
    scale = alpha / math.sqrt(rank) if config.get("use_rslora") else alpha / rank
    tensors = load_file(str(path / "adapter_model.safetensors"))
    layers: dict[str, tuple[torch.Tensor, torch.Tensor]] = {}
    for key, a in tensors.items():
        if not key.endswith(".lora_A.weight"):
            continue
        name = key[: -len(".lora_A.weight")].removeprefix("base_model.model.")
        b = tensors.get(key.replace(".lora_A.weight", ".lora_B.weight"))
        if b is None:
            raise UnsupportedAdapter(f"adapter has lora_A but no lora_B for {name}")
        layers[name] = (a.float(), b.float() * scale)
    if not layers:
        raise UnsupportedAdapter(f"no LoRA weights in {path}")
    weights = AdapterWeights(rank=rank, layers=layers)
    check_finite(weights)
    return weights


def check_finite(weights: AdapterWeights) -> None:
    """Raise UnsupportedAdapter when a weight is NaN or inf (a broken file or a diverged training run)."""
    for name, (a, b) in weights.layers.items():
        if not (bool(torch.isfinite(a).all()) and bool(torch.isfinite(b).all())):
            raise UnsupportedAdapter(f"adapter layer {name} has NaN or inf weights")


class _RowSlots:
    """The slot index of every row of the batch being run (set by the engine before a forward)."""

    def __init__(self):
        self.slots: torch.Tensor | None = None  # (batch,) long, on the model's device
        self.any_adapter = False
        self.same: int | None = None  # the one slot every row uses, when they all use the same
        self.key: tuple | None = None  # (slots, device) of the last set_rows
        self.version = 0  # bumped when the rows or a slot's weights change: layers re-gather then


class GatheredLoRALinear(nn.Module):
    """A Linear layer plus the per-row LoRA delta of its bank.

    The bank is stored pre-transposed, ``At (slots, in, rank)`` and ``Bt (slots, rank, out)``, so a
    forward is two batched matmuls (the second fused with the add) on per-row weights gathered once
    per change of rows, not once per forward: per-op overhead, not FLOPs, is what a decode step of
    a small model pays for (on the CPU and as kernel launches on a GPU).
    """

    def __init__(self, base: nn.Linear, slots: int, rank: int, rows: _RowSlots):
        super().__init__()
        self.base = base
        self.rows = rows
        w = base.weight
        self.At = torch.zeros(slots, base.in_features, rank, dtype=w.dtype, device=w.device)
        self.Bt = torch.zeros(slots, rank, base.out_features, dtype=w.dtype, device=w.device)
        self._gathered: tuple[int, torch.Tensor, torch.Tensor] | None = None

    @property
    def in_features(self) -> int:
        return self.base.in_features

    @property
    def out_features(self) -> int:
        return self.base.out_features

    def _weights(self) -> tuple[torch.Tensor, torch.Tensor]:
        rows = self.rows
        cached = self._gathered
        if cached is not None and cached[0] == rows.version:
            return cached[1], cached[2]
        if rows.same is not None:  # one slot for all rows: a view, broadcast over the batch
            a, b = self.At[rows.same], self.Bt[rows.same]
        else:
            a, b = self.At.index_select(0, rows.slots), self.Bt.index_select(0, rows.slots)
        self._gathered = (rows.version, a, b)
        return a, b

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.base(x)
        rows = self.rows
        if not rows.any_adapter or rows.slots is None or x.dim() != 3:
            return y
        a, b = self._weights()
        if a.dim() == 2:  # every row on the same adapter
            return torch.addmm(y.reshape(-1, y.shape[-1]), x.reshape(-1, x.shape[-1]) @ a, b).view_as(y)
        return torch.baddbmm(y, torch.bmm(x, a), b)

    def grow(self, rank: int) -> None:
        extra = rank - self.At.shape[2]
        if extra > 0:
            self.At = torch.cat([self.At, self.At.new_zeros(self.At.shape[0], self.At.shape[1], extra)], dim=2)
            self.Bt = torch.cat([self.Bt, self.Bt.new_zeros(self.Bt.shape[0], extra, self.Bt.shape[2])], dim=1)
            self._gathered = None


class LoraBank:
    """Slots of adapters inside one model; layers are wrapped the first time an adapter targets them."""

    def __init__(self, model: nn.Module, slots: int, rank: int = 8):
        if slots < 2:
            raise ValueError("a LoRA bank needs at least 2 slots (slot 0 is the base model)")
        self.model = model
        self.slots = slots
        self.rank = rank
        self.rows = _RowSlots()
        self.layers: dict[str, GatheredLoRALinear] = {}
        self._in_slot: dict[int, set[str]] = {}  # slot -> layer names it wrote (for clearing)
        self.layout = 0  # bumped by every write (wrapped layers, grown ranks): users of At/Bt pointers re-read

    def _layer(self, name: str) -> GatheredLoRALinear:
        layer = self.layers.get(name)
        if layer is not None:
            return layer
        try:
            module = self.model.get_submodule(name)
        except AttributeError as exc:
            raise UnsupportedAdapter(f"the served model has no layer {name}") from exc
        if not isinstance(module, nn.Linear):
            raise UnsupportedAdapter(f"layer {name} is a {type(module).__name__}, not a Linear layer")
        parent_name, _, child = name.rpartition(".")
        wrapped = GatheredLoRALinear(module, self.slots, self.rank, self.rows)
        setattr(self.model.get_submodule(parent_name) if parent_name else self.model, child, wrapped)
        self.layers[name] = wrapped
        return wrapped

    def bytes_per_slot(self, weights: AdapterWeights) -> int:
        """Memory one slot of these layers takes at the bank's rank and dtype."""
        total = 0
        for name in weights.layers:
            layer = self.layers.get(name)
            if layer is None:
                mod = self.model.get_submodule(name)
                total += self.rank * (mod.in_features + mod.out_features) * mod.weight.element_size()
            else:
                total += layer.At[0].numel() * layer.At.element_size() + layer.Bt[0].numel() * layer.Bt.element_size()
        return total

    def check(self, weights: AdapterWeights) -> None:
        """Raise UnsupportedAdapter when these weights cannot go into this model (shapes, names, NaN/inf)."""
        check_finite(weights)
        for name, (a, b) in weights.layers.items():
            try:
                mod = self.model.get_submodule(name)
            except AttributeError as exc:
                raise UnsupportedAdapter(f"the served model has no layer {name}") from exc
            base = mod.base if isinstance(mod, GatheredLoRALinear) else mod
            if a.shape[1] != base.in_features or b.shape[0] != base.out_features:
                raise UnsupportedAdapter(f"adapter layer {name} has shape {tuple(a.shape)}/{tuple(b.shape)}, "
                                         f"the model's is ({base.in_features} in, {base.out_features} out)")

    def write(self, slot: int, weights: AdapterWeights) -> None:
        """Put an adapter into a slot (clears what the slot held before). A write that fails leaves the
        slot all zeros (never half of one adapter, which a later adapter in that slot would inherit)."""
        if not 1 <= slot < self.slots:
            raise ValueError(f"slot must be 1..{self.slots - 1}, got {slot}")
        self.check(weights)
        self.clear(slot)
        try:
            if weights.rank > self.rank:
                for layer in self.layers.values():
                    layer.grow(weights.rank)
                self.rank = weights.rank
            self._in_slot[slot] = set()
            for name, (a, b) in weights.layers.items():
                layer = self._layer(name)
                self._in_slot[slot].add(name)
                r = a.shape[0]
                layer.At[slot, :, :r].copy_(a.t())
                layer.Bt[slot, :r].copy_(b.t())
        except BaseException:
            self.clear(slot)
            raise
        finally:
            self.rows.version += 1
            self.layout += 1  # layers may have been wrapped or grown (new At/Bt tensors): re-read pointers

    def clear(self, slot: int) -> None:
        for name in self._in_slot.pop(slot, ()):
            self.layers[name].At[slot].zero_()
            self.layers[name].Bt[slot].zero_()
        self.rows.version += 1

    def set_rows(self, slots: list[int], device: torch.device) -> None:
        """Which slot each row of the next forward uses (unchanged rows keep the layers' gathered weights)."""
        rows = self.rows
        key = (tuple(slots), str(device))
        if rows.slots is not None and rows.key == key:
            return
        rows.key = key
        rows.slots = torch.tensor(slots, dtype=torch.long, device=device)
        rows.any_adapter = any(s != 0 for s in slots)
        rows.same = slots[0] if len(set(slots)) == 1 else None
        rows.version += 1


class SlotTable:
    """Which adapter is in which bank slot, by (student, version): LRU by bytes and count, a slot pinned
    while running rows use it (the engine's scheduler thread is its only user)."""

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
