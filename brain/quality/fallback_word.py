"""Next-step questions for math asked in words: compare, convert, percent, area, word problems.

    word_steps("Which is bigger, 1/5 or 1/2?", grade=3)
    # ["Think of one thing cut into 5 pieces and one cut into 2. Which pieces are bigger?", ...]

Each rule is a phrase pattern (``RULES``, first match wins) and a function that builds
step questions from the numbers the phrase holds: the questions name the operation or
the first step (a formula, a common denominator, 10% first) and leave the computing to
the child. Nothing here states a result; the caller (``brain.quality.fallback``) still
checks every number against the answer. A word problem no rule knows gets the question
of which operation fits.
"""

from __future__ import annotations

import re
from collections.abc import Callable

N = r"-?\d+(?:\.\d+)?(?:/\d+)?"  # a number as typed: 12, 0.45, 3/4, -7


def _nums(text: str) -> list[str]:
    return re.findall(r"(?<![\w.])" + N, text)


def _den(frac: str) -> str | None:
    return frac.split("/")[1] if "/" in frac else None


def _bottom(grade: int) -> str:
    return "denominator" if grade >= 5 else "bottom number"


def _compare(m: re.Match, grade: int) -> list[str]:
    a, b = m.group("a"), m.group("b")
    if a.startswith("-") or b.startswith("-"):
        return ["On a number line, bigger numbers sit farther to the right. Which of the two sits farther right?",
                "On a number line, which number sits farther to the right?"]
    if "/" in a and "/" in b:
        (na, da), (nb, db) = a.split("/"), b.split("/")
        if na == nb:
            return [f"Think of one thing cut into {da} pieces and one cut into {db}. Which pieces are bigger?",
                    "Which is bigger: a piece from something cut into a few parts, or into many parts?"]
        if da != db:
            return [f"What common {_bottom(grade)} could {da} and {db} share? Then compare the top numbers.",
                    f"What common {_bottom(grade)} could the two fractions share?"]
        return ["The bottom numbers match. Which top number is bigger?"]
    if "." in a or "." in b:
        return ["Give both numbers the same number of decimal places. Which one has more hundredths?",
                "Compare the tenths digits first. Which is bigger?"]
    return ["Which number sits farther to the right on a number line?"]


def _percent_of(m: re.Match, grade: int) -> list[str]:
    p, n = m.group("p"), m.group("n")
    if p == "10":
        return [f"To find 10%, split the number into 10 equal parts. What is {n} ÷ 10?",
                "To find 10%, split the number into 10 equal parts."]
    if p in ("25", "50", "75"):
        part = {"25": "1/4", "50": "1/2", "75": "3/4"}[p]
        return [f"{p}% is the same as {part}. What is {part} of {n}?", f"What fraction is the same as {p}%?",
                f"What is 10% of {n}? Use it to build up to {p}%."]
    return [f"What is 10% of {n}? Use it to build up to {p}%.", f"What fraction is the same as {p}%?",
            "Percent means out of 100. What fraction could you write first?"]


def _percent_decimal(m: re.Match, grade: int) -> list[str]:
    return [f"Percent means out of 100. What is {m.group('p')} ÷ 100?",
            "Percent means out of 100. How many places does the decimal point move?"]


def _fraction_percent(m: re.Match, grade: int) -> list[str]:
    a, b = m.group("f").split("/")
    if 100 % int(b) == 0:
        return [f"Percent means out of 100. What do you multiply {b} by to get 100?",
                "Percent means out of 100. What fraction out of 100 is the same?"]
    return [f"What is {a} ÷ {b} as a decimal?", "Percent means out of 100. What fraction out of 100 is the same?"]


def _find_whole(m: re.Match, grade: int) -> list[str]:
    part, p = m.group("part"), m.group("p")
    return [f"If {part} is {p}% of the number, what is 1% of it? Then find 100%.",
            "What number times that percent gives the part? Try writing the percent as a fraction."]


def _fraction_decimal(m: re.Match, grade: int) -> list[str]:
    a, b = m.group("f").split("/")
    if b == "100":
        return ["Hundredths go two places after the decimal point. Where does each digit go?",
                "Which place is the hundredths place?"]
    return [f"A fraction bar means divide. What is {a} ÷ {b}?",
            "Could you make the bottom number 100 or 1000 first?"]


def _fraction_of(m: re.Match, grade: int) -> list[str]:
    a, b = m.group("f").split("/")
    return [f"First find 1/{b} of {m.group('n')}. What is {m.group('n')} ÷ {b}?",
            "First split the number into equal parts. How many parts?"]


def _absolute(m: re.Match, grade: int) -> list[str]:
    return [f"Absolute value is the distance from zero. How many steps is {m.group('a')} from zero?",
            "Absolute value is the distance from zero. Can a distance be negative?"]


def _distance(m: re.Match, grade: int) -> list[str]:
    return [f"How far is {m.group('a')} from zero, and how far is {m.group('b')} from zero? Then add those.",
            "How far is each number from zero?"]


def _money_percent(m: re.Match, grade: int) -> list[str]:
    price, p = m.group("price"), m.group("p")
    return [f"First find {p}% of ${price}. Then do you add it or take it away?",
            f"First find {p}% of the price. Then do you add it or take it away?"]


def _percent_change(m: re.Match, grade: int) -> list[str]:
    a, b = m.group("a"), m.group("b")
    return [f"How much did it change from {a} to {b}? Then divide that change by the starting amount.",
            "How much did it change? Then compare that change with the starting amount."]


def _interest(m: re.Match, grade: int) -> list[str]:
    return [f"How much interest is earned in one year? Start with {m.group('p')}% of ${m.group('price')}.",
            "How much interest is earned in just one year?"]


def _up_down(m: re.Match, grade: int) -> list[str]:
    return [f"First find the new price after it goes up. What is {m.group('p')}% of ${m.group('price')}?",
            "First find the new price after it goes up. Then take the percent of that new price."]


def _area(m: re.Match, grade: int) -> list[str]:
    text = m.string.lower()
    nums = _nums(text)
    shapes = re.findall(r"rectangle|\ba square\b|triangle|parallelogram|trapezoid|circle", text)
    if "two rectangles" in text or len(set(shapes)) > 1:
        first = f"What is {nums[0]} × {nums[1]}? " if len(nums) >= 4 and "two rectangles" in text else ""
        return [f"Find the area of each part first, then add them. {first}".strip(),
                "Find the area of each part first, then add them."]
    shape = shapes[0] if shapes else ""
    if shape == "rectangle" and re.search(r"how (?:wide|long)|width|length\?", text) and "area of" in text:
        return [f"Area is length times width. What number times {nums[-1]} gives {nums[0]}?",
                "Area is length times width. Which operation undoes multiplying?"]
    if shape == "a square":
        return ["A square's sides are all the same length. What do you multiply to find its area?"]
    if shape == "triangle":
        return ["A triangle is half of a rectangle. What is base × height, and then what is half of that?",
                "A triangle is half of a rectangle. What do you do after base × height?"]
    if shape == "parallelogram":
        return ["For a parallelogram, which length do you multiply by the base: the slanted side or the height?"]
    if shape == "trapezoid":
        return ["What do you get when you add the two bases? Then multiply by the height and take half.",
                "Start by adding the two bases. What comes next?"]
    if shape == "circle":
        if "diameter" in text:
            return [f"The radius is half the diameter. What is half of {nums[0]}?",
                    "The radius is half the diameter. Which one goes in pi × r × r?"]
        return [f"The area of a circle is pi × r × r. What is {nums[0]} × {nums[0]}?",
                "The area of a circle is pi × r × r. What is r × r here?"]
    return ["Which two lengths do you multiply for a rectangle's area?"]


def _story(text: str) -> list[str]:
    """Word problems: name the operation the story asks for, or the first step."""
    return next((list(steps) for pattern, steps in WORD_CUES if re.search(pattern, text)), [])


# A story's cue words -> steps (first match wins); the operation is asked for, not done.
WORD_CUES: list[tuple[str, tuple[str, ...]]] = [
    (r"ladder", ("The ladder, the wall and the ground make a right triangle. Which side is the longest?",
                 "Which rule links the three sides of a right triangle?")),
    (r"charges \$\d+ plus", ("First take away the fixed fee from the bill. What is left for the hours?",
                             "What part of the bill is the fixed fee, and what part is for the hours?")),
    (r"quarters?\b.*\bdimes?", ("How many cents is one quarter worth, and how many cents is one dime worth?",)),
    (r"per hour|miles per", ("'Per hour' means for each 1 hour. Will you multiply or divide the miles by the time?",)),
    (r"at the same speed", ("How far does it go in 1 hour? Start there.",)),
    (r"ratio", ("How many groups of the ratio fit in the number you know? Then scale the other part the same way.",)),
    (r"\bcost \$[\d.]+\. how much does one", ("To find the cost of one, which number do you divide by which?",)),
    (r"recipe uses", ("How many times bigger is the new batch than the old one? Scale the flour the same way.",)),
    (r"temperature", ("Start at the morning temperature on a number line and move up. Do you cross zero?",)),
    (r"holds 1/\d", ("How many of those small parts fit in 1 pound? Then how many fit in all of it?",)),
    (r"each (?:van|bus|car|table|boat) holds", ("Divide, then think about the leftover. Does everyone need a seat?",)),
    (r"batch", ("Each batch needs the same amount. Will you add or multiply, and what happens to the top number?",)),
    (r"of a pizza", ("The pieces are the same size. What happens to the top numbers when you put them together?",)),
    (r"every day for", ("The same distance each day is equal groups. Will you add or multiply?",)),
    (r"times as many", ("'Times as many' means equal groups. Which operation shows that?",)),
    (r"shared equally|equally among|split equally", (
        "Sharing equally means making equal groups. Which operation splits a number into equal groups?",)),
    (r"\bbought\b.*\beach\b", (
        "How much do all of the things cost together? Then take that away from the money at the start.",)),
    (r"\bin each\b|\beach row\b|\bin every\b", (
        "You have equal groups. Will you add or multiply to find how many in all?",)),
    (r"\bleft\b|flew away|went home|were eaten|gave away|given away|popped", (
        "Some went away, so will you add or subtract? Start with the ones place.",)),
    (r"\bmore\b|\baltogether\b|\bin all\b|\btogether\b", (
        "Will you put the groups together or take some away? Which operation is that?",)),
]


# phrase pattern -> step builder; the patterns are matched on the prompt, lower-cased
RULES: list[tuple[str, Callable[[re.Match, int], list[str]]]] = [
    (rf"which (?:\w+ )?is (?:bigger|greater|larger|smaller|less)[,:]? (?P<a>{N}) or (?P<b>{N})", _compare),
    (rf"costs? \$(?P<price>\d+(?:\.\d+)?)[^?]*?(?P<p>\d+)% (?:off|tax|tip)", _money_percent),
    (rf"\$(?P<price>\d+)[^.]*\.[^.]*up (?P<p>\d+)%", _up_down),
    (rf"interest does \$(?P<price>\d+) earn at (?P<p>\d+(?:\.\d+)?)%", _interest),
    (rf"from \$?(?P<a>\d+(?:\.\d+)?) to \$?(?P<b>\d+(?:\.\d+)?)[^?]*percent", _percent_change),
    (rf"(?P<part>{N}) is (?P<p>\d+(?:\.\d+)?)% of what", _find_whole),
    (rf"what is (?P<p>\d+(?:\.\d+)?)% of (?P<n>\d+(?:\.\d+)?)(?![\d/])", _percent_of),
    (rf"(?P<p>\d+(?:\.\d+)?)% as a decimal", _percent_decimal),
    (rf"what percent is (?P<f>\d+/\d+)", _fraction_percent),
    (rf"(?P<f>\d+/\d+) as a decimal", _fraction_decimal),
    (rf"what is (?P<f>\d+/\d+) of (?P<n>\d+)(?![\d/.])", _fraction_of),
    (rf"absolute value of (?P<a>{N})", _absolute),
    (rf"how far apart are (?P<a>{N}) and (?P<b>{N})", _distance),
    (r"\barea\b|\bhow wide\b", _area),
]


def word_steps(prompt: str, grade: int) -> list[str]:
    """Step questions for a math question in words, best first; [] when no rule fits."""
    text = prompt.lower().replace("−", "-")
    for pattern, build in RULES:
        m = re.search(pattern, text)
        if m:
            return build(m, grade)
    return _story(text) if re.search(r"\d", text) else []


def problem_numbers(prompt: str) -> list[str]:
    """The numbers a prompt shows, as typed."""
    return _nums(prompt.lower())
