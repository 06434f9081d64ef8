"""Checked answers: every generated answer passes the quality checks before a child sees it (issue 14).

    checker = Checker(item_for(prompt, profile, mode), mode, prompt=prompt, profile=profile)
    text, quality = await checked(first_text, checker, regenerate, tries=2, time_left=ticket.time_left,
                                  attempt_s=first_generation_seconds)
    # quality == {"checks": [...], "findings": [...of the first answer...], "retries": n, "fallback": bool, ...}

``checked`` is the core loop, free of HTTP: the routes (serving/generation.py) and the tutoring
benchmark (benchmarks/tutor.py) call it with their own ``regenerate``:

    async def regenerate(attempt: int, extra_instruction: str | None) -> str | None

``attempt`` counts from 1; ``extra_instruction`` is None or a line to add to the system prompt
(``SIMPLER`` after a ``level`` finding). The caller samples with another seed each attempt; whatever
it raises (a moderation block, a deadline) goes through ``checked`` unchanged.

The checks, per mode (``Checker.names``):
- tutor: the six detectors of ``brain.quality`` (reveal, wrong_claim, echo, persona, degeneration,
  level) plus ``give_away`` (serving.modes' tutor check, which also reads symbolic answers:
  simplify / expand / factor) and ``tells`` (``brain.quality.tells``: what the child was asked to
  find handed over when the answer is unknown: "the answer is ...", a vocabulary word defined, a
  part of speech named, a choice picked, the corrected sentence written out);
- tutor, explain, assess: ``wrong_form`` (``brain.quality.tells``: a plural or past tense stated
  for the asked word that is not the one ``brain.quality.ela_task`` derived: "the past tense of go
  is goed") and ``wrong_comparison`` (``brain.quality.comparisons``: "0.25 is bigger than 0.3", or
  "No" to "Is 3/5 bigger than 1/2?");
- explain, assess: the detectors but reveal (a tutor-mode check, so it is not listed), and the
  ``length`` repair: an answer over the student's length is cut at a sentence end (serving.text_checks);
- lesson (for teachers): ``lesson`` (objective, activities, check for understanding, the standard),
  wrong_claim and degeneration; the reading-level and persona detectors do not apply to a plan.

On a finding: up to ``tries`` regenerations (default 2), each checked again; a retry that would not
fit in the time left (``time_left() < attempt_s``) is not started. When a try's only finding is
``level``, its layout is made plainer first (``brain.quality.plain``: long sentences split at their
joints, short chunks for ADHD; no retry when that passes, noted in ``repairs``); a last try still
only over level is sent as it is, marked ``over_level``.
Otherwise, if none passes, the verified
fallback is sent (``brain.quality.fallback.build``; lessons: the template plan of serving.text_checks),
except for a lesson whose only finding is its shape: the last plan is sent with the missing parts
added from the template, the finding noted. Streams check sentence by sentence (``SentenceGate``).
``stats()`` are this process's counters, shown by ``/health``.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Awaitable, Callable

from brain.quality import DETECTORS, Finding, TutorItem, check, detector
from brain.quality.comparisons import wrong_comparison
from brain.quality.ela_task import read_ela
from brain.quality.fallback import build as build_fallback
from brain.quality.plain import plainer
from brain.quality.tells import tells, wrong_form
from brain.schemas import Mode, StudentProfile
from serving.text_checks import check_length, check_lesson, lesson_appendix

SIMPLER = "Use short sentences and simple words."
DEFAULT_TRIES = 2
Regenerate = Callable[[int, "str | None"], Awaitable["str | None"]]

_LOCK = threading.Lock()
_STATS = {"answers": 0, "flagged": 0, "retries": 0, "fallbacks": 0, "repaired": 0, "skipped_for_deadline": 0}


def stats() -> dict:
    """This process's counts: answers checked, flagged (the first answer had a finding), retries,
    fallbacks sent, repaired (lesson template / length cut), retries skipped for the deadline."""
    with _LOCK:
        return dict(_STATS)


def warm() -> None:
    """The first check in a process warms sympy and the system prompt's n-grams (about a second): do
    it at start (serving.service loads it), not on a child's first answer."""
    checker = Checker(TutorItem(prompt="What is 3/4 + 1/8?", grade=5, answer="7/8"), Mode.tutor)
    checker.findings("3/4 = 6/8. The student is right, so the answer is 7/8.")


def _count(**deltas: int) -> None:
    with _LOCK:
        for name, n in deltas.items():
            _STATS[name] += n


def _redacted(reason: str) -> str:
    """A finding's reason without the quoted text (it may hold the answer): 'states the final answer'."""
    return re.sub(r"\s*(?:\([^)]*\)|'[^']*'|\"[^\"]*\")", "", reason).strip()


def finding_dict(f: Finding) -> dict:
    """A finding as responses show it: the detector and a reason that never holds the answer."""
    return {"detector": f.detector, "reason": _redacted(f.reason)}


class Checker:
    """The checks of one request: its item, mode and profile (see the module docstring)."""

    def __init__(self, item: TutorItem, mode: Mode | str, *, prompt: str | None = None,
                 profile: StudentProfile | None = None, standard: str | None = None):
        self.item, self.mode = item, Mode(mode)
        self.prompt = item.prompt if prompt is None else prompt
        self.profile, self.standard = profile, standard
        self.task = read_ela(self.prompt) if self.mode != Mode.lesson and item.subject != "math" else None
        if self.mode == Mode.lesson:
            self.detectors: tuple[str, ...] = ("wrong_claim", "degeneration")
            self.names = ["lesson", *self.detectors]
        elif self.mode == Mode.tutor:
            self.detectors = DETECTORS
            self.names = [*DETECTORS, "wrong_form", "wrong_comparison", "give_away", "tells"]
        else:
            self.detectors = tuple(d for d in DETECTORS if d != "reveal")
            self.names = [*self.detectors, "wrong_form", "wrong_comparison", "length"]

    def findings(self, text: str, final: bool = True) -> list[Finding]:
        """Every finding on ``text``; ``final`` False: a stream's text so far (a lesson's shape is
        judged on the whole answer only)."""
        if not text.strip():
            return []  # nothing to read (an empty answer is sent as it is)
        if self.mode == Mode.lesson:
            found = [f for f in (_safe(name, text, self.item, "explain") for name in self.detectors) if f]
            if final:
                shape = check_lesson(self.prompt, text, self.standard)
                found += [Finding("lesson", p, "") for p in shape.problems]
            return found
        found = check(text, self.item, self.mode.value)
        if not any(f.detector == "wrong_claim" for f in found):
            wrong = _guarded(wrong_form, text, self.item, self.task) or _guarded(wrong_comparison, text, self.item)
            if wrong is not None:
                found.append(wrong)
        if self.mode == Mode.tutor:
            from serving.modes import check_output

            give_away = check_output(Mode.tutor, self.prompt, text, self.profile)
            if not give_away.ok and not any(f.detector == "reveal" for f in found):
                found.append(Finding("give_away", give_away.problems[0], ""))
            if not any(f.detector in ("reveal", "give_away") for f in found):
                told = _guarded(tells, text, self.item, self.task, "tutor")
                if told is not None:
                    found.append(told)
        return found

    def fallback(self, released: str = "") -> str:
        """The verified text to send instead (``released``: a stream's text already sent, which the
        fallback continues)."""
        if self.mode == Mode.lesson:
            if released.strip():
                return lesson_appendix(self.prompt, released, self.standard)
            return check_lesson(self.prompt, "", self.standard).fixed_text
        return build_fallback(self.item, self.mode.value).text

    def repair(self, text: str) -> tuple[str, list[str]]:
        """The deterministic repairs: a lesson's missing parts from the template, an answer over the
        student's length cut at a sentence end. (text, notes)."""
        if self.mode == Mode.lesson:
            shape = check_lesson(self.prompt, text, self.standard)
            return (text, []) if shape.ok else (shape.fixed_text, shape.problems)
        if self.mode in (Mode.explain, Mode.assess):
            result = check_length(text, self.profile)
            cut = [p for p in result.problems if p.startswith("length:")]
            if cut:
                return result.fixed_text, cut
        return text, []

    def over_length(self, text: str) -> bool:
        """Whether ``text`` is over the student's length (explain/assess): a stream stops before it."""
        if self.mode not in (Mode.explain, Mode.assess):
            return False
        return any(p.startswith("length:") for p in check_length(text, self.profile).problems)


def _safe(name: str, text: str, item: TutorItem, mode: str) -> Finding | None:
    try:
        return detector(name)(text, item, mode)
    except Exception:  # noqa: BLE001  (a detector bug must not take down an answer: not checked)
        return None


def _guarded(check_fn, *args) -> Finding | None:
    try:
        return check_fn(*args)
    except Exception:  # noqa: BLE001  (as _safe: a check's bug must not take down an answer)
        return None


def quality_of(checker: Checker, first: list[Finding]) -> dict:
    """The ``quality`` field before any retry: the checks run and the first answer's findings."""
    return {"checks": list(checker.names), "findings": [finding_dict(f) for f in first], "retries": 0,
            "fallback": False}


def only_shape(findings: list[Finding]) -> bool:
    """Only the lesson's shape failed: the plan is sent with the template's parts added."""
    return bool(findings) and all(f.detector == "lesson" for f in findings)


def only_level(findings: list[Finding]) -> bool:
    """Only the reading level failed (a style finding, not a wrong or revealing answer): after the
    retries with simpler language the last answer is sent, marked ``over_level``, not the fallback
    (for "What is photosynthesis?" a generic guiding question is worse than a text that reads a few
    grades high)."""
    return bool(findings) and all(f.detector == "level" for f in findings)


def retry_allowed(quality: dict, tries: int, time_left: Callable[[], float] | None,
                  attempt_s: float | None) -> bool:
    """Whether one more retry may start: under ``tries``, and (when known) fitting in the time left."""
    if quality["retries"] >= tries:
        return False
    if time_left is not None and attempt_s is not None and time_left() < attempt_s:
        quality["deadline"] = True
        _count(skipped_for_deadline=1)
        return False
    return True


def instruction_for(findings: list[Finding]) -> str | None:
    """The extra system-prompt line of a retry: ``SIMPLER`` after a level finding."""
    return SIMPLER if any(f.detector == "level" for f in findings) else None


def plain_layout(quality: dict, checker: Checker, text: str, findings: list[Finding]) -> tuple[str, list[Finding]]:
    """An answer whose only finding is ``level``, laid out plainer (``brain.quality.plain``) when that
    passes every check: (the text to go on with, its findings)."""
    if not only_level(findings) or checker.mode == Mode.lesson:
        return text, findings
    plain = plainer(text, checker.item)
    if plain.strip() and not checker.findings(plain):
        quality["repairs"] = [*quality.get("repairs", []), "level: laid out in short sentences"]
        return plain, []
    return text, findings


def finish(quality: dict, checker: Checker, text: str, findings: list[Finding], started: float) -> str:
    """The text to send once the tries are over: the fallback (or the repaired plan), counted."""
    if only_level(findings):
        quality["over_level"] = True
    elif findings and not only_shape(findings):
        text, quality["fallback"] = checker.fallback(), True
    text, notes = checker.repair(text)
    if notes:
        quality["repairs"] = [*quality.get("repairs", []), *notes]
    record(quality, time.perf_counter() - started)
    return text


def record(quality: dict, seconds: float = 0.0) -> None:
    """Count one answer's outcome in this process's ``stats()``; ``seconds`` more spent checking."""
    quality["check_ms"] = round(quality.get("check_ms", 0.0) + seconds * 1000, 2)
    _count(answers=1, flagged=int(bool(quality["findings"])), retries=quality["retries"],
           fallbacks=int(quality["fallback"]), repaired=int(bool(quality.get("repairs"))))


async def checked(text: str, checker: Checker, regenerate: Regenerate | None = None, *,
                  tries: int = DEFAULT_TRIES, time_left: Callable[[], float] | None = None,
                  attempt_s: float | None = None) -> tuple[str, dict]:
    """The answer to send for ``text`` and what happened (``quality``).

    ``regenerate(attempt, extra_instruction) -> str | None``: another answer (another seed; it
    returns None when it cannot, and the fallback follows; ``regenerate`` None: no retries). ``time_left()``: seconds left to the request's deadline; ``attempt_s``: what one
    generation took (the first's; then the longest seen): a retry that would not fit is skipped, the
    fallback sent. ``quality``: {checks, findings (of the first answer), retries, fallback, and
    when they happen: repairs, deadline, check_ms (time in the checks and fallback, not generating)}."""
    started, check_s = time.perf_counter(), 0.0
    findings = checker.findings(text)
    quality = quality_of(checker, findings)
    text, findings = plain_layout(quality, checker, text, findings)
    check_s += time.perf_counter() - started
    while findings and regenerate is not None and retry_allowed(quality, tries, time_left, attempt_s):
        quality["retries"] += 1
        t0 = time.perf_counter()
        again = await regenerate(quality["retries"], instruction_for(findings))
        t1 = time.perf_counter()
        if again is None:  # the caller could not generate another (e.g. over the context): fall back
            break
        text = again
        attempt_s = max(attempt_s or 0.0, t1 - t0)
        text, findings = plain_layout(quality, checker, text, checker.findings(text))
        check_s += time.perf_counter() - t1
    t2 = time.perf_counter()
    quality["check_ms"] = check_s * 1000
    return finish(quality, checker, text, findings, t2), quality


# -- streams: a sentence is released only once it passed -------------------------------------------------

_SENTENCE_END = re.compile(r"[.!?]+[\"')\]”’]*\s+|\n\s*")


class SentenceGate:
    """A streamed answer's release, sentence by sentence, each checked with the text before it.

    ``feed(text)`` takes moderated text and returns what may go out now (complete sentences that
    passed); after the first failing sentence it returns "" for good and ``failed`` holds the
    findings (``cut`` is set instead when the next sentence would go over the student's length).
    ``finish()`` checks the rest (the last sentence, then the whole answer: a lesson's shape) and
    returns it, or "" when it failed. ``released`` is everything let out."""

    def __init__(self, checker: Checker):
        self.checker = checker
        self.released, self.pending = "", ""
        self.failed: list[Finding] | None = None
        self.cut = False
        self.check_s = 0.0

    @property
    def stopped(self) -> bool:
        return self.failed is not None or self.cut

    def _pass(self, sentence: str, final: bool) -> bool:
        t0 = time.perf_counter()
        try:
            text = self.released + sentence
            if self.released.strip() and self.checker.over_length(text):
                self.cut = True
                return False
            found = self.checker.findings(text, final=final)
            if found and not (final and only_shape(found)):
                self.failed = found
                return False
            return True
        finally:
            self.check_s += time.perf_counter() - t0

    def feed(self, text: str) -> str:
        if self.stopped:
            return ""
        self.pending += text
        out = ""
        while not self.stopped:
            m = _SENTENCE_END.search(self.pending)
            if m is None:
                break
            sentence, self.pending = self.pending[:m.end()], self.pending[m.end():]
            if self._pass(sentence, final=False):
                self.released += sentence
                out += sentence
        return out

    def finish(self) -> str:
        if self.stopped:
            return ""
        rest, self.pending = self.pending, ""
        if self._pass(rest, final=True):
            self.released += rest
            return rest
        return ""
