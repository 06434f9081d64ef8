"""Compatibility only: moderation now lives in ``brain.safety`` (see ``brain/safety/__init__.py``).

Re-exports the public names from ``brain.safety.{messages,verdict,moderator,streams,escalation}``
and the command line, so ``from brain.moderation import moderate`` keeps working until its last
importers switch; then this module goes. The objects are the same ones (``LISTENERS`` is the one
list), but patch a function where it is looked up, e.g. ``brain.safety.moderator.get_moderator``.

Run as: ``python -m brain.safety`` (``python -m brain.moderation`` forwards to it).
"""

from __future__ import annotations

from brain.safety.__main__ import main
from brain.safety.escalation import LISTENERS, SafetyEvent, escalate, safety_event
from brain.safety.messages import (
    ABUSE_SUPPORT,
    BLOCK_MESSAGE,
    BLOCK_MESSAGES,
    ERROR_MESSAGE,
    OUTPUT_BLOCK_MESSAGE,
    SAFE_MESSAGES,
    SELF_HARM_SUPPORT,
)
from brain.safety.moderator import Moderator, classifier_text, get_moderator, moderate
from brain.safety.streams import STREAM_CHECK_CHARS, STREAM_WINDOW_CHARS, StreamModerator
from brain.safety.verdict import (
    ESCALATE_CATEGORIES,
    Action,
    Direction,
    Verdict,
    decide,
    error_verdict,
    safe_fallback,
)

__all__ = [
    "ABUSE_SUPPORT", "BLOCK_MESSAGE", "BLOCK_MESSAGES", "ERROR_MESSAGE", "ESCALATE_CATEGORIES", "LISTENERS",
    "OUTPUT_BLOCK_MESSAGE", "SAFE_MESSAGES", "SELF_HARM_SUPPORT", "STREAM_CHECK_CHARS", "STREAM_WINDOW_CHARS",
    "Action", "Direction", "Moderator", "SafetyEvent", "StreamModerator", "Verdict", "classifier_text", "decide",
    "error_verdict", "escalate", "get_moderator", "main", "moderate", "safe_fallback", "safety_event",
]

if __name__ == "__main__":
    raise SystemExit(main())
