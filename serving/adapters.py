"""Which adapter serves a student, and getting its weights.

student -> MLflow alias ``champion`` of ``student-<id>`` -> version -> adapter
files (S3, then a local disk cache under ``<data_dir>/adapter-cache``) ->
``AdapterWeights`` (CPU tensors) that the engine copies into a slot of its
LoRA bank, keyed by (student, version).

Resolution is cached for ``resolve_ttl`` seconds; after that the next request
still uses the known answer at once and a background refresh asks MLflow
again (stale-while-revalidate), so moving the alias in the MLflow UI changes
what is served within seconds, no restart, and no request waits on MLflow
except a student's very first one.

An adapter trained on another brain version than the one served is not
applied: the student gets the base model, and the response says why.
"""

from __future__ import annotations

import logging
import shutil
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from brain.logs import student_field
from brain.settings import Settings
from serving.lora_bank import AdapterWeights, UnsupportedAdapter, read_adapter

if TYPE_CHECKING:
    from registry.adapters import AdapterVersion

log = logging.getLogger("aivo.serving.adapters")


@dataclass(frozen=True)
class Choice:
    """What serves one student now."""

    key: tuple[str, str] | None  # (student, version); None = the base model
    version: str | None  # MLflow version of student-<id>
    note: str  # said in the response: what was served and why
    prefix: str | None = None  # S3 prefix of the adapter files


class AdapterResolver:
    """student -> Choice (MLflow alias, cached) and Choice -> AdapterWeights (S3 -> disk -> tensors)."""

    def __init__(self, settings: Settings, brain_version: str, resolve_ttl: float = 2.0):
        self.settings = settings
        self.brain_version = brain_version
        self.resolve_ttl = resolve_ttl
        self.disk = settings.data_dir / "adapter-cache"
        self._resolved: dict[str, tuple[float, AdapterVersion | None]] = {}
        self._refreshing: set[str] = set()
        self._lock = threading.Lock()
        self._refresher = ThreadPoolExecutor(max_workers=2, thread_name_prefix="aivo-resolve")

    def _lookup(self, student_id: str, previous: AdapterVersion | None) -> AdapterVersion | None:
        try:
            from registry import adapters as registry  # here, not at import: the engine runs without MLflow

            found = registry.resolve(self.settings, student_id)
        except Exception:  # noqa: BLE001 - a registry outage must not stop serving
            log.exception("resolving student %s failed; serving what was known", student_id,
                          extra=student_field(student_id))
            found = previous
        with self._lock:
            self._resolved[student_id] = (time.monotonic(), found)
            self._refreshing.discard(student_id)
        return found

    def resolve(self, student_id: str) -> AdapterVersion | None:
        with self._lock:
            cached = self._resolved.get(student_id)
            if cached is not None:
                if time.monotonic() - cached[0] >= self.resolve_ttl and student_id not in self._refreshing:
                    self._refreshing.add(student_id)
                    self._refresher.submit(self._lookup, student_id, cached[1])
                return cached[1]
        return self._lookup(student_id, None)

    def forget(self, student_id: str) -> list[Path]:
        """Drop what is known about a student; returns the disk cache paths removed."""
        with self._lock:
            self._resolved.pop(student_id, None)
        path = self.disk / student_id
        removed = [path] if path.exists() else []
        shutil.rmtree(path, ignore_errors=True)
        return removed

    def choose(self, student_id: str | None) -> Choice:
        if student_id is None:
            return Choice(None, None, "base model: requested without a student adapter")
        found = self.resolve(student_id)
        if found is None:
            return Choice(None, None, "base model: no approved adapter for this student")
        trained_on = found.tags.get("brain_version", "0")
        if trained_on != self.brain_version:
            return Choice(None, None, f"base model: adapter v{found.version} was trained on brain version "
                                      f"{trained_on}, serving brain version {self.brain_version}")
        return Choice((student_id, found.version), found.version,
                      f"student adapter student-{student_id} v{found.version}", found.prefix)

    def local_copy(self, choice: Choice) -> Path:
        """The adapter's files on local disk (downloaded from S3 once, checksums verified)."""
        student_id, version = choice.key
        target = self.disk / student_id / version
        if (target / "adapter_config.json").exists():
            return target
        tmp = target.with_name(f"{target.name}.part-{threading.get_ident()}")
        shutil.rmtree(tmp, ignore_errors=True)
        from registry import storage

        storage.download_dir(self.settings, choice.prefix, tmp)
        shutil.rmtree(target, ignore_errors=True)
        tmp.rename(target)
        # Who read which student's adapter: once per replica and version (later reads hit the disk cache),
        # written beside the load, not in its way.
        threading.Thread(target=self._audit_read, args=(student_id, version), daemon=True).start()
        return target

    def _audit_read(self, student_id: str, version: str) -> None:
        from registry import audit

        try:
            audit.record(self.settings, "endpoint", "adapter.read", student_id, obj=f"student-{student_id} v{version}")
        except Exception:  # noqa: BLE001 - the audit store being down must not stop serving
            log.exception("audit event adapter.read could not be written")

    def weights(self, choice: Choice) -> AdapterWeights:
        return read_adapter(self.local_copy(choice))


__all__ = ["AdapterResolver", "Choice", "UnsupportedAdapter"]
