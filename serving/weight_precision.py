"""The precision of the weights the native decode step reads (``AIVO_SERVING_WEIGHTS=auto|fp32|bf16|int8``).

A batch-1 decode step reads every weight once and does two flops with each, so its speed is the rate at
which weights stream from memory: fewer bytes per weight, faster steps (docs/serving.md, "Weight precision").

- ``fp32``: the model's own weights (4 bytes each).
- ``bf16``: each weight rounded to bfloat16, nearest-even (2 bytes); widened to float32 in registers.
- ``int8``: each run of ``INT8_GROUP`` (64) consecutive weights of an output row quantised symmetrically,
  ``scale = max|w| / 127``, ``q = round(w / scale)`` (1 byte, plus one float32 per 64 weights); widened to
  float32 in registers, each group's partial sum scaled once. One scale per row (the first int8 we served)
  let a row's largest weight set the step for all its others; per group of 64 the logits move 2.3x less from
  fp32's (KL per token 0.0019 vs 0.0045, benchmarks/results/precision.md) for about 9% of the step's speed
  (docs/serving.md, "Weight precision").

Weight-only: activations, norms, attention, the KV cache and every student's LoRA delta stay float32, so a
LoRA adapter is applied exactly as with fp32 weights. Prefill stays on the PyTorch model in fp32 (it is
compute-bound, and the prompt's KV is then the fp32 one). ``dequantize`` gives the float32 weight the
native step multiplies by; benchmarks/precision.py measures eval loss with it.

``auto`` (the setting's default) picks per CPU: int8 where the native step widens int8 with vector
instructions (AVX-512 or AVX2), else fp32 (without them a scalar widen costs more than the bytes it saves).
int8 meets the speed targets, the eval-loss bound and the tutoring bound (benchmarks/results/precision.md).
"""

from __future__ import annotations

import copy
import platform
from typing import get_args

import torch

from brain.models import cpu_flags
from brain.settings import WeightPrecision

CHOICES = get_args(WeightPrecision)
WTYPE = {"fp32": 0, "bf16": 1, "int8": 2}  # the codes of serving/csrc/decode.c's Lin.wtype
PRECISIONS = tuple(WTYPE)  # what the step can read (CHOICES less "auto")
INT8_GROUP = 64  # consecutive weights of a row that share one int8 scale (a multiple of 16, the widest vector)


def resolve(setting: str, flags: set[str] | None = None) -> str:
    """The precision ``setting`` means on this CPU (``auto`` resolved); ValueError on an unknown name."""
    name = (setting or "auto").strip().lower()
    if name not in CHOICES:
        raise ValueError(f"AIVO_SERVING_WEIGHTS must be one of {', '.join(CHOICES)}, not {setting!r}")
    if name != "auto":
        return name
    flags = cpu_flags() if flags is None else flags
    vector = platform.machine().lower() in ("x86_64", "amd64") and ({"avx512f", "avx512bw"} <= flags or
                                                                      {"avx2", "fma"} <= flags)
    return "int8" if vector else "fp32"


def quantize(weight: torch.Tensor, precision: str,
             group: int | None = None) -> tuple[torch.Tensor | None, torch.Tensor | None]:
    """(stored weight, scales) for the native step: (None, None) for fp32 (the weight is read as it is), (int16
    bits of bfloat16, None) for bf16, (int8, float32 scales (rows, ceil(cols / group))) for int8; ``group``:
    weights per scale, INT8_GROUP unless given (at least a row's width: one scale per row)."""
    w = weight.detach().float()
    if precision == "fp32":
        return None, None
    if precision == "bf16":
        return w.to(torch.bfloat16).view(torch.int16).contiguous(), None
    if precision == "int8":
        rows, cols = w.shape
        group = _int8_group(group, cols)
        groups = -(-cols // group)  # the last group is shorter when group does not divide cols
        padded = torch.nn.functional.pad(w, (0, groups * group - cols)).view(rows, groups, group)
        scale = padded.abs().amax(dim=2) / 127.0
        scale = torch.where(scale > 0, scale, torch.ones_like(scale))
        q = torch.round(padded / scale[:, :, None]).clamp_(-127, 127).to(torch.int8).view(rows, -1)[:, :cols]
        return q.contiguous(), scale.contiguous()
    raise ValueError(f"unknown weight precision {precision!r}")


def _int8_group(group: int | None, cols: int) -> int:
    return min(group or INT8_GROUP, cols)


def dequantize(weight: torch.Tensor, precision: str, group: int | None = None) -> torch.Tensor:
    """The float32 weight the native step multiplies by at ``precision`` (for quality measures and tests)."""
    q, scale = quantize(weight, precision, group)
    if q is None:
        return weight.detach().float().clone()
    if scale is None:
        return q.view(torch.bfloat16).float()
    cols = q.shape[1]
    return q.float() * scale.repeat_interleave(_int8_group(group, cols), dim=1)[:, :cols]


def on_grid(model: torch.nn.Module, precision: str, group: int | None = None) -> torch.nn.Module:
    """A copy of ``model`` whose Linear weights are the float32 values ``precision`` stores (untied from the
    input embedding, which stays float32 as in the native step): the PyTorch model the step equals."""
    out = copy.deepcopy(model)
    for mod in out.modules():
        if isinstance(mod, torch.nn.Linear):
            mod.weight = torch.nn.Parameter(dequantize(mod.weight, precision, group), requires_grad=False)
    return out


def stored_bytes(weight: torch.Tensor, precision: str) -> int:
    """Bytes the native step streams for this weight at ``precision``."""
    rows, cols = weight.shape
    scales = rows * -(-cols // _int8_group(None, cols)) * 4 if precision == "int8" else 0
    return rows * cols * {"fp32": 4, "bf16": 2, "int8": 1}[precision] + scales
