"""What moderation decided for one text, and the policy that turns categories into that decision.

A ``Verdict`` is "allow", "block" (send ``verdict.message`` instead: a kind, child-appropriate
redirection) or "support" (self-harm or abuse disclosure: a kind answer with help lines and "tell
a trusted adult"). ``decide`` applies the policy: the highest-priority category (the order of
``brain.safety.rules.CATEGORIES``) picks the action and the message (``brain.safety.messages``);
``error_verdict`` is the fail-closed block; ``safe_fallback`` is the text to send instead.

Nothing to run: ``brain.safety.moderator`` builds verdicts with ``decide``, and
``brain.safety.escalation`` turns the escalating ones into safety events.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from brain.safety.messages import (
    ABUSE_SUPPORT,
    BLOCK_MESSAGE,
    BLOCK_MESSAGES,
    ERROR_MESSAGE,
    LANGUAGE_MESSAGES,
    OUTPUT_BLOCK_MESSAGE,
    SELF_HARM_SUPPORT,
)
from brain.safety.rules import CATEGORIES

Direction = Literal["input", "output"]
Action = Literal["allow", "block", "support"]

ESCALATE_CATEGORIES = frozenset(c.id for c in CATEGORIES.values() if c.escalate)


@dataclass(frozen=True)
class Verdict:
    """What moderation decided for one text."""

    allowed: bool
    action: Action
    categories: tuple[str, ...] = ()
    message: str = ""  # the text to send instead ("" when allowed)
    scores: dict[str, float] = field(default_factory=dict, compare=False, hash=False)
    direction: Direction = "input"
    rules: tuple[str, ...] = ()  # names of the rules that fired (never the text)
    language: str = "en"  # the path that decided and the message's language (brain/safety/lang.py)

    @property
    def llama_guard(self) -> tuple[str, ...]:
        """Llama Guard 3 hazard codes (S1-S14) of the categories, where one applies."""
        codes = (CATEGORIES[c].llama_guard for c in self.categories if c in CATEGORIES)
        return tuple(dict.fromkeys(c for c in codes if c))

    @property
    def escalate(self) -> bool:
        return bool(ESCALATE_CATEGORIES.intersection(self.categories))

    def to_dict(self) -> dict:
        """JSON-ready summary for an API response's ``safety`` field (no text but the message)."""
        return {"allowed": self.allowed, "action": self.action, "categories": list(self.categories),
                "llama_guard": list(self.llama_guard), "direction": self.direction, "language": self.language}


def decide(categories: list[str], direction: Direction, scores: dict[str, float], rules: tuple[str, ...] = (),
           support_message: str | None = SELF_HARM_SUPPORT, language: str = "en") -> Verdict:
    """Categories -> action and the message a child sees (the highest-priority category speaks).

    With a ``language`` of ``brain.safety.messages.LANGUAGE_MESSAGES`` the message is in that language
    (``support_message`` is the English self-harm answer and applies to English only)."""
    if language in LANGUAGE_MESSAGES:
        return _decide_in(LANGUAGE_MESSAGES[language], categories, direction, scores, rules, language)
    if not categories:
        return Verdict(True, "allow", (), "", scores, direction, rules)
    support_message = support_message or SELF_HARM_SUPPORT
    order = list(CATEGORIES)
    cats = tuple(sorted(dict.fromkeys(categories), key=lambda c: order.index(c) if c in order else len(order)))
    top = cats[0]
    if top == "self_harm":
        return Verdict(False, "support", cats, support_message, scores, direction, rules)
    if top == "abuse_disclosure":
        return Verdict(False, "support", cats, ABUSE_SUPPORT, scores, direction, rules)
    if top == "moderation_error":
        return Verdict(False, "block", cats, ERROR_MESSAGE, scores, direction, rules)
    message = BLOCK_MESSAGES.get(top, BLOCK_MESSAGE) if direction == "input" else OUTPUT_BLOCK_MESSAGE
    return Verdict(False, "block", cats, message, scores, direction, rules)


def _decide_in(messages: dict[str, str], categories: list[str], direction: Direction, scores: dict[str, float],
               rules: tuple[str, ...], language: str) -> Verdict:
    """``decide`` with the messages of one language (the same priorities and actions)."""
    if not categories:
        return Verdict(True, "allow", (), "", scores, direction, rules, language)
    order = list(CATEGORIES)
    cats = tuple(sorted(dict.fromkeys(categories), key=lambda c: order.index(c) if c in order else len(order)))
    top = cats[0]
    if top in ("self_harm", "abuse_disclosure"):
        return Verdict(False, "support", cats, messages[top], scores, direction, rules, language)
    if top == "moderation_error":
        return Verdict(False, "block", cats, ERROR_MESSAGE, scores, direction, rules, language)
    message = messages.get(top, messages["block"]) if direction == "input" else messages["output"]
    return Verdict(False, "block", cats, message, scores, direction, rules, language)


def error_verdict(direction: Direction = "input") -> Verdict:
    return Verdict(False, "block", ("moderation_error",), ERROR_MESSAGE, {}, direction)


def safe_fallback(verdict: Verdict | None = None, direction: Direction = "input") -> str:
    """The text to send instead of a blocked input/output (a generic one without a verdict)."""
    if verdict is not None and verdict.message:
        return verdict.message
    if verdict is not None:
        direction = verdict.direction
    return OUTPUT_BLOCK_MESSAGE if direction == "output" else BLOCK_MESSAGE
