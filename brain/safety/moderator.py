"""The moderator: rules + learned classifier + profanity classifier decide on every input and output.

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

``Moderator.check`` returns a ``Verdict`` (``brain/safety/verdict.py``: allow, block or support)
and raises on internal errors; ``moderate`` never raises: if the moderator fails, the verdict
blocks with category ``moderation_error``. With a ``student_id``, a self-harm, abuse-disclosure or
grooming verdict is escalated (``brain/safety/escalation.py``). ``get_moderator()`` is the
process-wide moderator, built once. Streamed answers: ``brain/safety/streams.py``.

Run as:
    python -m brain.safety check "text to check" [--direction output]
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from functools import lru_cache

from brain.safety.classifier import get_classifier
from brain.safety.escalation import escalate, safety_event
from brain.safety.messages import SAFE_MESSAGES, SELF_HARM_SUPPORT
from brain.safety.normalize import normalize
from brain.safety.rules import match_rules
from brain.safety.verdict import Direction, Verdict, decide, error_verdict
from brain.settings import Settings, get_settings

log = logging.getLogger(__name__)


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
        languages: bool = True,
    ):
        """``judge(text, direction)`` may add categories (e.g. a larger model used as a judge).

        ``use_classifier=False`` leaves out the learned classifiers (rules and profanity only);
        ``languages=False`` sends every text down the English path (as before issue 15).
        """
        self.languages = languages
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
        if len(text) > LONG_TEXT_CHARS:
            verdicts = [self.check(window, direction=direction) for window in text_windows(text)]
            blocked = [v for v in verdicts if not v.allowed]
            return next((v for v in blocked if v.escalate), blocked[0]) if blocked else verdicts[0]
        if self.languages:
            return self._route_language(text, direction)
        return self.check_english(text, direction)

    def _route_language(self, text: str, direction: Direction) -> Verdict:
        """Spanish, Arabic, Chinese, Vietnamese and unknown languages take brain/safety/lang.py's path;
        English the path below, then the Latin lexicons' high-severity safety net (docs/safety.md, Languages)."""
        from brain.safety import lang

        guess = lang.detect_language(text)
        if guess.language != "en":
            return lang.check_language(self, text, direction, guess)
        verdict = self.check_english(text, direction)
        return verdict if not verdict.allowed else lang.english_safety_net(self, text, direction, verdict)

    def check_english(self, text: str, direction: Direction = "input") -> Verdict:
        """The English path: rules, learned classifier, profanity classifier (and the judge)."""
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
        return decide(list(hits), direction, scores, rules, self.settings.safety_support_message or SELF_HARM_SUPPORT)


# A long text is checked in overlapping windows, cut at spaces: each check's cost stays bounded (the
# normaliser's and the rules' scans grow faster than the text on some inputs, and a check runs in the
# endpoint's event loop), and a short harmful part is not diluted in the classifier by a long harmless
# rest. The longest rule spans about 150 characters; windows overlap by at least 200 after the cuts.
LONG_TEXT_CHARS = 1500
WINDOW_CHARS, WINDOW_STEP, WINDOW_SNAP = 1200, 800, 100


def text_windows(text: str) -> list[str]:
    """``text`` in windows of about ``WINDOW_CHARS``; a start or end moves up to ``WINDOW_SNAP``
    characters to a space, so no window begins or ends inside a word ("s|kill") where one is near."""
    out, start = [], 0
    while True:
        end = start + WINDOW_CHARS
        if end >= len(text):
            out.append(text[start:])
            return out
        space = text.rfind(" ", end - WINDOW_SNAP, end)
        out.append(text[start: space if space > 0 else end])
        start += WINDOW_STEP
        space = text.find(" ", start, start + WINDOW_SNAP)
        start = space + 1 if space >= 0 else start


@lru_cache(maxsize=1)
def get_moderator() -> Moderator:
    """The process-wide moderator (classifier loaded once)."""
    return Moderator()


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
