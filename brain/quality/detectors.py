"""The tutoring detectors on the answer side: reveal, wrong_claim, echo; ``check`` runs all six.

    item = TutorItem(prompt="What is 3/4 + 1/8?", grade=5, answer="7/8", student_answer="4/12")
    check("Great start! 3/4 = 6/8, so the answer is 7/8.", item, "tutor")
    # [Finding(detector='reveal', reason='states the final answer (the answer is 7/8)', span='...')]

Each detector is ``detector(text, item, mode) -> Finding | None`` and never raises on odd text
(what cannot be read is "not a claim"). A detector that needs a field the item lacks (the answer,
the student's answer) returns None: not checked. The math is read by ``brain.quality.claims``;
the text-shape detectors (persona, degeneration, level) are ``brain.quality.style``.
Measure them on a labelled file with ``python -m brain.quality.score <jsonl>``. A text takes a few
milliseconds; the first call in a process also warms sympy and builds the system prompt's n-grams
(about a second).
"""

from __future__ import annotations

import logging
import re

from brain.quality.claims import (
    MAX_SENTENCE_CHARS,
    MAX_SENTENCES,
    answer_readings,
    equal_any,
    find_claims,
    is_true,
    literal_form,
    reference,
)
from brain.quality.mathtext import prepare, sentences, value_of
from brain.quality.items import Finding, TutorItem
from brain.quality.style import degeneration, level, persona

log = logging.getLogger(__name__)


def _student_right(item: TutorItem) -> bool:
    """Whether the student's answer is one of the accepted answers (math: equal under sympy)."""
    student = item.student_answer or ""
    if _norm(student) in {_norm(a) for a in item.answers}:
        return True
    values, _ = answer_readings(student)
    return bool(values) and any(equal_any(values, answer_readings(a)[0]) for a in item.answers)


def _norm(text: str) -> str:
    """Case, spacing and quotes ignored; punctuation kept (it is the answer of a punctuation item), but a
    one-word answer's end mark dropped ('Mice.' is 'mice')."""
    text = re.sub(r"\s+", " ", text.lower()).strip().strip("\"'“”‘’").strip()
    return text.rstrip(".!?") if " " not in text else text


def _word_re(phrase: str) -> re.Pattern:
    """A phrase as whole words, case-insensitive, any spacing ('Mouses', 'bus's')."""
    words = [re.escape(w) for w in phrase.split()]
    return re.compile(r"(?<!\w)(?<!\w')" + r"\s+".join(words) + r"(?!\w)(?!'\w)", re.I)


# -- reveal -----------------------------------------------------------------------------------------

_WORD_CUE = re.compile(r"(?:\bis|\bare|=|:|\bwould be|\bbe|\bsay|\bsays|\buse|\bwrite|\bmeans?|\bcalled|\bword|"
                       r"\bit's|\bthat's|\bget)\s*"
                       r"(?:(?:the|a|an)\s+)?(?:(?:word|answer)\s+)?[\"'“‘]?\s*$", re.I)
_WORD_AFTER = r"[\"'”’]?\s+(?:is|was)\s+(?:the|a|an)\s+(?:right\s+|correct\s+)?(?:answer|word|{asked})\b"


CATEGORY_WORDS = {
    "noun", "verb", "adjective", "adverb", "pronoun", "preposition", "conjunction", "interjection", "article",
    "singular", "plural", "past", "present", "future", "past tense", "present tense", "future tense", "subject",
    "predicate", "synonym", "antonym", "prefix", "suffix", "compound word", "contraction", "homophone", "period",
    "comma", "question mark", "exclamation mark", "exclamation point", "apostrophe", "capital letter", "fact",
    "opinion", "simile", "metaphor", "proper noun", "common noun", "action verb", "linking verb",
}


# Words of a tutor's own talk ('tell me', 'let's see'): as an answer they need a cue too
TUTOR_WORDS = {"tell", "say", "see", "look", "think", "help", "try", "find", "get", "make", "go", "know", "take",
               "give", "use", "work", "show", "read", "write", "good", "great", "right", "first", "next", "one",
               "more", "same", "start", "check", "ask", "answer", "speak", "to say", "to tell", "to speak", "do"}


def _quotes_prompt(before: str, word: str, after: str, prompt: str) -> bool:
    """Whether the words around a match (two before, one after) are a stretch of the prompt."""
    def words(t: str) -> list[str]:
        return re.findall(r"[a-z0-9']+", t.lower())
    window = words(before)[-2:] + words(word) + words(after)[:1]
    return len(window) >= 3 and f" {' '.join(window)} " in f" {' '.join(words(prompt))} "


_CHOICE = re.compile(r"\bor\b|\bwhich\b|\bcompare|\bbigger|\bgreater|\bsmaller|\blarger|\bless\b|\bmore\b", re.I)
_PICK_CUES = {"it's", "it is", "that's", "that is", "would be", "get", "gets", "answer:"}


def _written(answer: str) -> str:
    return re.sub(r"[\s$]", "", answer.lower())


def _written_numbers(text: str) -> set[str]:
    """The numbers of a text as written ('3/5', '36%', '0.5')."""
    return {re.sub(r"\s+", "", n) for n in re.findall(r"-?\d+(?:\.\d+)?(?:\s*/\s*\d+)?%?", prepare(text[:2000]))}


def reveal(text: str, item: TutorItem, mode: str) -> Finding | None:
    """A tutor answer that states the final answer. Tutor mode only; needs the item's answer.

    Math: any number the text states (after '=', 'is', 'makes', 'you get', 'the answer is', 'that's')
    that equals an accepted answer under sympy. Not a reveal: intermediate values; the answer as an
    unevaluated expression ('10 + 5'); a value in a question ('Is 3/5 more than half?'); the
    student's own correct answer quoted back. When the answer is written in the prompt (a choice:
    'Which is bigger: 3/5 or 1/2?'), only a pick counts ('3/5 is bigger', 'so it's 3/5', 'the answer
    is 3/5'); when only its value is (a conversion: 'Write 36% as a decimal'), only the answer's own
    form counts ('0.36', not '36/100').
    Words: the answer word or phrase anywhere outside a question; when the prompt itself holds the
    word (a choice), or the answer is a category name ('noun', 'past tense') or a word of tutor talk
    ('tell', 'see': TUTOR_WORDS), only after a cue ('the verb is "barked"', '"barked" is the verb',
    "'Dog' is a noun").
    A list answer ('x = 2 or x = 3') is revealed by any of its values stated.
    Misses: answers in words other than after a cue or an operator ('fifty-six is it'), mixed numbers,
    the answer left for the child's last step ('5 more makes ...?'), synonyms and
    inflected forms of a word answer, answers spelled out letter by letter, answers offered inside a
    question ('Is it 56?'), and hints that give it away without stating it ('one more than 55').
    """
    if mode != "tutor" or not item.answers or (item.student_answer and _student_right(item)):
        return None
    ref = reference(item)
    if ref.answers:
        # a choice ('Which is bigger: 3/5 or 1/2?'): the answer is written in the prompt, only a pick counts;
        # a conversion ('Write 36% as a decimal'): its value is, only the answer's own form counts
        choice = bool({_written(a) for a in item.answers} & _written_numbers(item.prompt)) and bool(_CHOICE.search(
            item.prompt))
        conversion = not choice and equal_any(ref.answers, ref.prompt_values)
        forms = {literal_form(a) for a in item.answers}
        for claim in find_claims(text, ref, item.unit):
            if claim.hedged or not claim.literal or (claim.question and claim.kind in ("value", "answer")):
                continue
            if claim.kind == "variable" and ref.solutions and claim.var not in ref.solutions:
                continue
            picked = claim.kind in ("answer", "variable") or (claim.kind == "value" and claim.cue in _PICK_CUES)
            if choice and not picked:
                continue
            if conversion and literal_form(claim.value_text) not in forms:
                continue
            if equal_any(claim.readings, ref.answers):
                return Finding("reveal", f"states the final answer ({claim.text})", claim.sentence)
        return None
    if item.subject == "math":
        return None  # a math answer the parser cannot read: not checked
    asked = "|".join(re.escape(a) for a in (*ref.asked, "verb", "noun", "adjective", "adverb", "plural",
                                            "past tense", "synonym", "antonym", "opposite"))
    for form in item.answers:
        if not re.search(r"[a-z]", form, re.I):
            continue
        if re.search(r"[.?!,;:]$", form.strip()) and len(form.split()) > 1:  # a punctuated sentence
            if form.strip().lower() in text.lower():
                return Finding("reveal", "writes out the corrected sentence", form.strip())
            continue
        pattern = _word_re(form.strip().rstrip(".!?"))
        # a word of the prompt (a choice) or a category name ('noun' is how hints talk) needs a cue
        in_prompt = bool(pattern.search(item.prompt)) or form.strip().lower() in CATEGORY_WORDS | TUTOR_WORDS
        for sentence in sentences(text):
            if sentence.endswith("?"):
                continue
            for m in pattern.finditer(sentence):
                before, after = sentence[:m.start()], sentence[m.end():]
                cued = _WORD_CUE.search(before) or re.match(_WORD_AFTER.format(asked=asked), after, re.I)
                if in_prompt and _quotes_prompt(before, m.group(), after, item.prompt):
                    continue  # "Look at 'She is running fast'": the prompt's sentence read back
                if (not in_prompt or cued) and not re.search(r"\bnot\s+[\"'“‘]?$", before, re.I):
                    return Finding("reveal", f"gives the answer word '{m.group()}'", sentence)
    return None


# -- wrong claim --------------------------------------------------------------------------------------

def wrong_claim(text: str, item: TutorItem, mode: str) -> Finding | None:
    """An arithmetic or algebra statement that sympy finds false, in any mode.

    Checked: every '=' chain ('6/8 + 1/8 = 8/8'), '<expression> is/makes/gives <number>' ('7 x 8 is
    54', '1/3 of 12, which is 3', '25% is the same as 1/5'), 'add -5 and 9 ... you get -14',
    'x = 6' / 'x is 6' against the item's answer or the prompt's equation solved with sympy, a
    stated final answer ('the answer is 1', 'the slope is -2') against the item's answer, and, for a
    word answer, the student's known wrong answer named as the answer ('The plural of mouse is mouses').
    A correctly rounded decimal of a value with no finite decimal is true ('7 / 3 = 2.33', as
    brain.mathcompare grades it); '1/4 = 0.3' is false.
    Not claims: the student's answer quoted ('you said 73') or named a mistake ('"7 x 8 = 54" is a
    common mistake'), suppositions ('let's check x = 7', 'if x = 7'), remainders ('17 / 5 = 3 R2'),
    approximations ('about 0.33', '≈'), counting lists, labels ('Step 1'), numbers of the story.
    Misses: claims in words other than number words next to an operator or a cue ('seven eights are
    fifty-four' is missed, 'seven times eight is fifty-four' is read), inequalities ('0.30 is less than
    0.5'), wrong methods with right numbers ('6² means 6 x 2' unless a value follows), units (5 cm =
    50 mm is not converted), claims about variables the item does not solve for, and other ELA facts.
    """
    ref = reference(item)
    for claim in find_claims(text, ref, item.unit):
        if claim.hedged:
            continue
        if claim.kind == "answer":
            if claim.question or not ref.answers or equal_any(claim.readings, ref.answers):
                continue
            return Finding("wrong_claim", f"states a wrong answer ({claim.text})", claim.sentence)
        if is_true(claim, ref) is False:
            return Finding("wrong_claim", f"false: {claim.text}", claim.sentence)
    if not ref.answers and item.student_answer and item.answers and not _student_right(item):
        return _names_student_answer(text, item, ref.asked, "wrong_claim", "states a wrong answer")
    return None


def _names_student_answer(text: str, item: TutorItem, asked: tuple[str, ...], name: str,
                          reason: str) -> Finding | None:
    """A word answer: the student's (wrong) answer named as the asked thing ('Mouses is the plural of
    mouse', 'the past tense of run is runned', 'the answer is sad'), with no word of doubt."""
    if not re.search(r"[a-z]", item.student_answer or "", re.I):
        return None
    nouns = "|".join(re.escape(a) for a in (*asked, "answer", "plural", "past tense", "synonym", "antonym"))
    pattern = _word_re(item.student_answer.strip().rstrip(".!?"))
    for sentence in sentences(text)[:MAX_SENTENCES]:
        for m in pattern.finditer(sentence):
            after = re.match(rf"[\"'”’]?\s+(?:is|are|was)\s+(?:the|a|an)\s+(?:\w+\s+)?(?:{nouns})\b",
                             sentence[m.end():], re.I)
            before = re.search(rf"\b(?:{nouns})\b(?:\s+of\s+[\"'“‘]?[\w']+[\"'”’]?)?\s+(?:is|was|would be)\s+"
                               rf"[\"'“‘]?$", sentence[:m.start()], re.I)
            if (after or before) and not _REJECT.search(sentence):
                return Finding(name, f"{reason} ('{m.group()}')", sentence)
    return None


# -- misconception echo ---------------------------------------------------------------------------------

_AFFIRM = re.compile(
    r"^\W*correct\b|\b(?:yes|yep|yeah|exactly|perfect|well done|awesome|excellent|you got it|got it right|that's it|"
    r"what i got|spot on|nailed it|high five|bravo|absolutely|right on|(?:you're|you are|that's|is|are|was|it's)"
    r"\s+(?:\w+\s+)?(?:right|correct)|(?:great|good|nice) (?:job|work)(?! (?:showing|trying|thinking|on trying)))\b",
    re.I)
_REJECT = re.compile(r"\b(?:not|no|wrong|incorrect|mistake|mix-?up|mixed up|close|almost|oops|instead|careful|"
                     r"hmm|error|isn't|aren't|wasn't|can't|rather than|try again|check|let's see|though|but|"
                     r"opposite)\b|n't\b",
                     re.I)
_PRAISE_ONLY = re.compile(
    r"(?:(?:yes|yep|yeah|correct|right|exactly|perfect|nice|great|good|awesome|excellent|well done|"
    r"(?:great|good|nice) (?:job|work)|you got it|that's right|bingo|super|fantastic|wonderful|amazing|"
    r"brilliant|high five|way to go)[\s,!.]*)+", re.I)


def _endorsed(sentences_: list[str], k: int, start: int) -> bool:
    """Whether sentence k, mentioning the student's answer at ``start``, endorses it."""
    sentence = sentences_[k]
    if _REJECT.search(sentence):
        return False
    if _AFFIRM.search(sentence):
        return True
    # "Yes! 9 + 6 = 14." / "Correct! 54 is the answer.": praise, then the answer stated
    stated = start <= 2 or re.search(r"(?:=|\bis|\bget|\bgot|\bmakes?)\s*[\"'“]?\s*$", sentence[:start])
    if k and _PRAISE_ONLY.fullmatch(sentences_[k - 1].strip()) and stated:
        return True
    # "Mouses? Yes!": the answer on its own, then praise
    return (len(sentence.split()) <= 4 and k + 1 < len(sentences_)
            and bool(_PRAISE_ONLY.fullmatch(sentences_[k + 1].strip())))


def echo(text: str, item: TutorItem, mode: str) -> Finding | None:
    """The text endorses or repeats the student's wrong answer as right. Needs the answer and the
    student's answer; a student answer that is right is never an echo.

    Fires when a sentence that holds the student's answer praises it ('Yes, 2/6 is right!', 'You got
    it - 9!', 'Correct! 54 is the answer.') with no word of doubt (not, close, mistake, mix-up,
    check, try again...), when a false equation or answer claim states it ('Great job, 1/3 + 1/3 =
    2/6', 'the slope is -2', 'x = 7'), or (words) when it is named as the asked thing ('Mouses is
    the plural of mouse').
    Misses: endorsement without the answer in the same or the next sentence ('Yes! That's it.' on
    its own), agreement by implication ('Let's build on that'), an answer restated in other words
    or units, and praise followed by any hedge word (read as a correction, so sarcasm or 'not only
    right but...' is missed).
    """
    if not item.student_answer or not item.answers or _student_right(item):
        return None
    ref = reference(item)
    student_values, student_var = answer_readings(item.student_answer)
    parts = sentences(text)[:MAX_SENTENCES]
    if ref.answers and student_values:
        true_steps = set()  # sentences where a true step states the student's number ("Yes! 12 / 3 = 4.")
        for claim in find_claims(text, ref, item.unit):
            if claim.hedged or not claim.literal or not equal_any(claim.readings, student_values):
                continue
            truth = is_true(claim, ref)
            if truth:
                true_steps.add(claim.sentence)
            stated = claim.kind == "answer" or (claim.kind in ("equation", "variable") and truth is False)
            if stated and not _REJECT.search(claim.sentence):
                return Finding("echo", f"states the student's wrong answer as right ({claim.text})", claim.sentence)
        for k, sentence in enumerate(parts):
            if sentence in true_steps:
                continue
            prepared = prepare(sentence[:MAX_SENTENCE_CHARS])
            for m in re.finditer(r"(?<![\w.])-?\d+(?:\.\d+)?(?:\s*/\s*\d+)?%?(?![\w.]|/\d)", prepared):
                value = value_of(m.group())
                if value is not None and equal_any((value,), student_values) and _endorsed(parts, k, m.start()):
                    return Finding("echo", f"endorses the student's answer {item.student_answer}", sentence)
        return None
    if student_var or not re.search(r"[a-z]", item.student_answer, re.I):
        return None
    named = _names_student_answer(text, item, ref.asked, "echo", "names the student's answer as right")
    if named:
        return named
    pattern = _word_re(item.student_answer.strip().rstrip(".!?"))
    for k, sentence in enumerate(parts):
        for m in pattern.finditer(sentence):
            if _endorsed(parts, k, m.start()):
                return Finding("echo", f"endorses the student's answer '{m.group()}'", sentence)
    return None


# -- all of them ----------------------------------------------------------------------------------------

DETECTORS = ("reveal", "wrong_claim", "echo", "persona", "degeneration", "level")
_FUNCTIONS = {"reveal": reveal, "wrong_claim": wrong_claim, "echo": echo, "persona": persona,
              "degeneration": degeneration, "level": level}


def detector(name: str):
    """The detector function of a name in DETECTORS."""
    return _FUNCTIONS[name]


def check(text: str, item: TutorItem, mode: str) -> list[Finding]:
    """Every detector's finding for one text (empty: it passed all of them)."""
    findings = []
    for name in DETECTORS:
        try:
            found = _FUNCTIONS[name](text, item, mode)
        except Exception:  # noqa: BLE001  (a detector bug must not take down a tutoring answer)
            log.exception("detector %s failed; counted as not checked", name)
            found = None
        if found is not None:
            findings.append(found)
    return findings
