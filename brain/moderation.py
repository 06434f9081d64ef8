"""Moderation of every input and output: offline, fail-closed, child-specific.

Three offline parts decide, all in-process (no moderation API, no hub model):

1. Rules (``brain/safety/rules.py``): intent-and-context patterns for what a
   profanity classifier misses for children: self-harm disclosure, grooming
   and contact-seeking, requests for personal information, sexual content,
   bullying, dangerous challenges, drugs and weapons, hate, jailbreaks and
   Llama Guard's S1-S14 hazards.
2. A small learned classifier (``brain/safety/classifier.py``, TF-IDF +
   logistic regression trained at first use on ``brain/safety/train.jsonl``)
   for the four key categories and seven more (abuse disclosure, violence,
   drugs and weapons, dangerous challenges, hate, bullying, jailbreaks), which
   catches wordings the rules do not know.
3. ``alt-profanity-check`` (a linear SVM shipped inside its wheel) for
   swearing and abuse the rules did not name; at or above
   ``AIVO_SAFETY_PROFANITY_THRESHOLD`` the text is "profanity".

A verdict is "allow", "block" (send ``verdict.message`` instead: a kind,
child-appropriate redirection) or "support" (self-harm or abuse disclosure: a
kind answer with help lines and "tell a trusted adult", plus an escalation
event to ``AIVO_SAFETY_WEBHOOK_URL``). ``moderate`` never raises: if the
moderator fails, the verdict blocks with category ``moderation_error``.
``StreamModerator`` checks a streamed answer as it grows and releases only
text that has been checked.

Run as:
    python -m brain.moderation check "text to check" [--direction output]
    python -m brain.moderation eval        # the shipped safety set (pass/fail) + the held-out sets (r7, r8 dev; r10 test), see docs/safety.md
"""

from __future__ import annotations

import json
import logging
import re
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from typing import Literal

from brain.safety.classifier import get_classifier
from brain.safety.rules import CATEGORIES, match_rules, normalize
from brain.settings import Settings, get_settings, student_hash

log = logging.getLogger(__name__)

Direction = Literal["input", "output"]
Action = Literal["allow", "block", "support"]

# ------------------------------------------------------------------------------ messages
SELF_HARM_SUPPORT = (
    "I'm really glad you told me, and I'm sorry you're feeling this way. You matter, and you "
    "don't have to deal with this alone. Please tell a trusted adult right now: a parent, a "
    "teacher, your school counselor or another grown-up you trust. If you might hurt yourself or "
    "you don't feel safe, call or text 988 (the Suicide & Crisis Lifeline in the US), call your "
    "local emergency number (911 in the US), or call Childline on 0800 1111 (UK) or Kids Help "
    "Phone at 1-800-668-6868 (Canada). They are kind, it's free, and you won't be in trouble."
)
ABUSE_SUPPORT = (
    "Thank you for telling me. What you described is not okay, and it is never your fault. "
    "Please tell a trusted adult you feel safe with as soon as you can, like a teacher, your "
    "school counselor or another family member. If you are in danger right now, call your local "
    "emergency number (911 in the US). You can also call or text Childhelp at 1-800-422-4453 (US) "
    "or call Childline on 0800 1111 (UK). You deserve to be safe."
)
_BLOCK_MESSAGES = {
    "grooming": (
        "I'm a learning helper, so I can't meet up, share addresses, swap photos or keep secrets. "
        "A safe grown-up will never ask you to keep secrets from your parents, send photos or meet "
        "them alone. If someone online asks you for things like that, please tell a parent, teacher "
        "or another trusted adult. You won't be in trouble."
    ),
    "sexual": (
        "That's not something I can talk about here. If you have questions about growing up or your "
        "body, a parent, your school nurse or another trusted adult is a great person to ask. If "
        "anyone asks you for pictures or makes you feel uncomfortable, tell a trusted adult right away."
    ),
    "sex_crime": (
        "I can't help with that. Everyone's body and privacy must be respected. If someone has hurt "
        "you or made you uncomfortable, please tell a trusted adult right away."
    ),
    "personal_info": (
        "Let's keep personal information private! Don't share things like your full name, address, "
        "school, phone number or passwords online, and I will never ask for them. You don't need any "
        "of that to learn with me."
    ),
    "violence": (
        "I can't help with hurting anyone. If you're angry or scared, or someone might get hurt, "
        "please tell a trusted adult right away. In an emergency, call your local emergency number "
        "(911 in the US)."
    ),
    "indiscriminate_weapons": (
        "I can't help with that because it could hurt a lot of people. If you're curious about "
        "chemistry or physics, I'd love to help with a safe experiment or how things work instead."
    ),
    "dangerous_challenge": (
        "That challenge can seriously hurt people, even the first time. Please don't try it, and "
        "tell a trusted adult if friends are talking about it. Want to learn something fun and safe instead?"
    ),
    "drugs_weapons": (
        "I can't help with that because it isn't safe for you. If you have questions or worries about "
        "drugs, alcohol, vaping or weapons, please talk to a parent, teacher or school counselor."
    ),
    "hate": (
        "Everyone deserves respect, so I can't help with that. I'd be happy to help you learn about "
        "history, cultures and people from all over the world."
    ),
    "bullying": (
        "Words can really hurt, so I can't help with that. I can help you find kind ways to say how "
        "you feel, or talk about what to do if someone is being mean to you."
    ),
    "jailbreak": (
        "I'm AIVO, your learning helper, and my safety rules always stay on. What would you like to learn about?"
    ),
    "profanity": "Let's keep our words school-friendly. Can you ask that in a different way?",
    "specialized_advice": (
        "That's a question for a doctor, nurse, pharmacist or another trusted adult, because the right "
        "answer depends on you. Please ask a grown-up you trust. Never take medicine without an adult."
    ),
}
BLOCK_MESSAGE = (
    "I can't help with that one, but I'd love to help with your schoolwork. Want to try a different question?"
)
OUTPUT_BLOCK_MESSAGE = (
    "Oops, my answer wasn't right for school, so I stopped it. Let's try again with a different question!"
)
ERROR_MESSAGE = (
    "Sorry, I can't answer that right now. Please try again, or ask a different question."
)

# Our own replacement texts go out as they are (they mention self-harm and secrets on purpose).
SAFE_MESSAGES = frozenset([SELF_HARM_SUPPORT, ABUSE_SUPPORT, BLOCK_MESSAGE, OUTPUT_BLOCK_MESSAGE, ERROR_MESSAGE,
                           *_BLOCK_MESSAGES.values()])
ESCALATE_CATEGORIES = frozenset(c.id for c in CATEGORIES.values() if c.escalate)
STREAM_WINDOW_CHARS = 600  # tail re-checked; the longest rule spans ~150 chars
STREAM_CHECK_CHARS = 48  # re-check after this many new characters, or at the end of a sentence
_BOUNDARY = re.compile(r"[\s.,!?;:)\]}\"']")
_SENTENCE_END = re.compile(r"[.!?\n]")


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
                "llama_guard": list(self.llama_guard), "direction": self.direction}


def _decide(categories: list[str], direction: Direction, scores: dict[str, float], rules: tuple[str, ...] = (),
            support_message: str = SELF_HARM_SUPPORT) -> Verdict:
    """Categories -> action and the message a child sees (the highest-priority category speaks)."""
    if not categories:
        return Verdict(True, "allow", (), "", scores, direction, rules)
    order = list(CATEGORIES)
    cats = tuple(sorted(dict.fromkeys(categories), key=lambda c: order.index(c) if c in order else len(order)))
    top = cats[0]
    if top == "self_harm":
        return Verdict(False, "support", cats, support_message, scores, direction, rules)
    if top == "abuse_disclosure":
        return Verdict(False, "support", cats, ABUSE_SUPPORT, scores, direction, rules)
    if top == "moderation_error":
        return Verdict(False, "block", cats, ERROR_MESSAGE, scores, direction, rules)
    message = _BLOCK_MESSAGES.get(top, BLOCK_MESSAGE) if direction == "input" else OUTPUT_BLOCK_MESSAGE
    return Verdict(False, "block", cats, message, scores, direction, rules)


def safe_fallback(verdict: Verdict | None = None, direction: Direction = "input") -> str:
    """The text to send instead of a blocked input/output (a generic one without a verdict)."""
    if verdict is not None and verdict.message:
        return verdict.message
    if verdict is not None:
        direction = verdict.direction
    return OUTPUT_BLOCK_MESSAGE if direction == "output" else BLOCK_MESSAGE


# ------------------------------------------------------------------------------ profanity classifier
@lru_cache(maxsize=1)
def _profanity_predictor() -> Callable[[list[str]], list[float]]:
    """alt-profanity-check's predict_prob (loads its vectoriser and model, ~2 s, once).

    The same numbers through ``brain.safety.fastlinear`` (~0.03 ms a text instead of ~4 ms of
    scikit-learn call overhead); if the package's model ever has another shape, its own call is used.
    """
    from profanity_check import predict_prob
    from profanity_check import profanity_check as package

    from brain.safety.fastlinear import fast_calibrated_svc

    try:
        fast = fast_calibrated_svc(package.vectorizer, package.model)
    except (AttributeError, IndexError, TypeError, ValueError) as exc:  # another model layout: the package's own call
        log.warning("profanity fast path unavailable (%s); using predict_prob", type(exc).__name__)

        def predict(texts: list[str]) -> list[float]:
            return [float(p) for p in predict_prob(texts)]

        return predict

    def predict_fast(texts: list[str]) -> list[float]:
        return [fast(t) for t in texts]

    return predict_fast


# Words whose meaning depends on context ("kill the process", "why did the Nazis hate", "sex
# chromosomes"): the rules judge them with their context, so the classifier does not see them.
# alt-profanity-check weighs them heavily (it scored "How do we kill mosquito larvae?" 0.95).
_CONTEXT_WORDS = re.compile(
    r"\b(?:kill\w*|die|dies|died|dying|dead|death|murder\w*|shoot\w*|hate\w*|nazis?|jews?|jewish|sex|sexual\w*|"
    r"penis|vagina|anal|semen|gay|queer|homosexuals?|negro|blacks|minorit\w+|racist|sexist|cancer|weed|"
    r"pedophiles?|rapists?|rape|molesters?|fat|sick|dirty|butt|balls|blow|throat|chambers|graves|mental|misery|"
    r"nuts?|masturbat\w*|hell|pig|swine|donkey|dykes?|naked|breasts?|boobs|suicide|drugs?|bombs?|guns?|"
    r"destroy\w*|attack\w*|abort\w*|execut\w*|terminat\w*)\b"
)


def classifier_text(text: str) -> str:
    """The text the profanity classifier scores: normalised, context-dependent words left out."""
    return _CONTEXT_WORDS.sub(" ", normalize(text))


class Moderator:
    """Rules + learned classifier + profanity classifier (+ an optional judge).

    ``check`` raises on internal errors; ``moderate`` does not (it fails closed).
    """

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        judge: Callable[[str, Direction], Iterable[str]] | None = None,
        use_classifier: bool = True,
    ):
        """``judge(text, direction)`` may add categories (e.g. a larger model used as a judge).

        ``use_classifier=False`` leaves out the learned classifier (rules and profanity only).
        """
        self.settings = settings or get_settings()
        self.judge = judge
        self._predict = _profanity_predictor()
        self.classifier = get_classifier() if use_classifier else None
        self.safe_messages = SAFE_MESSAGES | {self.settings.safety_support_message or SELF_HARM_SUPPORT}

    def check(self, text: str, *, direction: Direction = "input") -> Verdict:
        if direction not in ("input", "output"):
            raise ValueError(f"direction must be 'input' or 'output', got {direction!r}")
        if not isinstance(text, str):
            raise TypeError(f"text must be a str, got {type(text).__name__}")
        if not text.strip() or (direction == "output" and text.strip() in self.safe_messages):
            return Verdict(True, "allow", direction=direction)
        hits = match_rules(text, direction)
        scores: dict[str, float] = {c: 1.0 for c in hits}
        profanity = self._predict([classifier_text(text)])[0]
        scores["profanity_classifier"] = round(profanity, 4)
        # The classifier speaks for what the rules did not name (swearing, abuse they do not know).
        if profanity >= self.settings.safety_profanity_threshold and not hits:
            hits["profanity"] = ["profanity.classifier"]
        if self.classifier is not None:
            flagged, probs = self.classifier.flagged(text, direction, self.settings.safety_model_threshold)
            scores.update({f"model_{c}": round(p, 4) for c, p in probs.items()})
            for category in flagged:
                hits.setdefault(category, []).append(f"{category}.model")
        if self.judge is not None:
            for category in self.judge(text, direction):
                hits.setdefault(category, []).append("judge")
                scores[category] = 1.0
        rules = tuple(r for names in hits.values() for r in names)
        return _decide(list(hits), direction, scores, rules, self.settings.safety_support_message or SELF_HARM_SUPPORT)


@lru_cache(maxsize=1)
def get_moderator() -> Moderator:
    """The process-wide moderator (classifier loaded once)."""
    return Moderator()


def error_verdict(direction: Direction = "input") -> Verdict:
    return Verdict(False, "block", ("moderation_error",), ERROR_MESSAGE, {}, direction)


def moderate(
    text: str,
    direction: Direction = "input",
    *,
    moderator: Moderator | None = None,
    student_id: str | None = None,
    route: str | None = None,
) -> Verdict:
    """Fail-closed moderation: any error in the moderator -> a block verdict ("moderation_error").

    With ``student_id``, a verdict in an escalation category (self-harm, abuse
    disclosure, grooming) sends a safety event to the listeners and the webhook.
    """
    try:
        moderator = moderator or get_moderator()
        verdict = moderator.check(text, direction=direction)
    except Exception as exc:  # fail closed: nothing unmoderated goes out
        log.error("moderation failed (%s), blocking: route=%s", type(exc).__name__, route)
        return error_verdict(direction if direction in ("input", "output") else "input")
    if verdict.escalate and student_id is not None:
        settings = getattr(moderator, "settings", None)
        try:
            event = safety_event(verdict, student_id=student_id, route=route, text=text, settings=settings)
        except Exception as exc:  # an escalation problem never unblocks or breaks the answer
            log.error("safety event failed (%s): route=%s", type(exc).__name__, route)
        else:
            escalate(event, settings)
    return verdict


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


# ------------------------------------------------------------------------------ escalation
@dataclass(frozen=True)
class SafetyEvent:
    """What a trusted adult's system receives: ids and categories, never text unless configured."""

    event_id: str
    time: str  # ISO 8601, UTC
    student_hash: str | None  # salted sha256 of the student id, as in the audit log
    categories: tuple[str, ...]
    llama_guard: tuple[str, ...]
    action: str
    direction: str
    route: str | None = None
    text: str | None = None  # only with AIVO_SAFETY_WEBHOOK_INCLUDE_TEXT=true

    def to_json(self) -> dict:
        data = asdict(self)
        data["categories"], data["llama_guard"] = list(self.categories), list(self.llama_guard)
        if data["text"] is None:
            del data["text"]
        return data


def safety_event(
    verdict: Verdict,
    *,
    student_id: str | None = None,
    route: str | None = None,
    text: str | None = None,
    settings: Settings | None = None,
) -> SafetyEvent:
    settings = settings or get_settings()
    return SafetyEvent(
        event_id=uuid.uuid4().hex,
        time=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        student_hash=student_hash(settings or get_settings(), student_id) if student_id is not None else None,
        categories=verdict.categories,
        llama_guard=verdict.llama_guard,
        action=verdict.action,
        direction=verdict.direction,
        route=route,
        text=text if settings.safety_webhook_include_text else None,
    )


# In-process listeners (tests, an audit log, metrics): called with every escalated event.
LISTENERS: list[Callable[[SafetyEvent], None]] = []


def escalate(event: SafetyEvent, settings: Settings | None = None) -> bool:
    """Tell the listeners and POST the event to ``AIVO_SAFETY_WEBHOOK_URL``; never raises.

    Returns True when the webhook answered 2xx (False when it failed or none is set).
    """
    for listener in list(LISTENERS):
        try:
            listener(event)
        except Exception as exc:
            log.warning("safety listener failed (%s): event=%s", type(exc).__name__, event.event_id)
    try:
        settings = settings or get_settings()
        url = settings.safety_webhook_url
        if not url:
            log.info("safety event %s student=%s categories=%s (no webhook set)",
                     event.event_id, (event.student_hash or "-")[:12], ",".join(event.categories))
            return False
        request = urllib.request.Request(
            url, data=json.dumps(event.to_json()).encode(), method="POST",
            headers={"Content-Type": "application/json", "User-Agent": "aivo-brain-safety/1"},
        )
        start = time.perf_counter()
        with urllib.request.urlopen(request, timeout=settings.safety_webhook_timeout_s) as response:
            ok = 200 <= response.status < 300
        log.info("safety event %s student=%s categories=%s webhook=%s (%.0f ms)", event.event_id,
                 (event.student_hash or "-")[:12], ",".join(event.categories), response.status,
                 (time.perf_counter() - start) * 1000)
        return ok
    except Exception as exc:
        log.error("safety webhook failed (%s): event=%s", type(exc).__name__, event.event_id)
        return False


# ------------------------------------------------------------------------------ command line
def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m brain.moderation", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check", help="moderate one text and print the verdict")
    check.add_argument("text")
    check.add_argument("--direction", choices=["input", "output"], default="input")
    ev = sub.add_parser("eval", help="run the safety evaluation set; write benchmarks/results/safety.{json,md}")
    ev.add_argument("--set", dest="path", default=None, help="JSONL evaluation set (default: the shipped one)")
    ev.add_argument("--out", default="benchmarks/results", help="directory for safety.json and safety.md")
    ev.add_argument("--show-misses", action="store_true", help="print the ids and texts of misses")
    ev.add_argument("--no-heldout", action="store_true",
                    help="skip the blind held-out sets (brain/safety/heldout-*.jsonl); they never change the exit code")
    args = parser.parse_args(argv)

    if args.command == "check":
        verdict = moderate(args.text, args.direction)
        print(json.dumps({**verdict.to_dict(), "rules": list(verdict.rules), "scores": verdict.scores,
                          "message": verdict.message}, indent=2))
        return 0
    from brain.safety.evaluate import (
        evaluate,
        evaluate_heldout,
        print_report,
        write_report,
    )

    moderator = Moderator()
    result = evaluate(args.path, moderator=moderator)
    if args.path is None and not args.no_heldout:  # the shipped set, with the blind sets beside it
        result["heldout"] = evaluate_heldout(moderator)
    print_report(result, show_misses=args.show_misses)
    paths = write_report(result, args.out)
    print("wrote " + ", ".join(str(p) for p in paths))
    return 0 if result["targets_met"] else 1  # the shipped set's targets only


if __name__ == "__main__":
    raise SystemExit(main())
