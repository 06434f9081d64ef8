"""Read an ELA question from what a child typed, and derive its answer where that is exact.

    read_ela("What is the plural of mouse? I wrote mouses but my teacher says it's wrong.")
    # ElaTask(topic='plurals', asked='plural', target='mouse', sentence=None, answer='mice',
    #         accept=(), student_answer='mouses')
    read_ela("Yesterday she ___ (run) to school.").answer        # 'ran'
    read_ela("What part of speech is 'quickly' in 'She ran quickly'?").sentence  # 'She ran quickly'
    read_ela("What is 7 x 8?")                                    # None

It reads five kinds of question (case-insensitive; straight and curly quotes alike; chatter
around the question is ignored):

- plurals: "plural of X", "more than one X", "one X, two ___", "how do you spell X for more
  than one", "make X plural", "how do you say two X?";
- verb_tenses: "past tense / past participle / present / future / progressive of X", "put X
  in the past tense", a blank with the verb in brackets ("Yesterday she ___ (run) to school":
  the tense comes from the helper before the blank (has -> participle, will -> future, is ->
  progressive), the words "past/present/future", or a time cue such as "yesterday"),
  "what tense is ...";
- parts_of_speech: "what part of speech / what kind of word is X (in 'S')", "is X a noun or
  a verb", "which word is the verb in 'S'", "find the adjective in 'S'";
- vocabulary: "what does X mean", "meaning of X", "define X", "synonym of / another word for
  X", "antonym / opposite of X", prefix and suffix questions;
- punctuation: "fix / correct the punctuation / capitals / commas / apostrophe in 'S'",
  "fix this sentence: 'S'", "where does the comma go in 'S'", "its or it's in 'S'";
- choice: "Which is correct / punctuated correctly: 'A' or 'B'?" when no kind above matches.

Every kind also gets ``options``, the choices offered: the quoted phrases after "which is
correct", or two labels before a question mark ("a subject pronoun or an object pronoun?",
"active or passive?").

The answer is derived only for plurals and for past tense / past participle, by
``brain.quality.ela_words`` (the irregular-word table, then the regular rules); it is None
where those are unsure (a consonant + o or an -f noun not in the table, a word already
plural or past) and for every other kind of question. ``student_answer`` is the word (or
quoted phrase) after "I wrote / I put / I said / I think it's / my answer is / I got / I
spelled it / is it ...?", or "the plural of X is Y"; it is dropped when it is the answer or
an accepted form. Math (digits with operators, equations, "solve") gives None.

It misses: questions that name no word or sentence ("I don't get plurals"), sentences not
quoted and not after a colon that follows "sentence", "this", "punctuation", "blank"..., a quoted sentence that holds a possessive apostrophe before a
space ('the dogs' bones' ends early), several questions in one message (the first kind
found wins), and it never checks that the target is really a noun or a verb.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from brain.quality.ela_words import participle, past, plural


@dataclass(frozen=True)
class ElaTask:
    topic: str            # plurals | verb_tenses | parts_of_speech | vocabulary | punctuation | choice
    asked: str            # plural; past | past_participle | present | future | progressive | tense; ...
    target: str | None    # the word asked about, lower-case
    sentence: str | None  # the quoted sentence the question is about, as typed
    answer: str | None    # exact answer: plurals and past tense / past participle only
    accept: tuple[str, ...] = ()        # other correct forms
    student_answer: str | None = None   # the child's own answer, lower-case, when stated
    options: tuple[str, ...] = ()       # the choices offered ("Which is correct: 'A' or 'B'?", "a noun or a verb")


W = r"[\"']?-?([a-z][a-z'\-]*[a-z]|[a-z])-?[\"']?"    # a word, maybe quoted (or a word part: un-, -ful)
OPT = r"(?:the (?:word|verb|noun|term) |this word:? |the |a |an |word |verb |noun )?"
VOPT = r"(?:the (?:word|term|phrase) |this word:? |word )?"
POS = r"(?:noun|pronoun|verb|adjective|adverb|preposition|conjunction|interjection|article|determiner)s?"
STOP = frozenset(
    "of the a an this that these those it is are and or to in for me you them more one two what which i "
    "word words thing things plural noun verb tense form sentence please here there so but my your its "
    "mean means meaning answer same different right wrong correct".split())
SAY_STOP = STOP | frozenset(
    "incorrect because too confused stuck no nothing something like not really sure maybe hard easy was "
    "called spelled supposed "
    "on help how why when um uh just that's it's confusing mixed lost yes both down".split())
MATH = re.compile(
    r"\d\s*(?:[-+*/×÷=^<>]|x(?=\s*\d)|times|plus|minus|divided by)\s*\(?\s*-?\s*\d|[a-z\d)]\s*=\s*[-\d(a-z]"
    r"|\d\s*%\s*of\s*\d|\b(?:solve|simplify|equation|evaluate)\b")
QUOTE = re.compile(r"\"([^\"]+)\"|(?<![^\s(:,\[])'(.+?)'(?=[\s.,;:!?)\]]|$)")


def _norm(text: str) -> str:
    text = text.translate(str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "`": "'"}))
    return re.sub(r"\s+", " ", text).strip()


def _find(low: str, patterns, stop=STOP) -> str | None:
    """The first pattern's word that is not a stop word."""
    for pattern in patterns:
        for m in re.finditer(pattern, low):
            if m.group(1) not in stop:
                return m.group(1)
    return None


class _Prompt:
    def __init__(self, prompt: str):
        self.text = _norm(prompt)
        self.low = "".join(c.lower() if len(c.lower()) == 1 else c for c in self.text)  # same length
        self.quotes = [(m.start(), m.end(), (m.group(1) or m.group(2)).strip()) for m in QUOTE.finditer(self.text)]

    def sentence(self) -> str | None:
        """The longest quoted phrase with a space in it, else the words after "sentence:", "blank:", "this:"..."""
        longs = [q for _, _, q in self.quotes if " " in q]
        if longs:
            return max(longs, key=len).strip()
        m = re.search(r"\b(?:sentences?|this|these|punctuation|capitals|letters|commas?|apostrophes?|marks?|blank|"
                      r"tense|in|to|below|following|it|mistakes?|errors?|correctly|here):\s*([^:?]*[a-z][^:]*)$",
                      self.text, re.IGNORECASE)
        if m and " " in m.group(1).strip():
            return m.group(1).strip().strip("\"'")
        return None

    def quoted_word(self) -> str | None:
        words = [q.lower().strip("-.,!?") for _, _, q in self.quotes if re.fullmatch(r"-?[a-z][a-z'\-]*", q, re.I)]
        return words[0] if words else None


def _plural(p: _Prompt) -> ElaTask | None:
    target = _find(p.low, [
        r"plural (?:form |version )?(?:of|for) " + OPT + W,
        r"spell " + OPT + W + r",? (?:for|when there(?:'s| is| are)|if there(?:'s| is| are)|with|if) "
        r"(?:is |are )?(?:more than one|many|two|lots)",
        r"(?:make|making|turn|change|put|write) " + OPT + W + r" (?:into |in |to )?(?:a |the )?plural",
        r"\b" + W + r" (?:in|into|as) (?:the |a )?plural",
        r"\bone " + W + r"\s*[,;.]?\s*(?:and )?two\b",
        r"more than one " + W,
        r"(?:say|spell|write|call) two " + W + r"\s*\?",
        r"\b(?:a|an|one|my) " + W + r"\b[^?]{0,60}?\b(?:two|three|more than one|many|lots) of them\b",
    ])
    if target is None:
        return None
    answer, accept = plural(target)
    return ElaTask("plurals", "plural", target, None, answer, accept)


def _verb(p: _Prompt) -> ElaTask | None:
    low, target, asked = p.low, None, None
    for name, pattern in [
        ("past_participle", r"past participle (?:form )?(?:of|for) " + OPT + W),
        ("past", r"(?:past tense|past form|simple past|past)(?: tense)? (?:form |version )?(?:of|for) " + OPT + W),
        ("present", r"present tense (?:form )?(?:of|for) " + OPT + W),
        ("future", r"future tense (?:form )?(?:of|for) " + OPT + W),
        ("progressive", r"(?:progressive|(?<![a-z])-?ing) (?:tense |form )?(?:of|for) " + OPT + W),
        ("*", r"(?:put|change|turn|make|write|say|use) " + OPT + W
              + r" (?:in|into|to|as) (?:the |a )?(past participle|past|present|future|progressive)"),
        ("*", r"(?:make|is|be) " + OPT + W + r" (past participle|past|present|future)(?: tense)?\b"),
        ("*", r"\b" + W + r" in (?:the )?(past participle|past|present|future|progressive) tense"),
    ]:
        m = next((m for m in re.finditer(pattern, low) if m.group(1) not in STOP), None)
        if m:
            target, asked = m.group(1), name if name != "*" else m.group(2).replace(" ", "_")
            break
    if target is None:
        blank = re.search(r"_{2,}|\bblank\b|\.{3}", low)
        paren = next((m for m in re.finditer(r"\(\s*" + W + r"\s*\)", low) if m.group(1) not in STOP), None)
        if paren and (blank or re.search(r"\b(tense|verb|form|yesterday|tomorrow|ago|last)\b", low)):
            target, asked = paren.group(1), _tense_cue(low, paren.start())
    if target is None and re.search(r"\b(?:what|which) (?:verb )?tense\b", low):
        return ElaTask("verb_tenses", "tense", p.quoted_word(), p.sentence(), None)
    named = re.search(r"\b(past participle|past|present|future|progressive) tense\b|\b(past participle)\b", low)
    if asked is None and named and p.sentence():
        asked = (named.group(1) or named.group(2)).replace(" ", "_")
        return ElaTask("verb_tenses", asked, p.quoted_word(), p.sentence(), None)
    if target is None:
        return None
    answer, accept = past(target) if asked == "past" else participle(target) if asked == "past_participle" \
        else (None, ())
    return ElaTask("verb_tenses", asked, target, p.sentence(), answer, accept)


def _tense_cue(low: str, at: int) -> str:
    """The tense a blank asks for: the helper just before it, then the words of the prompt."""
    before = re.sub(r"(?:_{2,}|\.{3}|\bblank\b)\s*$", "", low[:at].rstrip()).rstrip()
    if re.search(r"\b(?:has|have|had|\w+'ve)(?: (?:already|just|never|not|ever|always))?$", before):
        return "past_participle"
    if re.search(r"\b(?:will|shall|going to)(?: not)?$", before):
        return "future"
    if re.search(r"\b(?:am|is|are|was|were|be|been|\w+'re|\w+'m)(?: not)?$", before):
        return "progressive"
    for asked, cue in [("past_participle", r"past participle"), ("past", r"\bpast\b"), ("present", r"\bpresent\b"),
                       ("future", r"\bfuture\b|\btomorrow\b|\bnext (?:week|year|month|time|summer)\b"),
                       ("past", r"\byesterday\b|\bago\b|\blast (?:night|week|year|month|summer|time|weekend)\b"),
                       ("present", r"\bevery (?:day|morning|week)\b|\busually\b|\balways\b")]:
        if re.search(cue, low):
            return asked
    return "tense"


def _part_of_speech(p: _Prompt) -> ElaTask | None:
    low = p.low
    patterns = [r"part of speech (?:is|for) " + OPT + "%s", r"(?:kind|type|sort) of (?:a )?word is " + OPT + "%s",
                r"\bis " + OPT + "%s" + r",? (?:a|an) (?:[a-z]+ )?" + POS, r"\bis " + OPT + "%s" + r" used as (?:a|an) " + POS]
    quoted = r"[\"']([a-z][a-z']*)[\"']"  # a quoted stop word counts: is 'and' a conjunction?
    target = _find(low, [x % W for x in patterns]) or _find(low, [x % quoted for x in patterns], ())
    whole = re.search(r"(?:which|what) words? (?:is|are) (?:the |a |an )?" + POS
                      + r"|\b(?:find|circle|underline|name|identify|list|what are|what is|what's|which is) "
                      + r"(?:the |all the )?" + POS + r"\b|part of speech|\bactive or passive|\bpassive or active", low)
    if target is None and not whole:
        return None
    return ElaTask("parts_of_speech", "part_of_speech", target or p.quoted_word(), p.sentence(), None)


def _vocabulary(p: _Prompt) -> ElaTask | None:
    low = p.low
    part = r"['\"]?-?([a-z]+)-?['\"]?"
    for asked, patterns in [
        ("prefix", [r"(?:prefix|prefixes) (?:in|of|for) " + OPT + W, r"prefix " + part + r" (?:mean|stand)",
                    r"prefix " + part + r"\?", r"\bprefix\b.*?\b(?:in|to|of) " + W]),
        ("suffix", [r"(?:suffix|suffixes) (?:in|of|for) " + OPT + W, r"suffix " + part + r" (?:mean|stand)",
                    r"suffix " + part + r"\?", r"\bsuffix\b.*?\b(?:in|to|of) " + W]),
        ("synonym", [r"synonyms? (?:of|for|to) " + OPT + W,
                     r"(?:another|other|different) words? (?:for|like) " + OPT + W,
                     r"means the same(?: thing)? as " + OPT + W,
                     r"words? (?:that is |that's )?similar (?:in meaning )?to " + VOPT + W]),
        ("antonym", [r"antonyms? (?:of|for|to) " + OPT + W, r"opposite (?:of|for) " + OPT + W]),
        ("meaning", [r"what (?:does|do|did) " + VOPT + W + r" mean", r"meaning of " + VOPT + W,
                     r"\bdefine " + VOPT + W, r"definition (?:of|for) " + VOPT + W, r"what is " + W + r" mean"]),
    ]:
        if asked in ("prefix", "suffix") and not re.search(rf"\b{asked}(es)?\b", low):
            continue
        target = _find(low, patterns)
        if target is None and asked in ("meaning", "synonym", "antonym") and re.search(
                {"meaning": r"what does (?:it|this|that)(?: word)? mean|\bdefine\b|meaning of",
                 "synonym": r"\bsynonym", "antonym": r"\bantonym|\bopposite of (?:it|this|that)"}[asked], low):
            target = p.quoted_word()
            if target is None:
                continue
        if target is not None:
            return ElaTask("vocabulary", asked, target, p.sentence(), None)
    return None


MARKS = (r"(?:punctuation|punctuate|capital letters?|capitals|capitali[sz]ation|apostrophes?|commas?|periods?|"
         r"full stops?|question marks?|exclamation (?:marks?|points?)|quotation marks|end marks?)")
PUNCT = re.compile(
    r"\b(?:fix|correct|check|add|edit|proofread|insert|punctuate|capitali[sz]e)\b.*" + MARKS
    + r"|\bwhere (?:does|do|should|would|did|can) (?:the |a |an |i (?:put|add) (?:the |a |an )?)?" + MARKS
    + r"|\b(?:fix|correct|edit|proofread)\b (?:this|the|my|that) sentence\b"
    + r"|\b(?:its|your|whose|their|whos)\W{0,3} or \W{0,3}(?:it's|you're|who's|they're)\b"
    + r"|\b(?:it's|you're|who's|they're)\W{0,3} or \W{0,3}(?:its|your|whose|their)\b")
PUNCT_SENTENCE = re.compile(  # these only count with a sentence to fix
    MARKS + r".*\b(?:right|correct|wrong|missing|go|goes|belong|need|needs)\b|\b(?:need|needs|missing)\b.*" + MARKS)


def _punctuation(p: _Prompt) -> ElaTask | None:
    if PUNCT.search(p.low) or (PUNCT_SENTENCE.search(p.low) and p.sentence()):
        return ElaTask("punctuation", "fix", None, p.sentence(), None)
    return None


CUE = re.compile(
    r"\b(?P<cue>(?:i|and) (?:wrote|put|said|answered|got|chose|picked|spelled|spelt|guessed|typed)(?: it)?"
    r"(?: as| down| like)?"
    r"|i think (?:it's|it is|its|the answer is|it was|that it's|it means|it should be)|(?:my|the) answer (?:is|was)"
    r"|(?:plural|past tense|past participle) of [\"']?[a-z]+[\"']? is"
    r"|(?P<ask>is the (?:plural|past tense|past participle) of [\"']?[a-z]+[\"']?|is it))\s+(?:a |an |the )?")


def _student(p: _Prompt) -> str | None:
    quotes = {start: (end, q) for start, end, q in p.quotes}
    for m in CUE.finditer(p.low):
        rest = p.low[m.end():]
        if m.end() in quotes:
            said, end = quotes[m.end()][1].lower().strip(" .,!?;:"), quotes[m.end()][0] - m.end()
        else:
            w = re.match(W, rest)
            if not w or w.group(1) in SAY_STOP:
                continue
            said, end = w.group(1), w.end()
        after = rest[end:]
        if m.group("cue").endswith("put") and re.match(r"\s*(?:in|into)\b", after):
            continue
        if m.group("ask") and not re.match(r"\s*(?:[?.!,]|$)", after):
            continue
        if said:
            return said
    return None


CHOICE = re.compile(r"\b(?:which|what)(?: one| sentence| way| word)? (?:is|sounds|looks) (?:more |the most )?"
                    r"(?:correct|right|better|grammatical|punctuated correctly|spelled correctly|written correctly)"
                    r"|\bwhich (?:is|one is) (?:correct|right)")
LABELS = re.compile(r"\b(?:an? )?([a-z]+(?: (?:pronoun|noun|verb|clause|phrase|sentence|voice|tense))?) or "
                    r"(?:an? )?([a-z]+(?: (?:pronoun|noun|verb|clause|phrase|sentence|voice|tense))?)(?:\s*\?|\s*$|\s+in\b)")


def _options(p: _Prompt) -> tuple[str, ...]:
    """The choices the question offers: its quoted phrases after "which is correct", or "A or B?" labels."""
    if CHOICE.search(p.low) and len(p.quotes) >= 2:
        return tuple(q.strip(" .,!?") for _, _, q in p.quotes)
    for question in re.split(r"(?<=[?.!])\s+", p.low):
        m = LABELS.search(question.rstrip())
        if m and not {m.group(1), m.group(2)} & STOP:
            return m.group(1), m.group(2)
    return ()


def _choice(p: _Prompt) -> ElaTask | None:
    """"Which is correct: 'A' or 'B'?" when no other reader knows the topic."""
    if CHOICE.search(p.low) and len(p.quotes) >= 2:
        return ElaTask("choice", "choice", None, None, None)
    return None


@lru_cache(maxsize=256)  # serving reads one prompt twice (its item, then its checker's task)
def read_ela(prompt: str) -> ElaTask | None:
    """The ELA question in ``prompt`` (see the module docstring), or None when it is not one."""
    if not isinstance(prompt, str) or not prompt.strip():
        return None
    p = _Prompt(prompt[:4000])
    if MATH.search(p.low):
        return None
    for reader in (_punctuation, _verb, _plural, _part_of_speech, _vocabulary, _choice):
        task = reader(p)
        if task is not None:
            said = _student(p)
            if said and task.answer and (said == task.answer or said in task.accept):
                said = None
            return replace(task, student_answer=said, options=_options(p))
    return None
