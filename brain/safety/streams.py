"""Moderation of a streamed answer as it grows: only text that has been checked is released.

``StreamModerator`` re-checks the tail of the answer (``STREAM_WINDOW_CHARS``) every
``STREAM_CHECK_CHARS`` new characters or at a sentence end, through ``brain.safety.moderator.moderate``
(fail-closed, escalating with a ``student_id``); ``finish()`` checks the whole answer once more.
Serving's streaming routes use it; nothing to run on its own.
"""

from __future__ import annotations

import re

from brain.safety.moderator import Moderator, moderate
from brain.safety.verdict import Verdict

STREAM_WINDOW_CHARS = 600  # tail re-checked; the longest rule spans ~150 chars
STREAM_CHECK_CHARS = 48  # re-check after this many new characters, or at the end of a sentence
_BOUNDARY = re.compile(r"[\s.,!?;:)\]}\"']")
_SENTENCE_END = re.compile(r"[.!?\n]")


class StreamModerator:
    """Moderates a streamed answer chunk by chunk; only checked text is released.

    ``feed(chunk)`` re-checks the last ``window`` characters up to the last
    complete word once ``check_chars`` new characters or a sentence end arrived
    (cheap: the cost does not grow with the answer) and returns a verdict on a
    hit, else None; ``ready()`` returns the newly checked text the caller may
    send; ``finish()`` checks the whole answer once more and releases the rest. After a hit, stop the stream and send ``verdict.message``::

        sm = StreamModerator(student_id=sid)
        for chunk in chunks:
            if (v := sm.feed(chunk)) is not None:
                yield v.message; break
            yield sm.ready()
        else:
            v = sm.finish()
            yield sm.ready() if v.allowed else v.message
    """

    def __init__(
        self,
        moderator: Moderator | None = None,
        *,
        student_id: str | None = None,
        route: str | None = None,
        window: int = STREAM_WINDOW_CHARS,
        check_chars: int = STREAM_CHECK_CHARS,
    ):
        self.moderator = moderator
        self.check_chars = check_chars
        self.student_id = student_id
        self.route = route
        self.window = window
        self.text = ""
        self.verdict: Verdict | None = None  # set on the first hit
        self._checked = 0  # text[:_checked] has been moderated
        self._released = 0  # text[:_released] has been handed out by ready()

    def _check(self, text: str) -> Verdict:
        return moderate(text, "output", moderator=self.moderator, student_id=self.student_id, route=self.route)

    def feed(self, chunk: str) -> Verdict | None:
        if self.verdict is not None:
            return self.verdict
        self.text += chunk
        # Check up to the last word boundary: a half-written word is neither judged nor released.
        end = max((m.end() for m in _BOUNDARY.finditer(self.text, self._checked)), default=self._checked)
        if end <= self._checked:
            return None
        if end - self._checked < self.check_chars and not _SENTENCE_END.search(self.text, self._checked, end):
            return None  # cheap: wait for more text (nothing unchecked is released meanwhile)
        verdict = self._check(self.text[max(0, end - self.window): end])
        if not verdict.allowed:
            self.verdict = verdict
            return verdict
        self._checked = end
        return None

    def ready(self) -> str:
        """Text checked since the last call (empty after a hit)."""
        if self.verdict is not None and not self.verdict.allowed:
            return ""
        out = self.text[self._released: self._checked]
        self._released = self._checked
        return out

    def finish(self) -> Verdict:
        """Check the whole answer; when allowed, ``ready()`` then returns the rest of it."""
        if self.verdict is not None:
            return self.verdict
        verdict = self._check(self.text)
        if verdict.allowed:
            self._checked = len(self.text)
        else:
            self.verdict = verdict
        return verdict
