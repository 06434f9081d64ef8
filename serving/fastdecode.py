"""The CPU decode step of Llama-style models in one native call (serving/csrc/decode.c).

A decode step of a small model is many small matrix-vector products; through PyTorch each one is
a Python call, a dispatcher call and an OpenMP wake-up, and the stock kernels stream weights at a
third of the machine's read bandwidth (benchmarks/results/serving.md, row e'). Here the whole
step (norms, q/k/v/o, rotary embedding, the KV-cache write, attention over each row's own cache
columns, the MLP, every row's own LoRA delta from the bank, the LM head) is one C function in one
OpenMP parallel region; its matrix-vector kernel reads every weight once per step for up to four
rows at a time, with AVX-512 (AVX2, or plain C, on machines without it). It reads each weight at the
precision ``AIVO_SERVING_WEIGHTS`` names (serving/weight_precision.py): the model's fp32 weights, or a copy
made once at build in bf16 or int8 (one scale per 64 weights of a row), widened to fp32 in registers (weight-only).

Prefill stays on the PyTorch model (many tokens: compute-bound, oneDNN is good at it); the KV
cache stays a ``DynamicCache`` whose per-layer tensors become views of buffers with spare columns,
so a step writes its key and value in place instead of concatenating.

The library is compiled on first use with the machine's C compiler (``$CC``, else ``cc``/``gcc``;
``-O3 -march=native -fopenmp``) into ``$AIVO_KERNEL_CACHE`` (default ``~/.cache/aivo/kernels``),
keyed by a hash of the source, the flags and the CPU. It links the OpenMP runtime PyTorch already
loaded (same soname), so it shares PyTorch's thread pool instead of adding a second one. Without
a compiler, on a GPU, for another architecture, for non-float32 weights, or with
``AIVO_SERVING_FASTDECODE=off``, the engine runs the PyTorch model as before (``build`` returns
None and logs why). Results equal the PyTorch step up to float summation order (tested).
"""

from __future__ import annotations

import ctypes
import hashlib
import logging
import os
import platform
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

import torch
from torch import nn

from serving import weight_precision

log = logging.getLogger("aivo.serving.fastdecode")

SOURCE = Path(__file__).parent / "csrc" / "decode.c"
FLAGS = ["-O3", "-march=native", "-fopenmp", "-shared", "-fPIC", "-std=gnu11"]
SPARE_COLUMNS = 256  # KV-cache columns allocated ahead, so most steps write in place


def enabled() -> bool:
    return os.environ.get("AIVO_SERVING_FASTDECODE", "on").lower() not in ("0", "off", "false", "no")


class _Lin(ctypes.Structure):
    _fields_ = [("w", ctypes.c_void_p), ("bias", ctypes.c_void_p), ("in_", ctypes.c_int64),
                ("out", ctypes.c_int64), ("At", ctypes.c_void_p), ("Bt", ctypes.c_void_p), ("rank", ctypes.c_int64),
                ("wq", ctypes.c_void_p), ("wscale", ctypes.c_void_p), ("wtype", ctypes.c_int64),
                ("wgroup", ctypes.c_int64)]


_PROJ = ("q", "k", "v", "o", "gate", "up", "down")


class _Layer(ctypes.Structure):
    _fields_ = [(name, _Lin) for name in _PROJ] + [
        ("ln1", ctypes.c_void_p), ("ln2", ctypes.c_void_p), ("kc", ctypes.c_void_p), ("vc", ctypes.c_void_p)]


class _Model(ctypes.Structure):
    _fields_ = [(name, ctypes.c_int64) for name in
                ("n_layers", "hidden", "heads", "kv_heads", "head_dim", "inter", "vocab", "max_rank")] + [
        ("eps", ctypes.c_float), ("scale", ctypes.c_float), ("layers", ctypes.POINTER(_Layer)),
        ("norm", ctypes.c_void_p), ("head", _Lin)]


_lib_lock = threading.Lock()
_lib: ctypes.CDLL | None = None
_lib_error: str | None = None


def _cpu_id() -> str:
    try:
        info = Path("/proc/cpuinfo").read_text()
        lines = [ln for ln in info.splitlines() if ln.startswith(("model name", "flags"))][:2]
        return "\n".join(lines)
    except OSError:
        return platform.processor()


def _compiler() -> str | None:
    for cc in (os.environ.get("CC"), "cc", "gcc", "clang"):
        if cc and shutil.which(cc):
            return shutil.which(cc)
    return None


def library() -> ctypes.CDLL | None:
    """The compiled decode library (built on first call, then cached on disk), or None if it cannot be built."""
    global _lib, _lib_error
    with _lib_lock:
        if _lib is not None or _lib_error is not None:
            return _lib
        try:
            _lib = _build()
        except Exception as exc:  # noqa: BLE001 - no compiler, no OpenMP, ...: the PyTorch path serves
            _lib_error = f"{type(exc).__name__}: {exc}"
            log.warning("native decode unavailable, serving with the PyTorch model: %s", _lib_error)
        return _lib


def library_error() -> str | None:
    return _lib_error


def _build() -> ctypes.CDLL:
    cc = _compiler()
    if cc is None:
        raise RuntimeError("no C compiler (cc, gcc or clang) on PATH")
    source = SOURCE.read_bytes()
    version = subprocess.run([cc, "--version"], capture_output=True, text=True, timeout=30).stdout
    key = hashlib.sha256(source + " ".join(FLAGS).encode() + version.encode() + _cpu_id().encode()).hexdigest()[:20]
    cache = Path(os.environ.get("AIVO_KERNEL_CACHE") or Path.home() / ".cache" / "aivo" / "kernels")
    cache.mkdir(parents=True, exist_ok=True)
    target = cache / f"decode-{key}.so"
    if not target.exists():
        fd, tmp = tempfile.mkstemp(suffix=".so", dir=cache)
        os.close(fd)
        try:
            done = subprocess.run([cc, *FLAGS, str(SOURCE), "-o", tmp, "-lm"], capture_output=True, text=True,
                                  timeout=300)
            if done.returncode != 0:
                raise RuntimeError(f"{cc} failed: {done.stderr.strip()[-2000:]}")
            os.replace(tmp, target)  # atomic: a concurrent build or a crash never leaves half a library
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        log.info("built native decode library %s", target)
    lib = ctypes.CDLL(str(target))
    lib.aivo_decode_step.argtypes = [ctypes.POINTER(_Model), ctypes.c_int64, ctypes.c_void_p, ctypes.c_void_p,
                                     ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int64, ctypes.c_int64,
                                     ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int]
    lib.aivo_decode_step.restype = ctypes.c_int
    lib.aivo_workspace_floats.argtypes = [ctypes.POINTER(_Model), ctypes.c_int64, ctypes.c_int64, ctypes.c_int]
    lib.aivo_workspace_floats.restype = ctypes.c_int64
    return lib


def _ptr(t: torch.Tensor | None) -> int | None:
    return None if t is None else t.data_ptr()


def _weight(module: nn.Module) -> tuple[nn.Module, nn.Module]:
    """(the Linear, the LoRA wrapper or None) of a projection, whatever wraps it."""
    if hasattr(module, "At") and hasattr(module, "base"):  # lora_bank.GatheredLoRALinear
        return module.base, module
    return module, None


class FastDecoder:
    """Runs the engine's decode steps through the native library for one Llama-style model."""

    def __init__(self, model: nn.Module, lib: ctypes.CDLL, bank=None, weights: str = "fp32"):
        self.model = model
        self.lib = lib
        self.bank = bank  # the LoraBank that wraps this model's layers (its changes are picked up), if any
        self.weights = weight_precision.resolve(weights)  # what the step reads: fp32, bf16 or int8
        self._stored: dict[int, tuple] = {}  # id(Linear) -> (Linear, stored weight, scales, int8 group)
        cfg = model.config
        inner = model.model
        self.layers = list(inner.layers)
        attn0 = self.layers[0].self_attn
        self.head_dim = int(attn0.head_dim)
        self.heads = int(cfg.num_attention_heads)
        self.kv_heads = int(cfg.num_key_value_heads)
        self.embed = inner.embed_tokens.weight
        self.rotary = inner.rotary_emb
        self.struct = _Model(n_layers=len(self.layers), hidden=cfg.hidden_size, heads=self.heads,
                             kv_heads=self.kv_heads, head_dim=self.head_dim, inter=cfg.intermediate_size,
                             vocab=model.lm_head.out_features, max_rank=0, eps=float(cfg.rms_norm_eps),
                             scale=float(attn0.scaling))
        self.layer_structs = (_Layer * len(self.layers))()
        self.struct.layers = self.layer_structs
        self.struct.norm = _ptr(inner.norm.weight)
        self._fill(self.struct.head, model.lm_head)
        self._lora_key: tuple | None = None
        self._refresh_weights()
        self._bufs: list[tuple[torch.Tensor, torch.Tensor] | None] = [None] * len(self.layers)
        self._views: list[tuple[torch.Tensor, torch.Tensor] | None] = [None] * len(self.layers)
        self._work = torch.empty(0)
        self.steps = 0

    @classmethod
    def build(cls, model: nn.Module, bank=None, weights: str = "fp32") -> "FastDecoder | None":
        """A decoder for ``model`` (whose LoRA layers ``bank`` wraps) reading its weights at ``weights``
        (serving/weight_precision.py), or None (logged) when the native path does not apply to it."""
        reason = cls.unsupported(model)
        if reason is None:
            lib = library()
            if lib is not None:
                return cls(model, lib, bank, weights)
            reason = f"the native library could not be built ({library_error()})"
        log.info("decode steps run on the PyTorch model: %s", reason)
        return None

    @staticmethod
    def unsupported(model: nn.Module) -> str | None:
        """Why the native step cannot run this model, or None when it can."""
        if not enabled():
            return "AIVO_SERVING_FASTDECODE=off"
        cfg = getattr(model, "config", None)
        if getattr(cfg, "model_type", None) != "llama":
            return f"model type {getattr(cfg, 'model_type', None)!r} (the native step implements Llama)"
        if getattr(cfg, "hidden_act", "silu") != "silu":
            return f"activation {cfg.hidden_act!r}"
        try:
            param = next(model.parameters())
        except StopIteration:
            return "a model without parameters"
        if param.device.type != "cpu" or param.dtype != torch.float32:
            return f"weights are {param.dtype} on {param.device.type} (the native step is for float32 on the CPU)"
        inner = getattr(model, "model", None)
        if inner is None or not hasattr(inner, "layers") or not hasattr(inner, "rotary_emb"):
            return "not a LlamaForCausalLM layout"
        for p in model.parameters():
            if p.dtype != torch.float32 or not p.is_contiguous():
                return "a weight that is not contiguous float32"
        attn = inner.layers[0].self_attn
        if cfg.num_attention_heads % cfg.num_key_value_heads or attn.head_dim % 2:
            return "head layout"
        return None

    # -- weights and LoRA pointers --------------------------------------------------
    @property
    def weight_bytes(self) -> int:
        """Bytes of matrix weights one step streams (every projection and the LM head) at this precision."""
        mods = [m for layer in self.layers for m in self._modules(layer).values()] + [self.model.lm_head]
        return sum(weight_precision.stored_bytes(_weight(m)[0].weight, self.weights) for m in mods)

    def _fill(self, lin: _Lin, module: nn.Module) -> None:
        base, wrapper = _weight(module)
        lin.w = _ptr(base.weight)
        lin.wtype = weight_precision.WTYPE[self.weights]
        if self.weights != "fp32":  # the reduced copy is made once per Linear and kept (weights never change)
            if id(base) not in self._stored:
                self._stored[id(base)] = (base, *weight_precision.quantize(base.weight, self.weights),
                                          weight_precision.INT8_GROUP)
            _, stored, scale, lin.wgroup = self._stored[id(base)]
            lin.wq, lin.wscale = _ptr(stored), _ptr(scale)
        lin.bias = _ptr(base.bias)
        lin.in_, lin.out = base.in_features, base.out_features
        if wrapper is not None:
            lin.At, lin.Bt, lin.rank = _ptr(wrapper.At), _ptr(wrapper.Bt), wrapper.At.shape[2]
        else:
            lin.At = lin.Bt = None
            lin.rank = 0

    def _modules(self, layer: nn.Module) -> dict[str, nn.Module]:
        a, m = layer.self_attn, layer.mlp
        return {"q": a.q_proj, "k": a.k_proj, "v": a.v_proj, "o": a.o_proj, "gate": m.gate_proj,
                "up": m.up_proj, "down": m.down_proj}

    def _refresh_weights(self) -> None:
        """(Re)read weight and LoRA bank pointers when the bank wrapped more layers or grew its rank."""
        if self.bank is not None:  # the bank only ever adds wrapped layers or grows (new At/Bt tensors)
            key = (len(self.bank.layers), self.bank.rank, self.bank.layout)
            if key == self._lora_key:
                return
        elif self._lora_key is not None:
            return
        mods = [self._modules(layer) for layer in self.layers]
        max_rank = 0
        for ls, layer, ms in zip(self.layer_structs, self.layers, mods):
            for name, mod in ms.items():
                self._fill(getattr(ls, name), mod)
                max_rank = max(max_rank, getattr(ls, name).rank)
            ls.ln1 = _ptr(layer.input_layernorm.weight)
            ls.ln2 = _ptr(layer.post_attention_layernorm.weight)
        self.struct.max_rank = max_rank
        self._lora_key = key if self.bank is not None else ()

    # -- KV cache ---------------------------------------------------------------------
    def _cache_columns(self, cache, batch: int, length: int) -> None:
        """Make every layer's keys/values views of buffers with a free column at ``length``.

        The buffers are made again (all layers at once, so they share one capacity) when the engine
        replaced the cache tensors (rows joined or left) or the spare columns ran out."""
        fresh = all(views is not None and layer.keys is views[0] and layer.values is views[1]
                    for layer, views in zip(cache.layers, self._views))
        if fresh and self._bufs[0][0].shape[0] == batch and self._bufs[0][0].shape[2] > length:
            return
        shape = (batch, self.kv_heads, length + SPARE_COLUMNS, self.head_dim)
        for i, (layer, ls) in enumerate(zip(cache.layers, self.layer_structs)):
            kbuf, vbuf = torch.empty(shape), torch.empty(shape)
            kbuf[:, :, :length] = layer.keys
            vbuf[:, :, :length] = layer.values
            layer.keys, layer.values = kbuf[:, :, :length], vbuf[:, :, :length]  # the old tensors go now
            self._bufs[i] = (kbuf, vbuf)
            ls.kc, ls.vc = kbuf.data_ptr(), vbuf.data_ptr()

    def step(self, tokens: torch.Tensor, positions: torch.Tensor, mask: torch.Tensor, cache,
             slots: torch.Tensor) -> torch.Tensor:
        """Logits (batch, vocab) of the next token of every row; appends this step to ``cache``.

        tokens (B,) long; positions (B,) long; mask (B, T + 1) with 0 on padding columns (this step's
        column included); cache: the DynamicCache of the T tokens so far; slots (B,) long bank slots.
        """
        batch = tokens.shape[0]
        length = cache.layers[0].keys.shape[2]
        if mask.shape != (batch, length + 1):
            raise ValueError(f"mask {tuple(mask.shape)} does not match {batch} rows and {length} cached columns")
        self._refresh_weights()
        self._cache_columns(cache, batch, length)
        hidden = self.embed.index_select(0, tokens)
        cos, sin = self.rotary(hidden, positions[:, None])
        cos, sin = cos.contiguous(), sin.contiguous()
        mask = mask.to(torch.int64).contiguous()
        slots = slots.to(torch.int64).contiguous()
        threads = torch.get_num_threads()
        need = self.lib.aivo_workspace_floats(ctypes.byref(self.struct), batch, length, threads)
        if self._work.numel() < need:
            self._work = torch.empty(need + need // 2)
        logits = torch.empty(batch, self.struct.vocab)
        cap = self._bufs[0][0].shape[2]
        rc = self.lib.aivo_decode_step(ctypes.byref(self.struct), batch, hidden.data_ptr(), cos.data_ptr(),
                                       sin.data_ptr(), mask.data_ptr(), length, cap, slots.data_ptr(),
                                       logits.data_ptr(), self._work.data_ptr(), threads)
        if rc != 0:  # pragma: no cover - the C step has no failing branch today
            raise RuntimeError(f"native decode step failed ({rc})")
        for i, layer in enumerate(cache.layers):
            kbuf, vbuf = self._bufs[i]
            layer.keys, layer.values = kbuf[:, :, :length + 1], vbuf[:, :, :length + 1]
            self._views[i] = (layer.keys, layer.values)
        self.steps += 1
        return logits
