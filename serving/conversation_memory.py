"""Each student's recent messages, kept in this process only, for the conversation-level grooming check.

Grooming builds over many messages, and a client of ``/v1/generate`` sends one message at a time, so
the endpoint keeps each student's recent user turns (serving/guards.py ``guard_conversation`` scores
them with the new ones through brain/safety/conversation.py). What is kept, and for how long:

- only user messages that passed the per-message moderation (and the one that made a conversation
  cross the line), each cut to ``max_turn_bytes`` (4 KB) of UTF-8, with its stage signals and the
  per-message moderator's categories and grooming probability (so they are not computed again);
- at most ``max_turns`` (20) per student, the oldest dropped first;
- at most ``max_bytes`` (16 MiB) of message text in all: past it, the students not seen for longest
  are dropped whole (LRU). Python's own overhead comes on top (roughly 250 bytes a message);
- each message for ``ttl_s`` (``AIVO_CONVERSATION_TTL_SECONDS``, 30 minutes) after it arrived, then
  dropped: expiry is checked on every access and by a sweep every ``sweep_s`` (60 s) in a daemon
  thread; nothing is written to disk or logged;
- ``forget(student_id)`` (``POST /v1/students/{id}/forget``) drops everything of the student at once.

Thread-safe (one lock). The clock is injectable (tests). Held by the service (serving/service.py,
``service.conversations``).
"""

from __future__ import annotations

import threading
import time
import weakref
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass

MAX_TURNS = 20
MAX_TURN_BYTES = 4096
MAX_BYTES = 16 * 2**20
SWEEP_S = 60.0


@dataclass(frozen=True)
class Turn:
    """One remembered user message: its text (cut to the byte limit), when it arrived (the memory's
    clock), its stage signals (``brain.safety.conversation_data.TurnStages``) and what the per-message
    moderator said (``TurnSignals`` or None)."""

    text: str
    at: float
    stages: object = None
    signals: object = None

    @property
    def nbytes(self) -> int:
        return len(self.text.encode("utf-8"))


def cut(text: str, max_bytes: int = MAX_TURN_BYTES) -> str:
    """``text`` cut to at most ``max_bytes`` of UTF-8, on a character boundary."""
    data = text.encode("utf-8")
    return text if len(data) <= max_bytes else data[:max_bytes].decode("utf-8", "ignore")


class _Student:
    __slots__ = ("turns", "nbytes", "escalated_at")

    def __init__(self):
        self.turns: deque[Turn] = deque()
        self.nbytes = 0
        self.escalated_at: float | None = None


class ConversationMemory:
    """Recent user turns per student: bounded per student and in total (LRU), expiring after ``ttl_s``."""

    def __init__(self, ttl_s: float = 1800.0, *, max_turns: int = MAX_TURNS, max_turn_bytes: int = MAX_TURN_BYTES,
                 max_bytes: int = MAX_BYTES, sweep_s: float = SWEEP_S, clock: Callable[[], float] = time.monotonic):
        if ttl_s <= 0:
            raise ValueError(f"ttl_s must be > 0, got {ttl_s}")
        if max_turns < 1 or max_turn_bytes < 1:
            raise ValueError("max_turns and max_turn_bytes must be at least 1")
        if max_bytes < max_turn_bytes:
            raise ValueError(f"max_bytes ({max_bytes}) must hold at least one turn ({max_turn_bytes} bytes)")
        self.ttl_s, self.max_turns, self.max_turn_bytes, self.max_bytes = ttl_s, max_turns, max_turn_bytes, max_bytes
        self.sweep_s = sweep_s
        self.clock = clock
        self._students: OrderedDict[str, _Student] = OrderedDict()  # least recently used first
        self._bytes = 0
        self._lock = threading.Lock()
        self._sweeper: threading.Thread | None = None
        self._stop = threading.Event()

    @classmethod
    def from_settings(cls, settings, **kwargs) -> ConversationMemory:
        return cls(ttl_s=settings.conversation_ttl_seconds, **kwargs)

    # -- under the lock ---------------------------------------------------------------------------
    def _expire(self, sid: str, entry: _Student, now: float) -> None:
        cutoff = now - self.ttl_s
        while entry.turns and entry.turns[0].at <= cutoff:
            old = entry.turns.popleft()
            entry.nbytes -= old.nbytes
            self._bytes -= old.nbytes
        if entry.escalated_at is not None and entry.escalated_at <= cutoff:
            entry.escalated_at = None
        if not entry.turns and entry.escalated_at is None:
            del self._students[sid]

    def _drop(self, sid: str) -> int:
        entry = self._students.pop(sid, None)
        if entry is None:
            return 0
        self._bytes -= entry.nbytes
        return len(entry.turns)

    # -- the API ----------------------------------------------------------------------------------
    def turns(self, student_id: str) -> list[Turn]:
        """The student's unexpired turns, oldest first."""
        with self._lock:
            entry = self._students.get(student_id)
            if entry is None:
                return []
            self._expire(student_id, entry, self.clock())
            if student_id not in self._students:
                return []
            self._students.move_to_end(student_id)
            return list(entry.turns)

    def remember(self, student_id: str, turns: Iterable[tuple[str, object, object] | str]) -> None:
        """Add ``turns`` (text, or (text, stages, signals)) to the student's memory, newest last."""
        with self._lock:
            now = self.clock()
            entry = self._students.get(student_id)
            if entry is None:
                entry = self._students[student_id] = _Student()
            else:
                self._expire(student_id, entry, now)
                entry = self._students.setdefault(student_id, entry)
            self._students.move_to_end(student_id)
            for item in turns:
                text, stages, signals = (item, None, None) if isinstance(item, str) else item
                turn = Turn(cut(text, self.max_turn_bytes), now, stages, signals)
                entry.turns.append(turn)
                entry.nbytes += turn.nbytes
                self._bytes += turn.nbytes
                while len(entry.turns) > self.max_turns:
                    old = entry.turns.popleft()
                    entry.nbytes -= old.nbytes
                    self._bytes -= old.nbytes
            while self._bytes > self.max_bytes and len(self._students) > 1:  # the least recently used go first
                self._drop(next(iter(self._students)))
            while self._bytes > self.max_bytes and entry.turns:  # one student alone over the cap: its oldest turns
                old = entry.turns.popleft()
                entry.nbytes -= old.nbytes
                self._bytes -= old.nbytes

    def mark_escalated(self, student_id: str) -> bool:
        """Note that the student's conversation was escalated; False when it already was (within the TTL)."""
        with self._lock:
            now = self.clock()
            entry = self._students.get(student_id)
            if entry is not None:
                self._expire(student_id, entry, now)
            entry = self._students.setdefault(student_id, entry or _Student())
            self._students.move_to_end(student_id)
            if entry.escalated_at is not None:
                return False
            entry.escalated_at = now
            return True

    def count(self, student_id: str) -> int:
        return len(self.turns(student_id))

    def forget(self, student_id: str) -> int:
        """Drop everything of the student; returns how many turns were held."""
        with self._lock:
            return self._drop(student_id)

    def sweep(self) -> int:
        """Drop every expired turn; returns how many were dropped."""
        with self._lock:
            now = self.clock()
            before = sum(len(e.turns) for e in self._students.values())
            for sid, entry in list(self._students.items()):
                self._expire(sid, entry, now)
            return before - sum(len(e.turns) for e in self._students.values())

    def stats(self) -> dict:
        """Sizes only (no ids, no text)."""
        with self._lock:
            return {"students": len(self._students), "turns": sum(len(e.turns) for e in self._students.values()),
                    "bytes": self._bytes, "max_bytes": self.max_bytes, "max_turns": self.max_turns,
                    "ttl_s": self.ttl_s}

    # -- the periodic sweep -----------------------------------------------------------------------
    def start(self) -> ConversationMemory:
        """Sweep every ``sweep_s`` in a daemon thread (it ends with ``stop()`` or when the memory is gone)."""
        if self._sweeper is None or not self._sweeper.is_alive():
            self._stop.clear()
            self._sweeper = threading.Thread(target=_sweep_loop, args=(weakref.ref(self), self._stop, self.sweep_s),
                                             name="aivo-conversation-sweep", daemon=True)
            self._sweeper.start()
        return self

    def stop(self) -> None:
        self._stop.set()


def _sweep_loop(ref: weakref.ref, stop: threading.Event, every: float) -> None:
    while not stop.wait(every):
        memory = ref()
        if memory is None:
            return
        memory.sweep()
        del memory
