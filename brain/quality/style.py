"""The tutoring detectors on the text's shape: persona, degeneration, level.

    persona("The student added -5 and 9.", item, "tutor")          # Finding('persona', ...)
    degeneration("Good job! Good job! Good job!", item, "tutor")   # Finding('degeneration', ...)
    level(text, TutorItem(prompt=..., grade=2), "explain")          # over the grade's reading band?

Same contract as ``brain.quality.detectors`` (which runs them all in ``check``): ``detector(text,
item, mode) -> Finding | None``, deterministic, never raising on odd text.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from brain import readability
from brain.prompts import build_system_prompt
from brain.quality.mathtext import sentences
from brain.quality.items import Finding, TutorItem
from brain.schemas import Accommodation, LearningStyle, Mode, StudentProfile

# -- persona ----------------------------------------------------------------------------------------

_LEARNER = r"(?:student|child|kid|learner|pupil)"
_THIRD_PERSON = re.compile(
    rf"\b(?:the|this|that|our|your|my)\s+{_LEARNER}(?:'s)?(?!\w)|(?:^|[.!?]\s+){_LEARNER}\s+(?:answered|wrote|said|"
    rf"got|added|thinks|seems|needs|is|has|made|confused|should|did|forgot)\b", re.I)
_PRONOUN = re.compile(
    r"\b(?:he|she)\s+(?:\w+ly\s+)?(?:wrote|answered|got|added|subtracted|multiplied|divided|thinks|seems|needs|"
    r"knows|confused|should|forgot|understands|tried|mixed|struggles|made a|has trouble|is confused|is "
    r"struggling|is working|is learning|did not|didn't|doesn't)\b|"
    r"\b(?:ask|help|give|tell|show|remind|encourage|guide|let|praise)\s+"
    r"(?:him|her)\b|\b(?:help|remind|encourage|guide|praise)\s+them\b|"
    r"\bthey\s+(?:\w+ly\s+)?(?:wrote|answered|forgot|understand|struggle|tried|guessed|are confused|got confused|"
    r"mixed up|did not understand|didn't understand|don't understand)\b", re.I)  # numbers never write or forget
_CHARACTER = re.compile(rf"\b{_LEARNER}", re.I)  # the prompt's own student/child: a character or the topic word
_STORY_PRONOUN = re.compile(r"\b(?:he|she|his|her|him|they|them)\b", re.I)
_SYSTEM_OPENING = re.compile(r"\byou are (?:aivo\b|an? (?:[\w-]+,?\s+){0,4}(?:tutor|assistant|teacher|ai|"
                             r"language model)\b)|\bsocratic\b|^\W*(?:never|do not|don't)\s+(?:state|give|tell|reveal|"
                             r"say)\s+(?:them\s+|the student\s+)?(?:the\s+)?(?:final\s+)?answer", re.I)
_SYSTEM_LABEL = re.compile(r"(?:^|\n|[.!?]\s+)\W*(?:student profile|instructions|system(?: prompt)?|grade|"
                           r"accommodations?|subject|mode|reading level|learning style|profile|student|tutor|"
                           r"assistant|user)\s*:", re.I)  # a chat's role names are the prompt's format too


@lru_cache(maxsize=1)
def _system_ngrams() -> frozenset[tuple[str, ...]]:
    """Word 4-grams of every system prompt brain.prompts writes (each mode, band and accommodation)."""
    grams: set[tuple[str, ...]] = set()
    for grade in (2, 5, 8, 12):
        for mode in Mode:
            for style in LearningStyle:
                profile = StudentProfile(student_id="s", grade=grade, reading_level=max(0, grade - 1),
                                         accommodations=list(Accommodation), learning_style=style)
                words = readability.words(build_system_prompt(profile, mode))
                grams.update(zip(words, words[1:], words[2:], words[3:]))
    return frozenset(grams)


def persona(text: str, item: TutorItem, mode: str) -> Finding | None:
    """Talk about the learner in the third person, or an echo of the system prompt.

    Fires on 'the/this/your student|child|kid|learner' and its possessive and 'Student answered ...',
    unless the prompt itself names a student or child (a character: 'A student scored 18 of 24', or
    the ELA word: 'the plural of child'); on 'he wrote', 'she needs', 'they forgot', 'help them',
    unless the prompt uses he/she/they (a story); on 'You are AIVO' / 'You are a ... tutor',
    'Socratic', a rule to itself ('Never give the answer.'); on the system prompt's labels and a
    chat's role names at a line start ('Instructions:', 'Student profile:', 'Grade: 6', 'Tutor:'); and
    on a sentence of six words or more whose word 4-grams are mostly (>= 60%) from brain.prompts'
    system prompts. Plural and generic talk ('many students', 'students often') is fine.
    Misses: third person by name ('Sam needs...'), 'they/them' with other verbs, the system prompt
    paraphrased, and, when the prompt tells a story with a character, every third-person phrase (it
    cannot tell the character from the learner).
    """
    has_character = bool(_CHARACTER.search(item.prompt))
    for sentence in sentences(text):
        m = _THIRD_PERSON.search(sentence)
        if m and not has_character:
            return Finding("persona", f"talks about the learner in the third person ('{m.group().strip(' .!?')}')",
                           sentence)
        m = _PRONOUN.search(sentence)
        if m and not _STORY_PRONOUN.search(item.prompt):
            return Finding("persona", f"talks about the learner as '{m.group()}'", sentence)
        m = _SYSTEM_OPENING.search(sentence)
        if m:
            return Finding("persona", f"echoes the system prompt ('{m.group()}')", sentence)
        words = readability.words(sentence)
        grams = list(zip(words, words[1:], words[2:], words[3:]))
        shared = sum(g in _system_ngrams() for g in grams)
        if len(words) >= 6 and shared >= 3 and shared >= 0.6 * len(grams):
            return Finding("persona", "echoes a sentence of the system prompt", sentence)
    m = _SYSTEM_LABEL.search(text)
    if m:
        return Finding("persona", f"echoes a system prompt label ('{m.group().strip()}')", text[m.start():m.end() + 40])
    return None


# -- degeneration ---------------------------------------------------------------------------------------

MAX_SENTENCE_REPEATS = 2  # the same sentence 3 times is a loop; twice (open and close) is fine
MIN_LOOP_REPEATS = 3  # an n-gram said 3+ times in a row ...
MIN_LOOP_TOKENS = 6  # ... covering 6+ tokens ("no, no, no" is speech; "mice mice mice mice mice mice" is a loop)
LONG_NGRAM = 8  # an 8-gram said 3+ times anywhere in the text is a loop with variation between


def _norm_sentence(sentence: str) -> str:
    return " ".join(re.findall(r"[a-z0-9']+|[=+*/-]", sentence.lower()))


def degeneration(text: str, item: TutorItem, mode: str) -> Finding | None:
    """Repeated sentences or a looping phrase.

    Fires when one normalised sentence (case, punctuation and spacing ignored) occurs 3+ times, when an
    n-gram (n = 1..12 words/numbers) repeats 3+ times in a row over 6+ tokens ('and then and then and
    then', 'mice mice mice ...'), or when an 8-gram occurs 3+ times anywhere. Parallel lists with
    different content ('3 x 1 = 3. 3 x 2 = 6.'), counting sequences and a sentence said twice are fine.
    Misses: loops of paraphrases ('Let's add. We should add. Time to add.'), a text padded with
    different filler, and loops shorter than the thresholds (a phrase said twice).
    """
    counts = Counter(n for n in (_norm_sentence(s) for s in sentences(text)) if len(n.split()) >= 2)
    if counts:
        sentence, times = counts.most_common(1)[0]
        if times > MAX_SENTENCE_REPEATS:
            return Finding("degeneration", f"the same sentence {times} times", sentence)
    tokens = re.findall(r"[a-z0-9']+|[=+*/-]", text.lower())[:4000]
    for n in range(1, 13):
        i = 0
        while i + n <= len(tokens):
            reps = 1
            while tokens[i + reps * n:i + (reps + 1) * n] == tokens[i:i + n]:
                reps += 1
            if reps >= MIN_LOOP_REPEATS and reps * n >= MIN_LOOP_TOKENS and any(
                    re.search(r"[a-z]", t) for t in tokens[i:i + n]):  # '7 + 7 + 7 + 7' is repeated addition
                return Finding("degeneration", f"a phrase repeated {reps} times in a row", " ".join(tokens[i:i + n]))
            i += max(1, (reps - 1) * n) if reps > 1 else 1
    grams = Counter(tuple(tokens[i:i + LONG_NGRAM]) for i in range(len(tokens) - LONG_NGRAM + 1))
    for gram, times in grams.most_common(5):
        if times >= 3 and any(re.search(r"[a-z]", t) for t in gram):
            return Finding("degeneration", f"a phrase said {times} times", " ".join(gram))
    return None


# -- level ----------------------------------------------------------------------------------------------

BAND_TOPS = (2, 5, 8, 12)  # grade bands K-2, 3-5, 6-8, 9-12 (serving.text_checks.grade_band's bands)
READABILITY_SLACK = 4.0  # grades over the band's top allowed (serving.text_checks allows 3 over the own grade)


def band_top(grade: int) -> int:
    """The highest grade of the grade's band: 2 for K-2, 5 for 3-5, 8 for 6-8, 12 for 9-12."""
    return next((top for top in BAND_TOPS if grade <= top), BAND_TOPS[-1])
MIN_WORDS_FOR_GRADE = 20  # Flesch-Kincaid of a shorter text says little; hard words decide there
HARD_SYLLABLES = 4  # a word of 4+ syllables is a hard word, unless it is a plain word ...
PLAIN_WORDS = {"actually", "usually", "especially", "definitely", "everybody", "everything", "information",
               "america", "january", "february", "adhd", "calculator"}  # long, but every child knows them
SCHOOL_WORDS = {  # ... and school words, from the grade they are taught at (Common Core vocabulary)
    3: {"denominator", "denominators", "numerator", "numerators", "equivalent", "multiplication", "multiplying",
        "multiplied", "multiple", "multiples", "division", "dividing", "subtraction", "addition", "decimal",
        "decimals", "fraction", "fractions", "perimeter", "remainder", "hundredths", "thousandths", "rectangle",
        "triangle", "estimation", "operation", "operations", "adjective", "adjectives", "preposition",
        "prepositions", "punctuation", "apostrophe", "exclamation", "vocabulary", "irregular", "paragraph",
        "syllables", "homophone", "homophones", "conjunction", "interjection", "abbreviation", "capitalize"},
    6: {"percentage", "percentages", "equation", "equations", "variable", "variables", "negative", "positive",
        "distributive", "coefficient", "coefficients", "parentheses", "property", "expression", "expressions",
        "exponent", "exponents", "integer", "integers", "quotient", "inequality", "coordinate", "coordinates",
        "perpendicular", "parallelogram", "polygon", "diameter", "circumference", "probability", "proportional",
        "ratio", "ratios", "numerical", "mathematical", "geometry", "algebra", "algebraic"},
}


def school_words(grade: int) -> set[str]:
    """The long words a child of this grade is expected to know (PLAIN_WORDS and SCHOOL_WORDS so far)."""
    return PLAIN_WORDS.union(*(words for taught, words in SCHOOL_WORDS.items() if taught <= grade))


_SCHOOL_WORD = "lesson"  # a school word counts as an ordinary two-syllable word in the grade formula
HARD_WORDS = {5: (3, 0.10), 8: (4, 0.12)}  # up to grade 5: 3+ distinct hard words making 10%+ of the words;
# up to grade 8: 4+ and 12%+: over the band
ADHD_MAX_SENTENCE_WORDS = 25  # "small chunks of one or two sentences": a run-on is one that is not
ADHD_MAX_PARAGRAPH_WORDS = 50  # "no long paragraphs"
ADHD_MAX_STEPS_PER_SENTENCE = 2  # "one step at a time": 'then ... then ... finally' in one sentence is 3+
ADHD_MAX_STEPS = 3  # ... and 4+ numbered steps or 'First/Then/Next/Finally' sentences in one answer
ADHD_MAX_WORDS = 80  # serving.text_checks' ADHD length for K-2 (two thirds of 120)
EL_MAX_SENTENCE_WORDS = 25
EL_HARD_WORDS_MIN, EL_HARD_WORDS_SHARE = 2, 0.08
IDIOMS = (  # English-learner answers avoid idioms (brain.prompts' rule); common ones in tutoring talk
    "piece of cake", "beat around the bush", "hang of", "bite-sized", "bite sized", "nail it", "nailed it",
    "in no time", "head around", "in a jiffy", "out of the park", "knock it out", "break a leg", "hit the books",
    "on the ball", "a breeze", "ballpark", "no-brainer", "no brainer", "walk in the park", "cut corners",
    "call it a day", "nail on the head", "bottom line", "easy peasy", "over the moon", "ace it", "crush it",
    "chip away", "get the ball rolling", "back to square one", "up in the air", "hit the ground running",
    "learn the ropes", "a snap", "in a nutshell", "on a roll", "under your belt", "tip of the iceberg",
    "rule of thumb", "long story short", "two birds with one stone", "the whole nine yards", "spill the beans",
    "sink in", "hit a wall", "jump the gun", "fair and square", "hang in there", "give it a shot",
    "give it a go", "take a stab", "on the same page", "keep your chin up", "hit the nail", "you've got this",
    "a whole new ball game", "out of this world", "raining cats and dogs", "cost an arm and a leg",
)
_NUMBERED_STEP = re.compile(r"(?:^|\n)\s*(?:\d+[.)]|step \d+\s*[:.)-])\s", re.I)
_STEP_START = re.compile(r"\W*(?:first|then|next|after that|finally|last|lastly|second|third)\b", re.I)
_STEP_MARKERS = re.compile(r"\b(?:then|next|after that|finally|afterwards|or you could|and also|lastly)\b", re.I)


def _hard_words(words: list[str], known: set[str]) -> set[str]:
    return {w for w in words if not w.isdigit() and w not in known
            and readability.syllables(w) >= HARD_SYLLABLES}


def level(text: str, item: TutorItem, mode: str) -> Finding | None:
    """Text over the student's reading band, or against their accommodation.

    The band: Flesch-Kincaid grade (brain.readability, word by word; the grade's school words,
    school_words(), count as plain two-syllable words) at most the top grade of the student's band
    (K-2, 3-5, 6-8, 9-12: serving.text_checks' bands) + 4, for texts of 20+ words. Serving today
    allows the student's own grade + 3 (max(grade, 2) + 3); that is stricter than the formula's noise
    on a few sentences allows (a plain two-sentence grade-4 explanation of multiplying by parts reads
    at 8), while texts worth stopping (jargon, run-ons) read at 12-25. Any text with 3+ distinct hard
    words (4+ syllables, the grade's school words such as 'denominator' excepted) making 10%+ of its
    words is over the band too (grades up to 5; 4+ and 12%+ for grades 6-8; no limit above).
    ADHD: a sentence over 25 words, a paragraph over 50 words, 3+ step markers ('then', 'next',
    'finally') in one sentence, 4+ steps in the answer (numbered lines or sentences opening with
    First/Then/Next/Finally), or over 80 words in all. English learner: an idiom from IDIOMS, a
    sentence over 25 words, or 2+ hard words making 8%+ of the words.
    Misses: rare short words ('quell', 'ire'), jargon of 1-3 syllables ('lexeme', 'addend'), idioms not
    listed, dense formatting for dyslexia, literal language for autism, and meaning (a simple-looking
    text can still be over a child's head). Flesch-Kincaid reads numbers as one syllable, so math-heavy
    text reads easier than it is.
    """
    words = readability.words(text)
    if not words:
        return None
    parts = sentences(text)
    target = band_top(item.grade)
    known = school_words(item.grade)
    if len(words) >= MIN_WORDS_FOR_GRADE:
        plain = [_SCHOOL_WORD if w in known else w for w in words]
        grade = readability.fk_grade(plain, len([p for p in parts if readability.words(p)]))
        if grade > target + READABILITY_SLACK:
            return Finding("level", f"reads at grade {grade:.1f}; band up to {target + READABILITY_SLACK:.0f}",
                           max(parts, key=len))
    hard = _hard_words(words, known)
    most, share = next((v for g, v in HARD_WORDS.items() if item.grade <= g), (len(words) + 1, 1.0))
    if len(hard) >= most and len(hard) >= share * len(words):
        return Finding("level", f"{len(hard)} hard words for grade {item.grade}", ", ".join(sorted(hard)))
    longest = max(parts, key=lambda p: len(readability.words(p)))
    if item.has("adhd"):
        if len(readability.words(longest)) > ADHD_MAX_SENTENCE_WORDS:
            return Finding("level", "ADHD: a long sentence, not a short chunk", longest)
        for paragraph in re.split(r"\n\s*\n|\n(?=\s*(?:\d+[.)]|[-*•])\s)", text):
            if len(readability.words(paragraph)) > ADHD_MAX_PARAGRAPH_WORDS:
                return Finding("level", "ADHD: a long paragraph, not short chunks", paragraph.strip()[:200])
        for p in parts:
            if len(_STEP_MARKERS.findall(p)) > ADHD_MAX_STEPS_PER_SENTENCE:
                return Finding("level", "ADHD: several steps at once, not one at a time", p)
        steps = len(_NUMBERED_STEP.findall(text)) + sum(bool(_STEP_START.match(p)) for p in parts)
        if steps > ADHD_MAX_STEPS:
            return Finding("level", f"ADHD: {steps} steps in one answer, not one at a time", parts[0])
        if len(words) > ADHD_MAX_WORDS:
            return Finding("level", f"ADHD: {len(words)} words; short chunks are at most {ADHD_MAX_WORDS}", parts[0])
    if item.has("english_learner"):
        low = text.lower()
        idiom = next((i for i in IDIOMS if re.search(rf"\b{re.escape(i)}\b", low)), None)
        if idiom:
            return Finding("level", f"English learner: idiom '{idiom}'", idiom)
        if len(readability.words(longest)) > EL_MAX_SENTENCE_WORDS:
            return Finding("level", "English learner: a long sentence", longest)
        if len(hard) >= EL_HARD_WORDS_MIN and len(hard) >= EL_HARD_WORDS_SHARE * len(words):
            return Finding("level", "English learner: hard words", ", ".join(sorted(hard)))
    return None
