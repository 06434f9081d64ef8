"""The local disk's part of forgetting a student: caches by exact path, log records by their fields.

- ``<data_dir>/adapter-cache/<id>/`` (the endpoint's disk cache) and ``<data_dir>/work/<id>/`` (clone
  scratch) are removed whole.
- In the log files under ``<data_dir>/logs`` a line is a record about the student when it is a JSON
  object whose ``student`` field is the id (``brain/logs.py``), whose ``flow_run_id`` / ``task_run_id``
  is one of the student's Prefect runs (the worker's records), or whose ``object`` is a path under one
  of the student's S3 prefixes, ``<bucket>/baselines/<id>/``... (the S3 store's records). Those lines
  are removed; every other line, JSON or plain text, stays byte for byte. No line is edited.

Run as: part of ``registry.forget.forget_student``; ``python -m registry.forget_local STUDENT`` lists
the student's log records and cache paths (read only).
"""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Iterable
from pathlib import Path

from brain.logs import OBJECT_FIELD, STUDENT_FIELD
from brain.schemas import check_student_id
from brain.settings import Settings


def cache_paths(settings: Settings, student_id: str) -> list[Path]:
    """The student's local directories that exist now."""
    check_student_id(student_id)
    return [p for p in (settings.data_dir / "adapter-cache" / student_id, settings.data_dir / "work" / student_id)
            if p.exists()]


def evict_local_caches(settings: Settings, student_id: str) -> list[str]:
    """Remove the student's adapter disk cache and clone scratch; returns the paths removed.

    The endpoint calls this (or gets the paths from ``forget_student``) and drops its
    in-memory adapters of the student.
    """
    removed = []
    for path in cache_paths(settings, student_id):
        shutil.rmtree(path, ignore_errors=True)
        removed.append(str(path))
    return removed


def is_student_record(line: bytes, student_id: str, runs: frozenset[str] = frozenset(),
                      s3_prefixes: tuple[str, ...] = ()) -> bool:
    """True when a log line is a JSON record of the student: its own field, one of its Prefect runs, or
    an S3 object path under one of its prefixes (``<bucket>/adapters/<id>/``, with the trailing slash)."""
    text = line.strip()
    if not text.startswith(b"{"):
        return False
    if student_id.encode() not in text and not any(r.encode() in text for r in runs):
        return False  # cheap test first: neither value is in the line at all
    try:
        record = json.loads(text)
    except ValueError:
        return False
    if not isinstance(record, dict):
        return False
    obj = record.get(OBJECT_FIELD)
    return (record.get(STUDENT_FIELD) == student_id
            or record.get("flow_run_id") in runs or record.get("task_run_id") in runs
            or (isinstance(obj, str) and (obj.rstrip("/") + "/").startswith(s3_prefixes)))


def log_files(settings: Settings) -> list[Path]:
    return sorted(p for p in settings.logs_dir.rglob("*") if p.is_file()) if settings.logs_dir.is_dir() else []


def s3_paths(settings: Settings, student_id: str, prefixes: Iterable[str]) -> tuple[str, ...]:
    """The student's S3 prefixes as the S3 store's records name them: ``<bucket>/<prefix>``."""
    return tuple(f"{settings.s3_bucket}/{p.format(sid=student_id)}" for p in prefixes)


def log_records(settings: Settings, student_id: str, runs: Iterable[str] = (),
                s3_prefixes: tuple[str, ...] = ()) -> dict[str, list[int]]:
    """{log file: [line numbers]} of the student's records."""
    runs = frozenset(runs)
    found = {}
    for path in log_files(settings):
        with open(path, "rb") as fh:
            lines = [n for n, line in enumerate(fh, 1) if is_student_record(line, student_id, runs, s3_prefixes)]
        if lines:
            found[str(path)] = lines
    return found


def delete_log_records(settings: Settings, student_id: str, runs: Iterable[str] = (),
                       s3_prefixes: tuple[str, ...] = ()) -> int:
    """Remove the student's records from the log files; returns how many lines went."""
    runs = frozenset(runs)
    total = 0

    def keep(data: bytes) -> tuple[bytes, int]:
        lines = data.splitlines(keepends=True)
        kept = [line for line in lines if not is_student_record(line, student_id, runs, s3_prefixes)]
        return b"".join(kept), len(lines) - len(kept)

    for name in log_records(settings, student_id, runs, s3_prefixes):
        # Writers append (O_APPEND). Read, then read again what they appended meanwhile, until nothing new
        # came; only then rewrite in place: a line written in the microseconds before the truncate is the
        # only one that can be lost (the local stack's writers hold no lock we could take).
        with open(name, "r+b") as fh:
            kept, removed = keep(fh.read())
            while more := fh.read():
                kept_more, removed_more = keep(more)
                kept, removed = kept + kept_more, removed + removed_more
            if removed:
                fh.seek(0)
                fh.write(kept)
                fh.truncate()
        total += removed
    return total


if __name__ == "__main__":
    from brain.settings import get_settings

    s = get_settings()
    print(json.dumps({"log_records": log_records(s, sys.argv[1]),
                      "cache_paths": [str(p) for p in cache_paths(s, sys.argv[1])]}, indent=2))
