"""The sweeper: removes adapter directories in S3 that never got their manifest (uploads that died half-way).

An adapter directory (``adapters/<student>/<key>/``, or a curriculum brain's
``brains/<key>/``) is complete once its ``_MANIFEST.json`` is written, last
(registry/storage.py). A failed upload removes its own files, but not when S3
itself is down; what it leaves is removed here, once its newest object is
older than the grace period (``settings.adapter_orphan_grace_s``, default 1 h),
so an upload still under way is never touched. A directory with a manifest is
never removed, whatever its age; the manifest is looked for again just before
a directory is deleted.

Runs at ``aivo up`` / ``make up`` (the whole bucket: aivo/stack.py) and at the
start of each clone run (that student's directories: flows/clone.py).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone

from brain.logs import object_field
from brain.settings import Settings
from registry import storage

log = logging.getLogger(__name__)

# Where adapter directories live, and how many key components name one directory.
ROOTS = {"adapters/": 3, "brains/": 2}


def _directory(key: str) -> str | None:
    for root, depth in ROOTS.items():
        if key.startswith(root):
            parts = key.split("/")
            return "/".join(parts[:depth]) if len(parts) > depth else None
    return None


def grace_period(settings: Settings, grace_s: float | None = None) -> timedelta:
    """How old a manifest-less upload must be before it counts as dead (``adapter_orphan_grace_s``)."""
    return timedelta(seconds=settings.adapter_orphan_grace_s if grace_s is None else grace_s)


def incomplete_uploads(settings: Settings, prefix: str = "adapters/", grace_s: float | None = None,
                       now: datetime | None = None) -> list[str]:
    """Directories under ``prefix`` with no manifest whose newest object is older than the grace period."""
    grace = grace_period(settings, grace_s)
    now = now or datetime.now(timezone.utc)
    newest: dict[str, datetime] = {}
    complete: set[str] = set()
    for obj in storage.list_objects(settings, prefix):
        directory = _directory(obj["Key"])
        if directory is None:
            continue
        if obj["Key"] == f"{directory}/{storage.MANIFEST}":
            complete.add(directory)
        stamp = obj["LastModified"]
        if directory not in newest or stamp > newest[directory]:
            newest[directory] = stamp
    return sorted(d for d, stamp in newest.items() if d not in complete and now - stamp > grace)


def sweep_incomplete(settings: Settings, prefix: str = "adapters/", grace_s: float | None = None) -> list[str]:
    """Remove the incomplete uploads under ``prefix`` (see ``incomplete_uploads``); return the directories."""
    grace = grace_period(settings, grace_s)
    removed = []
    for directory in incomplete_uploads(settings, prefix, grace_s):
        # Looked at again just before deleting: completed or written to since the listing -> kept.
        objects = storage.list_objects(settings, directory + "/")
        if not objects or any(o["Key"] == f"{directory}/{storage.MANIFEST}" for o in objects):
            continue
        if datetime.now(timezone.utc) - max(o["LastModified"] for o in objects) <= grace:
            continue
        storage.delete_keys(settings, [o["Key"] for o in objects])
        log.warning("removed incomplete adapter upload s3://%s/%s/ (%d objects, no manifest)",
                    settings.s3_bucket, directory, len(objects), extra=object_field(settings.s3_bucket, directory + "/"))
        removed.append(directory)
    return removed


def sweep_all(settings: Settings, grace_s: float | None = None) -> list[str]:
    """Sweep every adapter root (student adapters and curriculum brains)."""
    return [d for root in ROOTS for d in sweep_incomplete(settings, root, grace_s)]
