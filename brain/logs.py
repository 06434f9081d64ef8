"""Log records as JSON lines, so a record about a student carries the id in a field of its own.

A record logged with ``extra=student_field(student_id)`` is written as one line
``{"time": ..., "level": ..., "logger": ..., "message": ..., "student": "<id>"}``. Forgetting a
student deletes exactly the lines whose ``student`` field is that id (``registry/forget_local.py``);
no line is ever edited. The local stack starts the endpoint through this module; the Prefect
worker writes Prefect's own JSON records (they carry ``flow_run_id``) the same way.

Run as: ``python -m brain.logs serving.app`` (runs that module as ``__main__`` with JSON logging set up).
"""

from __future__ import annotations

import json
import logging
import runpy
import sys
from datetime import datetime, timezone

STUDENT_FIELD = "student"
OBJECT_FIELD = "object"  # an S3 object or prefix, ``<bucket>/<key>``: the rclone store's own records use it
_PLAIN = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime", "taskName"}


def student_field(student_id: str) -> dict[str, str]:
    """``extra=`` for a record about one student: forget finds the record by this field."""
    return {STUDENT_FIELD: student_id}


def object_field(bucket: str, key: str) -> dict[str, str]:
    """``extra=`` for a record about an S3 object or prefix: forget finds it when the key is under one of
    the student's prefixes (``adapters/<id>/`` ...)."""
    return {OBJECT_FIELD: f"{bucket}/{key}"}


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, message, every ``extra`` field, the traceback."""

    def format(self, record: logging.LogRecord) -> str:
        out = {"time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
               "level": record.levelname, "logger": record.name, "message": record.getMessage()}
        for key, value in vars(record).items():
            if key not in _PLAIN and not key.startswith("_"):
                out[key] = value if isinstance(value, (str, int, float, bool, type(None))) else str(value)
        if record.exc_info:
            out["exc"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False)


def setup(level: int = logging.INFO) -> None:
    """Root logger -> stderr as JSON lines (a later ``logging.basicConfig`` then changes nothing)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if not args:
        raise SystemExit("usage: python -m brain.logs MODULE [ARGS...]")
    setup()
    sys.argv = list(args)
    runpy.run_module(args[0], run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
