"""Which adapter serves a student, and keeping it loaded.

student -> MLflow alias ``champion`` of ``student-<id>`` (looked up again after
``resolve_ttl`` seconds, so moving the alias in the MLflow UI changes what is
served within seconds, no restart) -> adapter files (S3, then a local disk
cache under ``<data_dir>/adapter-cache``) -> PEFT adapter loaded into the
served model, kept in an LRU bounded by bytes and keyed by (student, version).

An adapter trained on another brain version than the one served is not
applied: the student gets the base model, and the response says why.
A request is only ever answered with its own student's adapter: the adapter
name is derived from (student, version) and looked up per request.
"""

from __future__ import annotations

import logging
import shutil
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from brain.settings import Settings
from registry import adapters as registry
from registry import storage

log = logging.getLogger("aivo.serving.adapters")


@dataclass
class Choice:
    """What serves one request."""

    adapter_name: str | None  # PEFT adapter name, None = the base model
    version: str | None  # MLflow version of student-<id>
    note: str  # said in the response: what was served and why


class AdapterCache:
    """Resolves and loads student adapters into one PeftModel (one base, many adapters)."""

    def __init__(self, settings: Settings, base_model, brain_version: str, max_bytes: int = 256 * 2**20,
                 resolve_ttl: float = 2.0):
        self.settings = settings
        self.base_model = base_model
        self.peft_model = None  # the PeftModel around base_model, made when the first adapter loads
        self.brain_version = brain_version
        self.max_bytes = max_bytes
        self.resolve_ttl = resolve_ttl
        self.disk = settings.data_dir / "adapter-cache"
        self._resolved: dict[str, tuple[float, registry.AdapterVersion | None]] = {}
        self._loaded: OrderedDict[str, int] = OrderedDict()  # adapter name -> bytes, LRU order
        self._lock = threading.Lock()
        self.hits = self.misses = self.evictions = 0

    # -- resolution ----------------------------------------------------------------
    def _resolve(self, student_id: str) -> registry.AdapterVersion | None:
        now = time.monotonic()
        cached = self._resolved.get(student_id)
        if cached and now - cached[0] < self.resolve_ttl:
            return cached[1]
        try:
            found = registry.resolve(self.settings, student_id)
        except Exception:  # noqa: BLE001 - a registry outage must not stop serving
            log.exception("resolving student %s failed; serving what was known", student_id)
            found = cached[1] if cached else None
        self._resolved[student_id] = (now, found)
        return found

    def choose(self, student_id: str) -> Choice:
        found = self._resolve(student_id)
        if found is None:
            return Choice(None, None, "base model: no approved adapter for this student")
        trained_on = found.tags.get("brain_version", "0")
        if trained_on != self.brain_version:
            return Choice(None, None, f"base model: adapter v{found.version} was trained on brain version "
                                      f"{trained_on}, serving brain version {self.brain_version}")
        name = f"s-{student_id}-v{found.version}"
        self._ensure_loaded(name, found)
        return Choice(name, found.version, f"student adapter student-{student_id} v{found.version}")

    # -- loading -------------------------------------------------------------------
    def _local_copy(self, found: registry.AdapterVersion) -> Path:
        target = self.disk / found.student_id / found.version
        if (target / storage.MANIFEST).exists() or (target / "adapter_config.json").exists():
            return target
        tmp = target.with_name(target.name + ".part")
        shutil.rmtree(tmp, ignore_errors=True)
        storage.download_dir(self.settings, found.prefix, tmp)
        shutil.rmtree(target, ignore_errors=True)
        tmp.rename(target)
        return target

    def _ensure_loaded(self, name: str, found: registry.AdapterVersion) -> None:
        with self._lock:
            if name in self._loaded:
                self._loaded.move_to_end(name)
                self.hits += 1
                return
            self.misses += 1
            path = self._local_copy(found)
            if self.peft_model is None:
                from peft import PeftModel

                self.peft_model = PeftModel.from_pretrained(self.base_model, str(path), adapter_name=name).eval()
            else:
                self.peft_model.load_adapter(str(path), adapter_name=name)
            size = sum(p.stat().st_size for p in path.glob("*.safetensors"))
            self._loaded[name] = size
            while sum(self._loaded.values()) > self.max_bytes and len(self._loaded) > 1:
                old, _ = self._loaded.popitem(last=False)
                self.peft_model.delete_adapter(old)
                self.evictions += 1

    def stats(self) -> dict:
        total = self.hits + self.misses
        return {"adapters_loaded": len(self._loaded), "bytes": sum(self._loaded.values()),
                "max_bytes": self.max_bytes, "hits": self.hits, "misses": self.misses,
                "evictions": self.evictions, "hit_rate": round(self.hits / total, 3) if total else None}
