"""Where vLLM comes from and what it serves: the engine choice, vLLM's Python, the model directory it
loads and the adapters it cannot serve (docs/serving.md, "Engines"). The engine itself: serving/vllm_engine.py.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from brain.settings import Settings

REPO = Path(__file__).resolve().parents[1]


class VllmUnavailable(RuntimeError):
    """vLLM cannot be started here (no vLLM Python, or its worker failed to load): the message says why."""


def vllm_python(settings: Settings) -> Path | None:
    """The Python that runs the worker: the setting, else .venv/vllm/bin/python, else this one if it has vLLM."""
    if settings.vllm_python is not None:
        return Path(settings.vllm_python)
    own = REPO / ".venv" / "vllm" / "bin" / "python"
    if own.exists():
        return own
    import importlib.util

    return Path(sys.executable) if importlib.util.find_spec("vllm") is not None else None


def adapter_problem(path: Path, max_rank: int) -> str | None:
    """Why vLLM cannot serve the PEFT adapter in ``path`` (None: it can)."""
    try:
        config = json.loads((path / "adapter_config.json").read_text())
    except (OSError, ValueError) as exc:
        return f"its adapter_config.json cannot be read ({type(exc).__name__})"
    if config.get("use_dora"):
        return "DoRA adapters are not served by vLLM"
    rank = int(config.get("r") or 0)
    if rank > max_rank:
        return f"rank {rank} is over this endpoint's vllm_max_lora_rank {max_rank}"
    return None


def model_dir_for_vllm(settings: Settings, loaded, brain_version) -> Path:
    """The served brain as a directory vLLM loads: an external model directory as it is (the plain base);
    otherwise (our cached embedded/tiny model, or a base with a curriculum brain merged in) a copy written
    once by ``save_pretrained`` under ``<data_dir>/vllm-models/`` (our cache stores a tied embedding under
    ``lm_head.weight``, which vLLM reads as zeros), keyed by the base's weights and the brain version."""
    from brain.models import model_source

    source, ours = model_source(settings)
    plain = getattr(brain_version, "version", "0") == "0"
    if plain and not ours and Path(source).is_dir():
        return Path(source)
    sha = (loaded.weights_sha256 or "external")[:12]
    name = Path(str(loaded.name)).name.replace("/", "-")
    target = settings.data_dir / "vllm-models" / f"{name}-{sha}-brain{getattr(brain_version, 'version', '0')}"
    if (target / "config.json").exists() and (target / ".aivo-complete").exists():
        return target
    tmp = target.with_name(f"{target.name}.part-{os.getpid()}")
    import shutil

    shutil.rmtree(tmp, ignore_errors=True)
    loaded.model.save_pretrained(tmp)
    loaded.tokenizer.save_pretrained(tmp)
    (tmp / ".aivo-complete").write_text("written by serving/vllm_engine.py\n")
    shutil.rmtree(target, ignore_errors=True)
    tmp.rename(target)
    return target


def choose_engine(settings: Settings, device: str) -> str:
    """``native`` or ``vllm`` for ``settings.engine`` (auto: vLLM on CUDA when a vLLM Python is found)."""
    if settings.engine != "auto":
        return settings.engine
    return "vllm" if device == "cuda" and vllm_python(settings) is not None else "native"
