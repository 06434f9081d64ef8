"""Math claims in a tutor's text, read exactly: what it states as equal, and what the item's answer is.

    claims = find_claims("3/4 = 6/8. Then 6/8 + 1/8 = 7/8, so the answer is 7/8.", reference(item))
    [(c.kind, c.lhs, c.rhs) for c in claims]
    # [('equation', 3/4, 3/4), ('equation', 7/8, 7/8), ('answer', None, 7/8)]

A claim is one of:
- ``equation``: two sides of an ``a = b = c`` chain, or ``<expression> is/makes/gives <number>``
  ("7 x 8 is 56", "1/3 of 12, which is 3", "25% is the same as 1/5"), or "add -5 and 9 ... you get -14";
- ``variable``: ``x = 4`` / "x is 4";
- ``value``: a number after a cue with nothing to its left ("that's 8", "5 more makes 15");
- ``answer``: a number stated as the answer ("the answer is 1", "the slope is -2", "54 is the answer",
  "3/5 is bigger" when the prompt asks which is bigger).

Words are read as math first ("plus", "times", "divided by", "7 x 8", "÷", "one quarter of 80",
"6²"). Every side is parsed by ``brain.mathcheck.parse_math`` (its size limits hold); a side it
cannot read ends the claim, so odd text gives no claim rather than an error. A claim in a clause
that quotes or supposes ("you wrote", "if", "let's check", "is it") is marked ``hedged``; a claim
in a question is marked ``question``: the detectors decide what those count for. At most the first
20,000 characters, 100 sentences and 600 characters of a sentence are read (a runaway text is
still checked on its start, in bounded time).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sympy as sp

from brain.mathcheck import UNIT_SYMBOLS, NotCheckable, parse_answer, same_value, unit_key
from brain.mathcompare import terminates
from brain.quality.mathtext import Token, math_runs, number_values, prepare, sentences, split_eq, tokens, value_of

# Bounds on what is read (a tutor's answer is a few hundred characters; the rest of a runaway text is not)
MAX_TEXT_CHARS, MAX_SENTENCES, MAX_SENTENCE_CHARS = 20_000, 100, 600

# Words that may follow a stated number in the same clause ("is 4, because", "is 75 cents, which").
CONNECTIVES = {"and", "so", "because", "since", "but", "then", "which", "now", "too", "as", "for", "when",
               "right", "exactly", "again", "here", "there", "in", "on", "not", "all", "total", "altogether",
               "left", "each"}
# Words after a number that make it something else than a stated value ("3/5 more than", "6 groups").
_NOT_A_VALUE = {"more", "less", "bigger", "greater", "larger", "smaller", "than", "times", "groups", "group",
                "equal", "parts", "out", "of", "or", "to", "into", "x", "minus", "plus"}
_CUE = re.compile(r"(?:=\s*|\b(?:answer|solution|result)\s*:\s*|\b(?:is|are|was|equals?|makes?|made|gives?|get|gets|"
                  r"becomes?|would be|will be|has|have|had|"
                  r"(?:is )?the same as|land on|end up with|left with|leaves?|that's|it's|it is|which is|that is)"
                  r"\s*(?:(?:you|us)\s+)?(?:exactly\s+|just\s+|still\s+|now\s+|then\s+)?)$")
_CUE_FOR_LHS = re.compile(r"\s*,?\s*(?:which |that |this |it |and that |so that )?(?:is|are|equals?|makes?|gives?|"
                          r"would be|is the same as|the same as|becomes?|get|gets)\s*"
                          r"(?:exactly\s+|just\s+|still\s+)?")
_DISOWNED = re.compile(r"\s*[\"'”’]?\s*,?\s*(?:is|was|would be|isn't|wasn't)\s+(?:not|wrong|incorrect|false|"
                       r"(?:a|an|the)\s+(?:common\s+|big\s+|small\s+|typical\s+)?(?:mistake|mix-?up|error|trap))\b")
# a number after these words is the second operand of a phrase ("the sum of 3/4 and 1/8 is ..."), not a left side
_OPERAND_OF = re.compile(r"\b(?:and|of|by|from|to|between|with|than|into|over)\s*$")
_TAG_QUESTION = re.compile(r",\s*(?:right|correct|isn't it|ok|okay|see|yes|got it)\s*\?\s*$", re.I)  # "is 56, right?"
_INEXACT = re.compile(r"\s*(?:remainder|rem\b|r\s*\d|with a remainder|left over|and a bit|or so\b)")  # 17 / 5 = 3 R2
_IMPERATIVE = re.compile(r"(?:let's|let us|can you|could you|please|will you)\s+(?:make|get|give)\s*$")
_HEDGE = re.compile(r"\b(?:you|you've|they|he|she)\s+(?:said|wrote|got|put|answered|thought|think|guessed|chose|"
                    r"picked|had|found|tried)\b|\byour answer\b|\bif\b|\bcheck(?:ing)?\b|\bsuppose\b|\btry\b|"
                    r"\bwhat if\b|\bplug|\bnot\b|n't\b|\bmaybe\b|\bguess|\bmistake|\bwrong\b|\berror\b|"
                    r"\binstead of\b|\brather than\b|\bmix-?up|\b(?:kids|students|people|some|many|others)\s+"
                    r"(?:\w+\s+)?(?:think|say|write|get|got|might|often|forget)\b")
_ANSWER_NOUNS = ("final answer", "answer", "solution")
_ASK = re.compile(r"\b(?:what(?:'s| is| are| was)|find|give|write|name|how (?:much|many) is)\s+"
                  r"(?:the|a|an|its|his|her|their|this|that)\s+((?:[a-z-]+\s+){0,1}[a-z-]+?)"
                  r"(?=\s+(?:of|for|in|to|that|when|if)\b|\s*[?.:,]|$)")
_COMPARATIVES = ("bigger", "greater", "larger", "smaller", "less", "more", "longer", "shorter", "heavier",
                 "lighter", "taller")


@dataclass(frozen=True)
class Claim:
    """One statement of equality found in a text. ``rhs`` is the stated value, ``lhs`` what it equals
    (None for a bare value or an answer); ``literal``: rhs is written as a plain number."""

    kind: str  # equation | variable | value | answer
    lhs: sp.Expr | None
    rhs: sp.Expr
    text: str  # the claim as read ("6/8 + 1/8 = 8/8")
    sentence: str  # the sentence of the original text it is in
    literal: bool = False
    readings: tuple[sp.Expr, ...] = ()  # rhs's values when literal ("25%": 25 and 1/4)
    var: str | None = None
    hedged: bool = False
    question: bool = False
    value_text: str = ""  # the stated number as written ("0.02", "2 / 100", "36%")
    cue: str = ""  # the words that state it ("=", "is", "it's", "the answer is")


# -- the item: what a text is checked against ---------------------------------------------------

@dataclass(frozen=True)
class Reference:
    """What a text is checked against: the answer's values, the variables' values, the asked words."""

    answers: tuple[sp.Expr, ...]  # every reading of every accepted form (empty: unknown or not math)
    solutions: dict[str, tuple]  # variable name -> its values (from the answer, or the prompt's equation solved)
    asked: tuple[str, ...]  # what the prompt asks for ("slope", "bigger"), besides "answer"
    prompt_values: tuple[sp.Expr, ...]  # plain numbers written in the prompt


def answer_readings(text: str | None, many: bool = False) -> tuple[tuple[sp.Expr, ...], str | None]:
    """The values of one math answer ('75%' -> 75 and 3/4; 'x = 4' -> 4, 'x'); () when not one value.
    ``many``: a list ('x = 2 or x = 3') gives all its values."""
    if not text:
        return (), None
    try:
        parsed = parse_answer(text)
    except (NotCheckable, Exception):  # noqa: BLE001
        return (), None
    if (len(parsed.items) != 1 and not many) or any(i.equation is not None for i in parsed.items):
        return (), None
    names = {i.var for i in parsed.items}
    return tuple(v for i in parsed.items for v, _ in i.values), names.pop() if len(names) == 1 else None


def reference(item) -> Reference:
    """The item's reference for claims (``item``: a TutorItem)."""
    answers, var = [], item.variable
    if item.subject in (None, "math"):
        for form in item.answers:
            values, named = answer_readings(form, many=True)
            answers.extend(values)
            var = var or named
    prompt = prepare(item.prompt[:MAX_TEXT_CHARS])
    asked = tuple(m.group(1).strip() for m in _ASK.finditer(prompt)) + tuple(
        c for c in _COMPARATIVES if re.search(rf"\b{c}\b", prompt))
    toks = tokens(prompt)
    solutions: dict[str, tuple] = {}
    prompt_values = []
    for i, j, _ in math_runs(toks):
        sides = split_eq(toks[i:j])
        for side in sides:
            prompt_values.extend(number_values(side))
        if len(sides) != 2:
            continue
        lhs, rhs = (value_of(" ".join(t.text for t in s)) for s in sides)
        if lhs is None or rhs is None:
            continue
        eq = lhs - rhs
        if len(eq.free_symbols) != 1:
            continue
        symbol = next(iter(eq.free_symbols))
        if var and str(symbol) != var:
            continue
        if answers and not any(a.is_number for a in answers):
            continue
        if answers:
            solutions[str(symbol)] = tuple(a for a in answers if a.is_number)
            continue
        try:
            if eq.is_polynomial(symbol) and 1 <= sp.degree(eq, symbol) <= 2:
                solutions[str(symbol)] = tuple(r for r in sp.solve(eq, symbol) if r.is_real)
        except Exception:  # noqa: BLE001
            continue
    if var and var not in solutions and answers:
        solutions[var] = tuple(a for a in answers if a.is_number)
    return Reference(tuple(answers), solutions, asked, tuple(prompt_values))


def equal_any(values, others) -> bool:
    """Whether any of ``values`` equals any of ``others`` exactly."""
    return any(same_value(a, b) for a in values for b in others)


# -- claims ---------------------------------------------------------------------------------------

def _written(side: list[Token]) -> str:
    """A side as written, tokens joined tight ('3/4', '-2', '0.02', '36%')."""
    return "".join(t.text for t in side)


def literal_form(text: str) -> str:
    """The form a number is written in: percent, decimal, fraction, mixed or integer ('' when none)."""
    t = re.sub(r"[\s$,]", "", text.strip().lower()).lstrip("+-")
    for form, pattern in (("percent", r"[\d.]+%"), ("decimal", r"\d*\.\d+"), ("fraction", r"\d+/\d+"),
                          ("integer", r"\d+")):
        if re.fullmatch(pattern, t):
            return form
    return ""


def _clause_before(s: str, pos: int) -> str:
    """The text from the last clause boundary (, ; : or sentence start) to ``pos``."""
    head = s[:pos]
    cut = max(head.rfind(","), head.rfind(";"), head.rfind(":"))
    return head[cut + 1:]


def _ends_value(toks: list[Token], j: int, unit_words: set[str]) -> bool:
    """Whether the number ending at token j ends its clause ('is 56.', 'is 75 cents, which ...')."""
    if j >= len(toks) or toks[j].kind == "punct" and toks[j].text not in "'\"":
        return True
    t = toks[j]
    if t.kind == "punct":  # a closing quote
        return _ends_value(toks, j + 1, unit_words)
    if t.text in CONNECTIVES:
        return True
    if t.kind != "word" or t.text in _NOT_A_VALUE:
        return False
    unit = t.text in unit_words or unit_key(t.text) in UNIT_SYMBOLS
    if t.text in ("square", "sq", "cubic") and j + 1 < len(toks):  # "24 square cm"
        return _ends_value(toks, j + 1, unit_words)
    after = toks[j + 1] if j + 1 < len(toks) else None
    return (unit or after is None or after.kind == "punct") and (
        after is None or after.kind == "punct" or after.text in CONNECTIVES)


def find_claims(text: str, ref: Reference, unit: str | None = None) -> list[Claim]:
    """Every math claim of a text (see the module docstring), in order."""
    unit_words = set(re.findall(r"[a-z]+", (unit or "").lower())) | {"cents", "dollars", "cent", "dollar"}
    asked = [re.escape(a) for a in (*_ANSWER_NOUNS, *ref.asked)]
    answer_before = re.compile(rf"\b(?:{'|'.join(asked)})(?:\s+(?:one|number|fraction|decimal|word))?\s+"
                               rf"(?:(?:would|will|should|must)\s+)?$") if asked else None
    answer_after = re.compile(rf"^\s*(?:is|was|would be)\s+(?:the\s+|an?\s+)?(?:correct\s+|right\s+|final\s+)?"
                              rf"(?:{'|'.join(asked)})\b") if asked else None
    out: list[Claim] = []
    for sentence in sentences(text[:MAX_TEXT_CHARS])[:MAX_SENTENCES]:
        s = prepare(sentence[:MAX_SENTENCE_CHARS])
        toks = tokens(s)
        question = sentence.rstrip().endswith("?") and not _TAG_QUESTION.search(sentence)
        prev_end, supposed = None, set()
        for i, j, continues in math_runs(toks):
            start, end = toks[i].start, toks[j - 1].end
            clause = _clause_before(s, start)
            hedged = (bool(_HEDGE.search(clause)) or bool(_DISOWNED.match(s[end:])) or bool(_INEXACT.match(s[end:]))
                      or s[:start].count('"') % 2 == 1 or len(re.findall(r"(?<!\w)'|'(?!\w)", s[:start])) % 2 == 1
                      or (question and bool(re.match(r"\s*(?:is|does|did|do|could|would|can)\b", clause))))
            sides = split_eq(toks[i:j])
            texts = [" ".join(t.text for t in side) for side in sides]
            values = [value_of(t) if t else None for t in texts]
            letters = {t.text for t in toks[i:j] if t.kind == "var"}
            if hedged and any(t.kind == "eq" for t in toks[i:j]):
                supposed |= letters  # "if x = 3, then 3x - 4 = 5": later claims on x suppose it too
            hedged = hedged or bool(letters & supposed)
            base = dict(sentence=sentence, hedged=hedged, question=question)
            for k in range(len(sides) - 1):
                if values[k] is None or values[k + 1] is None or (k == 0 and continues):
                    continue
                var = texts[k] if re.fullmatch(r"[a-z]", texts[k]) else None
                stated = number_values(sides[k + 1])
                out.append(Claim("variable" if var else "equation", values[k], values[k + 1],
                                 f"{texts[k]} = {texts[k + 1]}", literal=bool(stated), readings=stated,
                                 var=var, value_text=_written(sides[k + 1]), cue="=", **base))
            last = sides[-1]
            stated = number_values(last) if len(sides) == 1 else ()
            before = s[:start]
            if stated and _CUE.search(before) and not _IMPERATIVE.search(before) and _ends_value(toks, j, unit_words):
                cue_start = _CUE.search(before).start()
                kind, lhs, lhs_text, var = "value", None, "", None
                named = answer_before.search(s[:cue_start]) if answer_before else None
                if named:
                    kind, cue_start = "answer", max(0, s.rfind(" ", 0, max(0, named.start() - 1)) + 1)
                elif (prev_end is not None and _CUE_FOR_LHS.fullmatch(s[toks[prev_end[1] - 1].end:start])
                      and not _OPERAND_OF.search(s[:toks[prev_end[0]].start])):
                    pi, pj = prev_end
                    lhs_toks = split_eq(toks[pi:pj])[-1]
                    lhs_text = " ".join(t.text for t in lhs_toks)
                    if re.fullmatch(r"[a-z]", lhs_text):
                        kind, var, lhs = "variable", lhs_text, sp.Symbol(lhs_text)
                    elif re.search(r"[-+*/^%]", lhs_text.lstrip("-")):
                        kind, lhs = "equation", value_of(lhs_text)
                        kind = kind if lhs is not None else "value"
                elif re.search(r"\b([a-z])\s+(?:is|would be)\s*$", before):
                    var = re.search(r"\b([a-z])\s+(?:is|would be)\s*$", before).group(1)
                    kind, lhs = "variable", sp.Symbol(var)
                out.append(Claim(kind, lhs, values[-1] if values[-1] is not None else stated[0],
                                 f"{lhs_text + ' ' if lhs_text else ''}{s[cue_start:end].strip()}", literal=True,
                                 readings=stated, var=var, value_text=_written(last),
                                 cue=_CUE.search(before).group().strip(), **base))
            if len(sides) > 1 and number_values(last) and _CUE.search(before) and answer_before and \
                    answer_before.search(s[:_CUE.search(before).start()]) and _ends_value(toks, j, unit_words):
                # "the area is 5 + 3 = 8": the chain's last value is stated as the answer
                out.append(Claim("answer", None, values[-1], s[_CUE.search(before).start():end].strip(),
                                 literal=True, readings=number_values(last), value_text=_written(last), cue="=",
                                 **base))
            if stated and answer_after and answer_after.search(s[end:]):
                out.append(Claim("answer", None, stated[0], f"{texts[-1]}{answer_after.search(s[end:]).group()}",
                                 literal=True, readings=stated, value_text=_written(last), cue="is the answer",
                                 **base))
            prev_end = (i, j)
        out.extend(_operation_claims(s, sentence, question))
    return out


_N = r"-?\d+(?:\.\d+)?(?:/\d+)?"
_RESULT = r"\b(?:you\s+)?(?:get|gets|got|is|makes?|gives?|equals?|leaves?)\s+"
_OPERATIONS = [
    (re.compile(rf"\badd(?:ing)?\s+({_N})\s+(?:and|to)\s+({_N})(?![\d/])[^.;?!]*?{_RESULT}({_N})(?![\d/])"),
     lambda a, b: a + b, "+"),
    (re.compile(rf"\bsubtract(?:ing)?\s+({_N})\s+from\s+({_N})(?![\d/])[^.;?!]*?{_RESULT}({_N})(?![\d/])"),
     lambda a, b: b - a, "from"),
    (re.compile(rf"\bmultiply(?:ing)?\s+({_N})\s+(?:and|by)\s+({_N})(?![\d/])[^.;?!]*?{_RESULT}({_N})(?![\d/])"),
     lambda a, b: a * b, "*"),
    (re.compile(rf"\bsum of\s+({_N})\s+and\s+({_N})\s+(?:is|equals?)\s+({_N})(?![\d/])"), lambda a, b: a + b, "+"),
    (re.compile(rf"\bproduct of\s+({_N})\s+and\s+({_N})\s+(?:is|equals?)\s+({_N})(?![\d/])"), lambda a, b: a * b, "*"),
    (re.compile(rf"\bdifference (?:of|between)\s+({_N})\s+and\s+({_N})\s+(?:is|equals?)\s+({_N})(?![\d/])"),
     lambda a, b: a - b, "-"),
]


def _operation_claims(s: str, sentence: str, question: bool) -> list[Claim]:
    """'When you add -5 and 9, you get -14' -> the claim -5 + 9 = -14."""
    out = []
    for pattern, op, sym in _OPERATIONS:
        for m in pattern.finditer(s):
            a, b, c = (value_of(g) for g in m.groups())
            if a is None or b is None or c is None:
                continue
            hedged = bool(re.search(r"\bif\b|\bcheck|\btry\b", s[:m.start()]))
            out.append(Claim("equation", op(a, b), c, f"{m.group(1)} {sym} {m.group(2)} = {m.group(3)}",
                             sentence, literal=True, readings=(c,), hedged=hedged, question=question,
                             value_text=m.group(3), cue="get"))
    return out


def is_true(claim: Claim, ref: Reference) -> bool | None:
    """Whether a claim holds (None: not checkable; a bare value or answer claim is not checked here)."""
    if claim.lhs is None:
        return None
    lhs, rhs = claim.lhs, claim.rhs
    symbols = {str(s) for s in (lhs - rhs).free_symbols}
    if symbols:
        if not symbols <= set(ref.solutions) or len(symbols) != 1:
            return None
        name = symbols.pop()
        roots = ref.solutions[name]
        if not roots:
            return None
        return any(same_value(lhs.subs(sp.Symbol(name), r), rhs.subs(sp.Symbol(name), r)) for r in roots)
    if same_value(lhs, rhs):
        return True
    places = len(claim.value_text.split(".")[1]) if re.fullmatch(r"-?\d*\.\d+", claim.value_text) else 0
    if places and lhs.is_number and lhs.is_real:
        # "7 / 3 = 2.33", "pi = 3.14": a correctly rounded decimal of a value with no finite decimal
        # (as brain.mathcompare grades it); "1/4 = 0.3" stays false, 1/4 has one
        if lhs.is_rational and terminates(sp.Rational(lhs)):
            return False
        return bool(abs(sp.N(lhs - rhs, 30)) <= sp.Rational(1, 2) / 10**places)
    return False
