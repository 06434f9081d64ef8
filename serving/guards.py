"""The safety steps every route that writes to a student shares: moderation in and out, and the conversation.

Moderation fails closed (brain.safety) with the service's moderator, built once with its
settings; a self-harm disclosure escalates to a trusted adult. ``guard_conversation`` scores the
student's recent messages (kept by serving/conversation_memory.py) with the request's own for grooming
that builds over many messages (brain/safety/conversation.py), before generation. The answer checks that follow
moderation (a tutor does not give the answer away, ...) are serving/answer_check.py, run by
serving/answers.py. Log lines name a student only by ``student_ref``.
Used by the routes of ``python -m serving.app``.
"""

import logging
from dataclasses import dataclass, fields

from brain.safety.escalation import SafetyEvent, escalate, safety_event
from brain.settings import get_settings, student_hash
from serving.service import Service

log = logging.getLogger("aivo.serving")


def student_ref(student_id: str | None) -> str:
    """The first 16 hex of the student's salted hash (brain.settings.student_hash), for log lines that
    hold no student ids."""
    return student_hash(get_settings(), student_id)[:16] if student_id else "-"


def moderate(service: Service, text: str, direction: str, student_id: str | None = None, route: str | None = None):
    """Fail-closed moderation (brain.safety); a self-harm disclosure escalates to a trusted adult."""
    from brain.safety.moderator import moderate as _moderate

    return _moderate(text, direction, moderator=service.moderator, student_id=student_id, route=route)


def safety_of(verdict) -> dict | None:
    """A verdict as the responses' ``safety`` fields show it."""
    if verdict is None:
        return None
    return {"allowed": verdict.allowed, "action": verdict.action, "categories": list(verdict.categories)}


def guard_input(service: Service, text: str, student_id: str | None, route: str):
    verdict = moderate(service, text, "input", student_id, route)
    if not verdict.allowed:
        log.warning("input blocked: route=%s student=%s categories=%s", route, student_ref(student_id),
                    ",".join(verdict.categories))
    return verdict


def stream_guard(service: Service, student_id: str | None, route: str):
    from brain.safety.streams import StreamModerator

    return StreamModerator(service.moderator, student_id=student_id, route=route)


# -- the conversation ----------------------------------------------------------------------------------

# A chat history's most recent user turns that are scored (older ones weigh under 1% after the decay);
# each one the student's memory does not hold costs a per-message moderator check.
MAX_REQUEST_TURNS = 40


@dataclass(frozen=True)
class ConversationEvent(SafetyEvent):
    """A safety event for a conversation that crossed the line: the per-message event's fields, plus how
    many user turns were scored and the stages seen (ids, never text)."""

    turns: int = 0
    stages: tuple[str, ...] = ()

    def to_json(self) -> dict:
        data = super().to_json()
        data["stages"] = list(self.stages)
        return data


@dataclass(frozen=True)
class ConversationBlock:
    """A conversation that crossed the line: the grooming block verdict and what the score saw."""

    verdict: object  # brain.safety.verdict.Verdict (grooming, block)
    turns: int
    stages: tuple[str, ...]
    crossed_at: int
    score: float

    def safety(self) -> dict:
        """The responses' ``safety`` field: as a per-message input block, plus the conversation's summary."""
        return {"input": safety_of(self.verdict), "output": None,
                "conversation": {"crossed": True, "turns": self.turns, "crossed_at": self.crossed_at,
                                 "stages": list(self.stages), "score": round(self.score, 2)}}


@dataclass
class _Scored:
    text: str
    stages: object
    signals: object
    allowed: bool
    known: bool  # already in the student's memory (a chat client resends its history)


def _per_message(service: Service, text: str):
    """The per-message verdict (no escalation: the per-message step escalates its own); None when the
    moderator is missing or fails (that step then fails closed)."""
    moderator = getattr(service, "moderator", None)
    if moderator is None:
        return None
    try:
        return moderator.check(text, direction="input")
    except Exception as exc:  # noqa: BLE001 - the per-message step reports and blocks
        log.warning("conversation check: the moderator failed (%s)", type(exc).__name__)
        return None


def guard_conversation(service: Service, job, route: str) -> ConversationBlock | None:
    """The conversation-level grooming check (brain/safety/conversation.py) before generation.

    Scores the student's remembered turns (serving/conversation_memory.py) and this request's user turns
    (a chat request's whole history; a history turn the memory already holds counts once). Returns None
    when the conversation has not crossed the line, or when this request's own message fails the
    per-message moderation (that step blocks it with its own message); otherwise the grooming block,
    escalated once per crossing (a ``ConversationEvent``). Remembered: this request's turns that pass
    the per-message moderation, unless the conversation had already crossed before them.
    """
    from brain.safety.conversation import score, turn_signals, turn_stages
    from brain.safety.verdict import decide
    from serving.conversation_memory import cut

    texts = [t for t in (getattr(job, "user_turns", None) or [job.user_text]) if isinstance(t, str) and t.strip()]
    texts = texts[-MAX_REQUEST_TURNS:]
    if not texts:
        return None
    sid = job.student_id
    memory = getattr(service, "conversations", None)
    remembered = memory.turns(sid) if memory is not None and sid else []
    used: set[int] = set()
    request: list[_Scored] = []
    for text in texts:
        key = cut(text, memory.max_turn_bytes) if memory is not None else text
        i = next((i for i, t in enumerate(remembered) if i not in used and t.text == key), None)
        if i is not None:
            used.add(i)
            turn = remembered[i]
            request.append(_Scored(text, turn.stages or turn_stages(turn.text), turn.signals, True, True))
        else:
            verdict = _per_message(service, text)
            request.append(_Scored(text, turn_stages(text), turn_signals(verdict) if verdict is not None else None,
                                   verdict is not None and verdict.allowed, False))
    if not request[-1].allowed:
        return None
    earlier = [_Scored(t.text, t.stages or turn_stages(t.text), t.signals, True, True)
               for i, t in enumerate(remembered) if i not in used]
    sequence = earlier + request
    risk = score([t.stages for t in sequence], [t.signals for t in sequence])
    crossed_before = risk.crossed and sequence[risk.crossed_at].known
    if memory is not None and sid and not crossed_before:
        memory.remember(sid, [(t.text, t.stages, t.signals) for t in request if not t.known and t.allowed])
    if not risk.crossed:
        return None
    stages = tuple(risk.stages)
    verdict = decide(["grooming"], "input", {"conversation_score": risk.score},
                     tuple(f"conversation.{s}" for s in stages))
    log.warning("conversation blocked: route=%s student=%s turns=%d crossed_at=%d stages=%s", route,
                student_ref(sid), len(sequence), risk.crossed_at, ",".join(stages))
    if sid and (memory is None or memory.mark_escalated(sid)):
        _escalate_conversation(service, verdict, sid, route, texts[-1], len(sequence), stages)
    return ConversationBlock(verdict, len(sequence), stages, risk.crossed_at, risk.score)


def _escalate_conversation(service: Service, verdict, sid: str, route: str, text: str, turns: int,
                           stages: tuple[str, ...]) -> None:
    """A grooming safety event for the conversation (brain/safety/escalation.py); never raises. The text is
    this request's message, and only with AIVO_SAFETY_WEBHOOK_INCLUDE_TEXT (as for a per-message event)."""
    try:
        base = safety_event(verdict, student_id=sid, route=route, text=text, settings=service.settings)
        event = ConversationEvent(**{f.name: getattr(base, f.name) for f in fields(SafetyEvent)},
                                  turns=turns, stages=stages)
    except Exception as exc:  # noqa: BLE001 - an escalation problem never unblocks or breaks the answer
        log.error("conversation safety event failed (%s): route=%s", type(exc).__name__, route)
        return
    escalate(event, service.settings)
