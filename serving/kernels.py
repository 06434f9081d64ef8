"""CPU decode kernels: Linear layers with weights pre-packed for oneDNN.

Decoding one token reads every weight once and does little arithmetic with it, so its speed is
the speed at which the matrix-vector products stream weights from memory. On the 2-core
machines this runs on (benchmarks/results/serving.md), PyTorch's default fp32 ``F.linear``
(MKL) streams weights at about a third of the measured read bandwidth and gets slower per row
as the batch grows; the same product against a weight packed once into oneDNN's blocked layout
(``torch.ops.mkldnn._reorder_linear_weight`` / ``_linear_pointwise``, what ``torch.compile``'s
CPU freezing pass uses) streams faster and costs about the same at batch 8 as at batch 1, which
is what batching many students needs.

``pack_linears(model)`` swaps every ``nn.Linear`` of a model that only serves (no gradients)
for a ``PackedLinear``: a Linear that keeps its weight (tied embeddings stay tied, LoRA banks
still read ``in_features``/``out_features``) and adds the packed copy. The packed path is taken
on the CPU, for float32/bfloat16 inputs without gradients; anything else falls back to
``F.linear``, so the module stays correct if it is ever trained or moved. Results equal
``F.linear`` up to summation order (max abs difference about 1e-4 on SmolLM2 logits).

Disable with ``AIVO_SERVING_PACKED=off`` (then the stock Linear runs). Memory: the packed copy
doubles the resident weight bytes of the served model (538 MB more for SmolLM2-135M in fp32).
"""

from __future__ import annotations

import ctypes
import glob
import logging
import os

import torch
from torch import nn

log = logging.getLogger("aivo.serving.kernels")


def packed_enabled(device: torch.device, dtype: torch.dtype) -> bool:
    if os.environ.get("AIVO_SERVING_PACKED", "on").lower() in ("0", "off", "false", "no"):
        return False
    return (device.type == "cpu" and dtype in (torch.float32, torch.bfloat16)
            and torch.backends.mkldnn.is_available() and hasattr(torch.ops.mkldnn, "_linear_pointwise"))


class PackedLinear(nn.Linear):
    """An ``nn.Linear`` (same weight and bias objects) plus a oneDNN-packed copy of its weight."""

    def __init__(self, linear: nn.Linear, batch_hint: int = 1):  # noqa: D107 - no nn.Linear.__init__: keep the weight
        nn.Module.__init__(self)
        self.in_features, self.out_features = linear.in_features, linear.out_features
        self.weight = linear.weight
        self.bias = linear.bias
        with torch.no_grad():
            self.packed = torch.ops.mkldnn._reorder_linear_weight(linear.weight.detach(), batch_hint)
        self.packed_dtype = linear.weight.dtype

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        wants_grad = torch.is_grad_enabled() and (x.requires_grad or self.weight.requires_grad)
        if x.dtype == self.packed_dtype and x.device.type == "cpu" and not wants_grad:
            return torch.ops.mkldnn._linear_pointwise(x, self.packed, self.bias, "none", [], "")
        return nn.functional.linear(x, self.weight, self.bias)


def pack_linears(model: nn.Module) -> int:
    """Replace the model's Linear layers by PackedLinear in place when the packed path applies; how many."""
    try:
        param = next(model.parameters())
    except StopIteration:
        return 0
    if not packed_enabled(param.device, param.dtype):
        return 0
    swapped = 0
    for name, module in list(model.named_modules()):
        if type(module) is nn.Linear:
            parent, _, child = name.rpartition(".")
            setattr(model.get_submodule(parent) if parent else model, child, PackedLinear(module))
            swapped += 1
    log.info("packed %d Linear layers for oneDNN decode", swapped)
    return swapped


def release_openmp_pool() -> bool:
    """Give back the OpenMP worker threads of the calling thread (``omp_pause_resource_all``, soft).

    GNU OpenMP keeps a pool of worker threads for every thread that ran a parallel region. The
    engine decodes in its own thread; if the thread that loaded the model (a process's main
    thread, say) keeps its pool, there are more OpenMP threads than cores, libgomp stops spinning
    between parallel regions and every one of the ~200 small matrix-vector products of a decode
    step waits for a futex wake-up: measured on 2 cores, a batch-1 step took 64-74 ms instead of
    52-53 ms. Called by ``Engine.start`` from the thread that built the engine; a pool is made
    again on demand if that thread computes later. Returns whether a pool was released.
    """
    libs = glob.glob(os.path.join(os.path.dirname(torch.__file__), "lib", "libgomp*.so*")) or ["libgomp.so.1"]
    for name in libs:
        try:
            fn = ctypes.CDLL(name).omp_pause_resource_all
        except (OSError, AttributeError):
            continue
        fn.argtypes, fn.restype = [ctypes.c_int], ctypes.c_int
        return fn(1) == 0  # omp_pause_soft
    return False


class FusedRMSNorm(nn.Module):
    """An RMSNorm (Llama/T5 style: fp32 statistics, ``weight * normed``) as one ``F.rms_norm`` call.

    The stock module runs seven elementwise ops; a decode step of a 30-layer model has 61 norms,
    so this removes about 370 ops a step (kernel launches on a GPU). Same weight object.
    """

    def __init__(self, norm: nn.Module):
        super().__init__()
        self.weight = norm.weight
        self.eps = float(norm.variance_epsilon)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.dtype == torch.float32:
            return nn.functional.rms_norm(x, (x.shape[-1],), self.weight, self.eps)
        # bf16/fp16: statistics in fp32, then the weight in the input dtype, as the stock module does
        normed = nn.functional.rms_norm(x.float(), (x.shape[-1],), None, self.eps)
        return self.weight * normed.to(x.dtype)


def fuse_norms(model: nn.Module) -> int:
    """Replace Llama-style RMSNorm modules (``weight`` + ``variance_epsilon``) by FusedRMSNorm; how many."""
    if os.environ.get("AIVO_SERVING_FUSED_NORM", "on").lower() in ("0", "off", "false", "no"):
        return 0
    if not hasattr(nn.functional, "rms_norm"):
        return 0
    swapped = 0
    for name, module in list(model.named_modules()):
        if type(module).__name__.endswith("RMSNorm") and hasattr(module, "variance_epsilon") and \
                isinstance(getattr(module, "weight", None), torch.Tensor) and name:
            parent, _, child = name.rpartition(".")
            setattr(model.get_submodule(parent) if parent else model, child, FusedRMSNorm(module))
            swapped += 1
    return swapped
