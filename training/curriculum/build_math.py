"""Build the math part of the AIVO Brain K-12 curriculum set (curriculum.jsonl).

Every math item is generated here and every answer is computed in Python with
exact arithmetic (fractions.Fraction, decimal.Decimal, ints); generators also
check their own answers (substituting solutions back, re-evaluating
expressions). The ELA items are hand-written and live only in curriculum.jsonl;
this script keeps them untouched and only replaces the math lines.

Run from the repository root:

    .venv/bin/python training/curriculum/build_math.py          # (re)write the math lines
    .venv/bin/python training/curriculum/build_math.py --check  # verify, print counts; exit 1 on a mismatch

Output is deterministic: a fixed seed (SEED) and a fixed generator order, so
running it twice gives the same file. Lines are sorted by grade, then subject,
then id.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path

SEED = 20240901
HERE = Path(__file__).resolve().parent
OUT = HERE / "curriculum.jsonl"
KEYS = ["id", "grade", "subject", "standard", "skill", "question", "answer", "explanation"]

NAMES = ["Maya", "Leo", "Ava", "Noah", "Zara", "Eli", "Priya", "Omar", "Lena", "Kai", "Rosa", "Ben",
         "Ivy", "Sam", "Nia", "Theo"]


# ----------------------------------------------------------------------------- formatting

def frac(value, mixed: bool = True) -> str:
    """Simplest form; a mixed number when above 1 (e.g. '1 3/4'), '-2/3' when negative."""
    f = Fraction(value)
    if f.denominator == 1:
        return str(f.numerator)
    sign = "-" if f < 0 else ""
    f = abs(f)
    whole, rem = divmod(f.numerator, f.denominator)
    if whole and mixed:
        return f"{sign}{whole} {rem}/{f.denominator}"
    return f"{sign}{f.numerator}/{f.denominator}"


def fr(n: int, d: int) -> str:
    """A fraction written as given (not simplified), for questions."""
    return f"{n}/{d}"


def dec(value) -> str:
    """A decimal without trailing zeros or exponent: Decimal('370.0') -> '370'."""
    d = Decimal(value)
    s = format(d.normalize(), "f")
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return "0" if s in {"-0", ""} else s


def money(value) -> str:
    return f"${Decimal(value).quantize(Decimal('0.01'), ROUND_HALF_UP)}"


def lin(m, b, v: str = "x") -> str:
    """Linear expression m*v + b written simply: 'x + 12', '-3x - 4', '7'."""
    if m == 0:
        return str(b)
    s = v if m == 1 else f"-{v}" if m == -1 else f"{m}{v}"
    if b > 0:
        s += f" + {b}"
    elif b < 0:
        s += f" - {-b}"
    return s


def signed(n) -> str:
    """A number as it appears after an operator: 5 -> '5', -5 -> '(-5)'."""
    return f"({n})" if n < 0 else str(n)


TIMES = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine", 10: "ten"}


def skip_count(step: int, times: int) -> str:
    return ", ".join(str(step * i) for i in range(1, times + 1))


def round_half_up(n: int, place: int) -> int:
    return (n + place // 2) // place * place


PLACE_NAME = {10: "tens", 100: "hundreds", 1000: "thousands", 10000: "ten thousands"}
RIGHT_NAME = {10: "ones", 100: "tens", 1000: "hundreds", 10000: "thousands"}


# ----------------------------------------------------------------------------- K-2 (a few)

def k_oa_a2(r):
    a, b = r.randint(1, 5), r.randint(1, 4)
    name = r.choice(NAMES)
    if r.random() < 0.5:
        q = f"{name} has {a} red balls and {b} blue balls. How many balls does {name} have in all?"
        return q, str(a + b), f"Count all the balls together: {a} and {b} more make {a + b}. {a} + {b} = {a + b}."
    a = a + b
    q = f"There are {a} birds on a fence. {b} fly away. How many birds are left?"
    return q, str(a - b), f"Start with {a} and take away {b}. Count back {b}: {a} - {b} = {a - b}."


def k_cc_c7(r):
    a, b = r.sample(range(1, 11), 2)
    big = max(a, b)
    q = f"Which number is greater, {a} or {b}?"
    return q, str(big), f"When we count, {min(a, b)} comes before {big}. The number that comes later is greater, so {big} is greater."


def g1_oa_c6(r):
    a, b = r.randint(5, 9), r.randint(4, 9)
    if r.random() < 0.5:
        q = f"What is {a} + {b}?"
        return q, str(a + b), f"Make a ten: {a} + {10 - a} = 10, and {b - (10 - a)} more makes {a + b}. So {a} + {b} = {a + b}."
    s = a + b
    q = f"What is {s} - {b}?"
    return q, str(a), f"Think addition: {b} + what makes {s}? {b} + {a} = {s}, so {s} - {b} = {a}."


def g1_nbt_c4(r):
    a, b = r.randint(2, 7) * 10 + r.randint(1, 8), r.randint(1, 2) * 10
    q = f"What is {a} + {b}?"
    return q, str(a + b), f"Add the tens: {a // 10} tens + {b // 10} ten{'s' if b >= 20 else ''} = {(a + b) // 10} tens. Keep the {a % 10} ones. That makes {a + b}."


def g2_nbt_b5(r):
    a, b = r.randint(25, 69), r.randint(14, 29)
    if r.random() < 0.5:
        q = f"What is {a} + {b}?"
        return q, str(a + b), f"Add the ones: {a % 10} + {b % 10} = {a % 10 + b % 10}. Add the tens and any new ten: the total is {a + b}."
    q = f"What is {a} - {b}?"
    return q, str(a - b), f"Subtract the ones, then the tens, trading a ten for 10 ones if you need to: {a} - {b} = {a - b}. Check: {a - b} + {b} = {a}."


def g2_oa_a1(r):
    a, b, c = r.randint(20, 40), r.randint(5, 15), r.randint(5, 15)
    name = r.choice(NAMES)
    q = f"{name} had {a} marbles. {name} won {b} more, then gave away {c}. How many marbles does {name} have now?"
    return q, str(a + b - c), f"First add: {a} + {b} = {a + b}. Then subtract: {a + b} - {c} = {a + b - c}."


# ----------------------------------------------------------------------------- grade 3

GROUPS = [("bags", "bag", "apples"), ("boxes", "box", "crayons"), ("shelves", "shelf", "books"),
          ("pages", "page", "stickers"), ("vases", "vase", "flowers"), ("tables", "table", "chairs"),
          ("packs", "pack", "pencils")]


def g3_oa_a1(r):
    a, b = r.randint(3, 9), r.randint(2, 9)
    pl, sg, things = r.choice(GROUPS)
    q = (f"There are {a} {pl} with {b} {things} in each {sg}. Write a multiplication fact for this "
         f"story. How many {things} are there in all?")
    return q, str(a * b), (f"There are {a} equal groups of {b}, so we multiply: {a} × {b} = {a * b}. "
                           f"There are {a * b} {things} in all.")


def g3_oa_a4(r):
    a, b = r.randint(3, 9), r.randint(2, 10)
    p = a * b
    if r.random() < 0.5:
        q = f"What number makes this true? {a} × ? = {p}"
        e = f"Think: {a} times what number is {p}? Since {a} × {b} = {p}, the missing number is {b}."
    else:
        q = f"What number makes this true? {p} ÷ ? = {a}"
        e = f"Division and multiplication go together. {a} × {b} = {p}, so {p} ÷ {b} = {a}. The missing number is {b}."
    return q, str(b), e


def g3_oa_c7(r):
    a, b = r.randint(3, 9), r.randint(3, 10)
    if r.random() < 0.5:
        q = f"What is {a} × {b}?"
        return q, str(a * b), (f"{a} × {b} means {a} groups of {b}. Skip count by {b}, {TIMES[a]} times: "
                               f"{skip_count(b, a)}. So {a} × {b} = {a * b}.")
    q = f"What is {a * b} ÷ {a}?"
    return q, str(b), f"Ask yourself: {a} times what number equals {a * b}? {a} × {b} = {a * b}, so {a * b} ÷ {a} = {b}."


def g3_oa_d8(r):
    name = r.choice(NAMES)
    if r.random() < 0.5:
        x, n, k = r.randint(5, 30), r.randint(2, 5), r.randint(3, 8)
        q = (f"{name} has {x} stickers. Then {name} buys {n} packs with {k} stickers in each pack. "
             f"How many stickers does {name} have now?")
        return q, str(x + n * k), (f"First find the stickers in the packs: {n} × {k} = {n * k}. "
                                   f"Then add the ones {name} already had: {x} + {n * k} = {x + n * k}.")
    z, each, e = r.randint(2, 6), r.randint(2, 8), r.randint(1, 9)
    rest = z * each
    t = rest + e
    q = (f"{name} baked {t} cookies and gave {e} to a neighbor. {name} shared the rest equally "
         f"among {z} friends. How many cookies did each friend get?")
    return q, str(each), f"First subtract: {t} - {e} = {rest} cookies left. Then share them equally: {rest} ÷ {z} = {each}."


def g3_nbt_a1(r):
    place = r.choice([10, 100])
    while True:
        n = r.randint(101, 989)
        deciding = (n // (place // 10)) % 10
        if n % place and deciding != 5:
            break
    ans = round_half_up(n, place)
    look = RIGHT_NAME[place]
    how = "5 or more, so we round up" if deciding > 5 else "less than 5, so we round down"
    q = f"Round {n} to the nearest {PLACE_NAME[place][:-1]}."
    return q, str(ans), f"Look at the {look} digit, {deciding}. It is {how}. {n} rounds to {ans}."


def g3_nbt_a2(r):
    if r.random() < 0.5:
        a, b = r.randint(120, 580), r.randint(110, 390)
        q = f"What is {a} + {b}?"
        return q, str(a + b), (f"Add the ones, then the tens, then the hundreds. When a place adds up to 10 "
                               f"or more, regroup into the next place. {a} + {b} = {a + b}.")
    a, b = r.randint(400, 950), r.randint(120, 380)
    q = f"What is {a} - {b}?"
    return q, str(a - b), (f"Subtract place by place, starting with the ones, and regroup when the top digit "
                           f"is smaller. {a} - {b} = {a - b}. Check: {a - b} + {b} = {a}.")


def g3_nbt_a3(r):
    a, t = r.randint(2, 9), r.randint(2, 9)
    m = t * 10
    q = f"What is {a} × {m}?"
    return q, str(a * m), f"{m} is {t} tens. {a} × {t} tens = {a * t} tens, and {a * t} tens is {a * m}."


def g3_nf_a3(r):
    kind = r.choice(["equiv", "same_den", "same_num"])
    if kind == "equiv":
        d, k = r.choice([(2, 2), (2, 3), (2, 4), (3, 2), (4, 2)])
        n = r.randint(1, d - 1)
        q = f"Fill in the missing number so the fractions are equal: {fr(n, d)} = ?/{d * k}"
        assert Fraction(n, d) == Fraction(n * k, d * k)
        return q, str(n * k), (f"The denominator {d} was multiplied by {k} to get {d * k}, so multiply the "
                               f"numerator by {k} too: {n} × {k} = {n * k}. So {fr(n, d)} = {fr(n * k, d * k)}.")
    if kind == "same_den":
        d = r.choice([3, 4, 6, 8])
        a, b = r.sample(range(1, d), 2)
        sym = "<" if a < b else ">"
        q = f"Compare the fractions. Write >, <, or =. {fr(a, d)} ___ {fr(b, d)}"
        return q, sym, (f"Both fractions have {d} equal parts in the whole. {a} parts is "
                        f"{'fewer' if a < b else 'more'} than {b} parts, so {fr(a, d)} {sym} {fr(b, d)}.")
    n = r.choice([1, 1, 2, 3])
    d1, d2 = r.sample([x for x in [2, 3, 4, 6, 8] if x > n], 2)
    sym = ">" if d1 < d2 else "<"
    q = f"Compare the fractions. Write >, <, or =. {fr(n, d1)} ___ {fr(n, d2)}"
    assert (Fraction(n, d1) > Fraction(n, d2)) == (sym == ">")
    return q, sym, (f"The numerators are the same. Cutting a whole into {max(d1, d2)} parts makes smaller pieces "
                    f"than cutting it into {min(d1, d2)} parts, so {fr(n, d1)} {sym} {fr(n, d2)}.")


def g3_md_c7(r):
    l, w = r.randint(3, 10), r.randint(2, 9)
    thing = r.choice(["garden", "rug", "poster", "playground"])
    q = f"A rectangular {thing} is {l} feet long and {w} feet wide. What is its area in square feet?"
    return q, str(l * w), (f"Area is the number of unit squares that cover it. Multiply the side lengths: "
                           f"{l} × {w} = {l * w} square feet.")


def g3_md_d8(r):
    if r.random() < 0.5:
        l, w = r.randint(4, 12), r.randint(2, 9)
        q = f"A rectangle is {l} cm long and {w} cm wide. What is its perimeter in centimeters?"
        return q, str(2 * (l + w)), (f"Perimeter is the distance all the way around. Add all four sides: "
                                     f"{l} + {w} + {l} + {w} = {2 * (l + w)} cm.")
    l, w = r.randint(4, 12), r.randint(2, 9)
    p = 2 * (l + w)
    q = f"A rectangle has a perimeter of {p} inches. Its length is {l} inches. How wide is it, in inches?"
    return q, str(w), (f"The two lengths add to {l} + {l} = {2 * l}. That leaves {p} - {2 * l} = {2 * w} inches for "
                       f"the two widths, so each width is {2 * w} ÷ 2 = {w} inches.")


def g3_md_a1(r):
    h, m, d = r.randint(1, 10), r.choice(range(0, 60, 5)), r.choice(range(15, 60, 5))
    end = h * 60 + m + d
    eh, em = end // 60, end % 60
    act = r.choice(["A soccer practice", "A movie", "A piano lesson", "A science club meeting"])
    q = f"{act} starts at {h}:{m:02d} and lasts {d} minutes. What time does it end?"
    ans = f"{eh}:{em:02d}"
    if m + d >= 60:
        e = (f"Add the minutes: {m} + {d} = {m + d}. That is 1 hour and {m + d - 60} minutes, "
             f"so the time moves to {eh}:{em:02d}.")
    else:
        e = f"Add the minutes: {m} + {d} = {m + d}. The hour stays the same, so it ends at {ans}."
    return q, ans, e


# ----------------------------------------------------------------------------- grade 4

def g4_oa_a3(r):
    if r.random() < 0.5:
        while True:
            n, k = r.randint(40, 150), r.randint(6, 15)
            if n % k:
                break
        ans = n // k + 1
        q = f"{n} students are going on a field trip. Each van holds {k} students. How many vans are needed?"
        return q, str(ans), (f"{n} ÷ {k} = {n // k} R{n % k}. {n // k} vans hold {n // k * k} students, but {n % k} "
                             f"students would be left behind, so we need one more van: {ans} vans.")
    a, b = r.randint(12, 40), r.randint(6, 24)
    c = r.randint(20, a * b - 10)
    q = f"A store has {a} boxes of markers with {b} markers in each box. It sells {c} markers. How many markers are left?"
    return q, str(a * b - c), f"First multiply to find all the markers: {a} × {b} = {a * b}. Then subtract the ones sold: {a * b} - {c} = {a * b - c}."


def factors(n):
    return [d for d in range(1, n + 1) if n % d == 0]


def g4_oa_b4(r):
    if r.random() < 0.5:
        n = r.choice([12, 18, 20, 24, 28, 30, 32, 36, 40, 42, 45, 48])
        fs = factors(n)
        pairs = [f"{d} × {n // d}" for d in fs if d * d <= n]
        q = f"List all the factors of {n}."
        return q, ", ".join(map(str, fs)), f"Find the factor pairs: {', '.join(pairs)}. So the factors of {n} are {', '.join(map(str, fs))}."
    n = r.choice([23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 21, 27, 33, 39, 49, 51, 57, 63, 77, 87, 91])
    fs = factors(n)
    q = f"Is {n} prime or composite?"
    if len(fs) == 2:
        return q, "prime", f"{n} has exactly two factors, 1 and {n}. A number with exactly two factors is prime."
    a = fs[1]
    return q, "composite", (f"{n} = {a} × {n // a}, so it has factors other than 1 and itself. "
                            f"That means {n} is composite.")


def g4_nbt_a3(r):
    while True:
        n = r.randint(1000, 99999)
        place = r.choice([10, 100, 1000] + ([10000] if n >= 10000 else []))
        deciding = (n // (place // 10)) % 10
        if n % place and deciding != 5:
            break
    ans = round_half_up(n, place)
    how = "5 or more, so round up" if deciding > 5 else "less than 5, so round down"
    q = f"Round {n} to the nearest {PLACE_NAME[place][:-1]}."
    return q, str(ans), (f"Look at the digit in the {RIGHT_NAME[place]} place, which is {deciding}. "
                         f"It is {how}. {n} rounds to {ans}.")


def g4_nbt_b4(r):
    if r.random() < 0.5:
        a, b = r.randint(1200, 8999), r.randint(1100, 8999)
        q = f"What is {a} + {b}?"
        return q, str(a + b), (f"Line up the digits by place value and add from right to left, regrouping when a "
                               f"place reaches 10 or more. {a} + {b} = {a + b}.")
    a, b = r.randint(5000, 9999), r.randint(1200, 4999)
    q = f"What is {a} - {b}?"
    return q, str(a - b), (f"Line up the places and subtract from right to left, regrouping when the top digit is "
                           f"smaller. {a} - {b} = {a - b}. Check: {a - b} + {b} = {a}.")


def partial_products(a: int, b: int) -> str:
    """'34 × 27 = 34 × 20 + 34 × 7 = 680 + 238 = 918' (splits b by place)."""
    parts = []
    s = str(b)
    for i, ch in enumerate(s):
        v = int(ch) * 10 ** (len(s) - 1 - i)
        if v:
            parts.append(v)
    if len(parts) == 1:
        return f"{a} × {b} = {a * b}"
    terms = " + ".join(f"{a} × {p}" for p in parts)
    vals = " + ".join(str(a * p) for p in parts)
    assert sum(a * p for p in parts) == a * b
    return f"{a} × {b} = {terms} = {vals} = {a * b}"


def g4_nbt_b5(r):
    if r.random() < 0.5:
        a, b = r.randint(1000, 9999), r.randint(3, 9)
        parts = [int(ch) * 10 ** (3 - i) for i, ch in enumerate(str(a)) if ch != "0"]
        q = f"What is {a} × {b}?"
        e = (f"Break {a} into place values and multiply each part by {b}: "
             f"{' + '.join(f'({p} × {b})' for p in parts)} = {' + '.join(str(p * b) for p in parts)} = {a * b}.")
        assert sum(parts) == a
        return q, str(a * b), e
    a, b = r.randint(12, 98), r.randint(12, 98)
    q = f"What is {a} × {b}?"
    return q, str(a * b), f"Use partial products: {partial_products(a, b)}."


def g4_nbt_b6(r):
    d = r.randint(3, 9)
    qt = r.randint(30, 999)
    rem = r.randint(0, d - 1)
    n = d * qt + rem
    ans = f"{qt} R{rem}" if rem else str(qt)
    q = f"What is {n} ÷ {d}? If there is a remainder, write it as R (for example, 12 R3)."
    e = f"{d} × {qt} = {d * qt}, and {n} - {d * qt} = {rem}."
    e += f" So {n} ÷ {d} = {qt} with a remainder of {rem}." if rem else f" Nothing is left over, so {n} ÷ {d} = {qt}."
    return q, ans, e


def g4_nf_a1(r):
    d = r.choice([2, 3, 4, 5, 6, 8, 10])
    n = r.randint(1, d - 1)
    while math.gcd(n, d) != 1:
        n = r.randint(1, d - 1)
    k = r.randint(2, 6)
    assert Fraction(n, d) == Fraction(n * k, d * k)
    if r.random() < 0.5:
        q = f"Find the missing numerator: {fr(n, d)} = ?/{d * k}"
        return q, str(n * k), (f"{d} × {k} = {d * k}, so multiply the numerator by the same number: "
                               f"{n} × {k} = {n * k}. {fr(n, d)} = {fr(n * k, d * k)}.")
    q = f"Find the missing denominator: {fr(n, d)} = {n * k}/?"
    return q, str(d * k), (f"The numerator went from {n} to {n * k}, which is times {k}. Do the same to the "
                           f"denominator: {d} × {k} = {d * k}.")


def compare_fracs(a, b, c, d):
    L = b * d // math.gcd(b, d)
    x, y = a * (L // b), c * (L // d)
    sym = "<" if x < y else ">" if x > y else "="
    assert (Fraction(a, b) < Fraction(c, d)) == (sym == "<") and (Fraction(a, b) == Fraction(c, d)) == (sym == "=")
    return sym, L, x, y


def g4_nf_a2(r):
    while True:
        b, d = r.sample([3, 4, 5, 6, 8, 10, 12], 2)
        a, c = r.randint(1, b - 1), r.randint(1, d - 1)
        if Fraction(a, b) != Fraction(c, d):
            break
    sym, L, x, y = compare_fracs(a, b, c, d)
    q = f"Compare the fractions. Write >, <, or =. {fr(a, b)} ___ {fr(c, d)}"
    if L in (b, d):
        other, same = ((c, d, y), (a, b)) if L == b else ((a, b, x), (c, d))
        ren = f"{fr(same[0], same[1])} already has denominator {L}, and {fr(other[0], other[1])} = {fr(other[2], L)}."
    else:
        ren = f"{fr(a, b)} = {fr(x, L)} and {fr(c, d)} = {fr(y, L)}."
    return q, sym, f"Rename with a common denominator of {L}: {ren} Since {x} {sym} {y}, {fr(a, b)} {sym} {fr(c, d)}."


def g4_nf_b3(r):
    d = r.choice([3, 4, 5, 6, 8, 10, 12])
    kind = r.choice(["add", "sub", "mixed", "mixed"])
    if kind == "add":
        a, b = r.randint(1, d - 1), r.randint(1, d - 1)
        v = Fraction(a + b, d)
        q = f"What is {fr(a, d)} + {fr(b, d)}? Write your answer in simplest form."
        e = f"The denominators are the same, so add the numerators: {a} + {b} = {a + b}. That gives {fr(a + b, d)}"
    elif kind == "sub":
        a, b = r.sample(range(1, d), 2)
        a, b = max(a, b), min(a, b)
        v = Fraction(a - b, d)
        q = f"What is {fr(a, d)} - {fr(b, d)}? Write your answer in simplest form."
        e = f"The denominators are the same, so subtract the numerators: {a} - {b} = {a - b}. That gives {fr(a - b, d)}"
    else:
        w1, w2 = r.randint(1, 4), r.randint(1, 3)
        n1, n2 = r.randint(1, d - 1), r.randint(1, d - 1)
        v = w1 + w2 + Fraction(n1 + n2, d)
        q = f"What is {w1} {fr(n1, d)} + {w2} {fr(n2, d)}? Write your answer as a mixed number in simplest form."
        e = (f"Add the whole numbers: {w1} + {w2} = {w1 + w2}. Add the fractions: {fr(n1, d)} + {fr(n2, d)} = "
             f"{fr(n1 + n2, d)}. Together that is {w1 + w2} and {fr(n1 + n2, d)}")
        assert v == Fraction(w1 * d + n1, d) + Fraction(w2 * d + n2, d)
    ans = frac(v)
    e += "." if e.endswith(" " + ans) else f", which is {ans}."
    return q, ans, e


def g4_nf_b4(r):
    d = r.choice([3, 4, 5, 6, 8, 10])
    a = r.randint(1, d - 1)
    n = r.randint(2, 6)
    v = Fraction(n * a, d)
    ans = frac(v)
    q = f"What is {n} × {fr(a, d)}? Write your answer in simplest form."
    e = f"{n} × {fr(a, d)} means {n} groups of {fr(a, d)}. Multiply the numerator by {n}: {n} × {a} = {n * a}, so you get {fr(n * a, d)}"
    e += "." if ans == fr(n * a, d) else f", which is {ans}."
    return q, ans, e


def g4_nf_c6(r):
    kind = r.choice(["h", "t", "back"])
    if kind == "h":
        n = r.randint(1, 99)
        q = f"Write {fr(n, 100)} as a decimal."
        ans = dec(Decimal(n) / 100)
        return q, ans, f"{fr(n, 100)} means {n} hundredths. Hundredths go two places after the decimal point, so {fr(n, 100)} = {ans}."
    if kind == "t":
        n = r.randint(1, 9)
        q = f"Write {fr(n, 10)} as a decimal."
        ans = dec(Decimal(n) / 10)
        return q, ans, f"{fr(n, 10)} means {n} tenths. Tenths go one place after the decimal point, so {fr(n, 10)} = {ans}."
    n = r.choice([x for x in range(1, 100) if x % 10])
    dv = dec(Decimal(n) / 100)
    q = f"Write {dv} as a fraction with a denominator of 100."
    return q, fr(n, 100), f"{dv} has {n} in the hundredths, so it means {n} hundredths, which is {fr(n, 100)}."


def g4_nf_c7(r):
    t = r.randint(1, 9)
    h = r.choice([x for x in range(1, 100) if x % 10])
    a, b = Decimal(t) / 10, Decimal(h) / 100
    if r.random() < 0.5:
        a, b = b, a
    sym = "<" if a < b else ">"
    q = f"Compare the decimals. Write >, <, or =. {dec(a)} ___ {dec(b)}"
    ha, hb = int(a * 100), int(b * 100)
    return q, sym, (f"Write both in hundredths: {dec(a)} = {ha} hundredths and {dec(b)} = {hb} hundredths. "
                    f"{ha} {sym} {hb}, so {dec(a)} {sym} {dec(b)}.")


def g4_md_a3(r):
    l, w = r.randint(6, 25), r.randint(3, 15)
    if r.random() < 0.5:
        q = f"A rectangular floor has an area of {l * w} square meters. It is {w} meters wide. How long is it, in meters?"
        return q, str(l), f"Area = length × width, so length = area ÷ width: {l * w} ÷ {w} = {l} meters."
    q = f"A rectangular garden is {l} feet long and {w} feet wide. How many feet of fence go all the way around it?"
    return q, str(2 * (l + w)), f"Fence goes around, so find the perimeter: 2 × ({l} + {w}) = 2 × {l + w} = {2 * (l + w)} feet."


def g4_md_c7(r):
    a, b = r.randint(15, 80), r.randint(15, 80)
    if r.random() < 0.5:
        q = f"Angle ABC is split into two smaller angles that measure {a}° and {b}°. What is the measure of angle ABC in degrees?"
        return q, str(a + b), f"The whole angle is the sum of its parts: {a}° + {b}° = {a + b}°."
    whole = a + b
    q = f"Angle PQR measures {whole}°. A ray splits it into two angles. One of them measures {a}°. How many degrees is the other angle?"
    return q, str(b), f"The two parts add up to the whole, so subtract: {whole}° - {a}° = {b}°."


# ----------------------------------------------------------------------------- grade 5

def g5_oa_a1(r):
    t = r.choice(["a*(b+c)", "(a+b)*c-d", "a+b*c", "[a*(b-c)]/d"])
    if t == "a*(b+c)":
        a, b, c = r.randint(2, 9), r.randint(2, 12), r.randint(2, 12)
        ex, v = f"{a} × ({b} + {c})", a * (b + c)
        e = f"Do the parentheses first: {b} + {c} = {b + c}. Then multiply: {a} × {b + c} = {v}."
    elif t == "(a+b)*c-d":
        a, b, c = r.randint(2, 12), r.randint(2, 12), r.randint(2, 6)
        d = r.randint(1, (a + b) * c - 1)
        ex, v = f"({a} + {b}) × {c} - {d}", (a + b) * c - d
        e = f"Parentheses first: {a} + {b} = {a + b}. Multiply: {a + b} × {c} = {(a + b) * c}. Then subtract: {(a + b) * c} - {d} = {v}."
    elif t == "a+b*c":
        a, b, c = r.randint(2, 20), r.randint(2, 9), r.randint(2, 9)
        ex, v = f"{a} + {b} × {c}", a + b * c
        e = f"Multiply before you add: {b} × {c} = {b * c}. Then add: {a} + {b * c} = {v}."
    else:
        d = r.randint(2, 6)
        a = d * r.randint(1, 4)
        c = r.randint(1, 8)
        b = c + r.randint(1, 9)
        ex, v = f"[{a} × ({b} - {c})] ÷ {d}", a * (b - c) // d
        assert a * (b - c) % d == 0
        e = (f"Work from the inside out. Parentheses: {b} - {c} = {b - c}. Brackets: {a} × {b - c} = {a * (b - c)}. "
             f"Then divide: {a * (b - c)} ÷ {d} = {v}.")
    assert eval(ex.replace("×", "*").replace("÷", "/").replace("[", "(").replace("]", ")")) == v
    return f"Evaluate the expression: {ex}", str(v), e


def g5_nbt_a2(r):
    x = Decimal(r.randint(11, 999)) / Decimal(10) ** r.randint(0, 2)
    k = r.randint(1, 3)
    if r.random() < 0.5:
        v = x * 10 ** k
        q = f"What is {dec(x)} × 10^{k}?"
        return q, dec(v), (f"10^{k} is {10 ** k}. Multiplying by {10 ** k} moves each digit {k} place"
                           f"{'s' if k > 1 else ''} to the left, so {dec(x)} × {10 ** k} = {dec(v)}.")
    v = x / Decimal(10) ** k
    q = f"What is {dec(x)} ÷ 10^{k}?"
    return q, dec(v), (f"10^{k} is {10 ** k}. Dividing by {10 ** k} moves each digit {k} place"
                       f"{'s' if k > 1 else ''} to the right, so {dec(x)} ÷ {10 ** k} = {dec(v)}.")


def g5_nbt_a4(r):
    places = {"whole number": Decimal("1"), "tenth": Decimal("0.1"), "hundredth": Decimal("0.01")}
    right = {"whole number": "tenths", "tenth": "hundredths", "hundredth": "thousandths"}
    while True:
        x = Decimal(r.randint(1001, 99999)) / 1000
        pname = r.choice(list(places))
        quantum = places[pname]
        digit = int((x / quantum * 10) % 10)
        if digit != 5 and x != x.quantize(quantum):
            break
    v = x.quantize(quantum, ROUND_HALF_UP)
    how = "5 or more, so round up" if digit > 5 else "less than 5, so round down"
    q = f"Round {dec(x)} to the nearest {pname}."
    ans = format(v, "f")
    return q, ans, f"Look at the {right[pname]} digit, {digit}. It is {how}. {dec(x)} rounds to {ans}."


def g5_nbt_b5(r):
    a, b = r.randint(105, 989), r.randint(12, 89)
    return f"What is {a} × {b}?", str(a * b), f"Multiply by the tens and the ones separately, then add: {partial_products(a, b)}."


def g5_nbt_b6(r):
    d, qt = r.randint(12, 89), r.randint(12, 99)
    while d * qt > 9999:
        qt -= 10
    n = d * qt
    q = f"What is {n} ÷ {d}?"
    tens, ones = qt // 10 * 10, qt % 10
    if ones:
        e = (f"Find how many groups of {d} fit in {n}, a chunk at a time: {d} × {tens} = {d * tens}, which leaves "
             f"{n} - {d * tens} = {n - d * tens}, and {d} × {ones} = {d * ones}. So {n} ÷ {d} = {tens} + {ones} = {qt}.")
    else:
        e = f"Find how many groups of {d} fit in {n}: {d} × {tens} = {n}, so {n} ÷ {d} = {qt}."
    assert d * tens + d * ones == n
    return q, str(qt), e


def g5_nbt_b7(r):
    kind = r.choice(["add", "sub", "mul", "div"])
    if kind == "add":
        a, b = Decimal(r.choice([x for x in range(101, 999) if x % 10])) / 100, Decimal(r.choice([x for x in range(11, 99) if x % 10])) / 10
        v = a + b
        tail = "" if format(v, ".2f") == dec(v) else f", which is {dec(v)}"
        return (f"What is {dec(a)} + {dec(b)}?", dec(v),
                f"Line up the decimal points, writing {dec(b)} as {format(b, '.2f')}. Add each place: {format(a, 'f')} + {format(b, '.2f')} = {format(v, '.2f')}{tail}.")
    if kind == "sub":
        a, b = Decimal(r.choice([x for x in range(500, 999) if x % 10])) / 100, Decimal(r.choice([x for x in range(11, 49) if x % 10])) / 10
        v = a - b
        tail = "" if format(v, ".2f") == dec(v) else f", which is {dec(v)}"
        return (f"What is {dec(a)} - {dec(b)}?", dec(v),
                f"Line up the decimal points, writing {dec(b)} as {format(b, '.2f')}. Subtract each place: "
                f"{format(a, 'f')} - {format(b, '.2f')} = {format(v, '.2f')}{tail}.")
    if kind == "mul":
        a, b = Decimal(r.choice([x for x in range(11, 99) if x % 10])) / 10, r.randint(2, 9)
        v = a * b
        return (f"What is {dec(a)} × {b}?", dec(v),
                f"Multiply as whole numbers: {int(a * 10)} × {b} = {int(a * 10) * b}. {dec(a)} has one decimal place, "
                f"so the answer has one too: {format(v, 'f')}" + ("." if format(v, "f") == dec(v) else f", which is {dec(v)}."))
    b, qt = r.randint(2, 9), Decimal(r.choice([x for x in range(11, 99) if x % 10])) / 10
    a = qt * b
    return (f"What is {dec(a)} ÷ {b}?", dec(qt),
            f"Divide as with whole numbers and keep the decimal point in the same place: {dec(a)} ÷ {b} = {dec(qt)}. "
            f"Check: {dec(qt)} × {b} = {dec(a)}.")


def g5_nf_a1(r):
    while True:
        b, d = r.sample([2, 3, 4, 5, 6, 8, 10, 12], 2)
        if b % d and d % b or r.random() < 0.4:
            break
    a, c = r.randint(1, b - 1), r.randint(1, d - 1)
    L = b * d // math.gcd(b, d)
    x, y = a * (L // b), c * (L // d)
    if r.random() < 0.5 or x == y:
        v, op, z = Fraction(a, b) + Fraction(c, d), "+", x + y
    else:
        if x < y:
            a, b, c, d, x, y = c, d, a, b, y, x
        v, op, z = Fraction(a, b) - Fraction(c, d), "-", x - y
    ans = frac(v)
    q = f"What is {fr(a, b)} {op} {fr(c, d)}? Write your answer in simplest form."
    e = (f"Use a common denominator of {L}: {fr(a, b)} = {fr(x, L)} and {fr(c, d)} = {fr(y, L)}. "
         f"Then {fr(x, L)} {op} {fr(y, L)} = {fr(z, L)}")
    e += "." if ans == fr(z, L) else f", which is {ans}."
    assert Fraction(z, L) == v
    return q, ans, e


def g5_nf_b4(r):
    if r.random() < 0.7:
        b, d = r.randint(2, 9), r.randint(2, 9)
        a, c = r.randint(1, b - 1) if b > 1 else 1, r.randint(1, d - 1)
        v = Fraction(a, b) * Fraction(c, d)
        ans = frac(v)
        q = f"What is {fr(a, b)} × {fr(c, d)}? Write your answer in simplest form."
        e = f"Multiply the numerators and multiply the denominators: ({a} × {c})/({b} × {d}) = {fr(a * c, b * d)}"
        e += "." if ans == fr(a * c, b * d) else f", which simplifies to {ans}."
        return q, ans, e
    d = r.choice([3, 4, 5, 6, 8])
    a = r.randint(1, d - 1)
    n = d * r.randint(2, 9)
    v = Fraction(a, d) * n
    q = f"What is {fr(a, d)} of {n}?"
    return q, frac(v), (f"\"{fr(a, d)} of {n}\" means {fr(a, d)} × {n}. Find {fr(1, d)} of {n} first: {n} ÷ {d} = {n // d}. "
                        f"Then take {a} of those: {a} × {n // d} = {frac(v)}.")


def g5_nf_b7(r):
    a, n = r.randint(2, 8), r.randint(2, 6)
    if r.random() < 0.5:
        v = Fraction(1, a) / n
        q = f"What is {fr(1, a)} ÷ {n}?"
        return q, frac(v), (f"Sharing {fr(1, a)} into {n} equal parts makes each part {n} times smaller: "
                            f"{fr(1, a)} ÷ {n} = {fr(1, a * n)}. Check: {fr(1, a * n)} × {n} = {frac(Fraction(n, a * n))}.")
    v = n / Fraction(1, a)
    q = f"What is {n} ÷ {fr(1, a)}?"
    return q, frac(v), (f"Ask how many {fr(1, a)}s fit in {n}. Each whole has {a} of them, so {n} wholes have "
                        f"{n} × {a} = {frac(v)}.")


def g5_md_c5(r):
    l, w, h = r.randint(2, 12), r.randint(2, 10), r.randint(2, 9)
    if r.random() < 0.6:
        q = f"A box shaped like a rectangular prism is {l} cm long, {w} cm wide, and {h} cm tall. What is its volume in cubic centimeters?"
        return q, str(l * w * h), f"Volume = length × width × height: {l} × {w} × {h} = {l * w * h} cubic centimeters."
    l2, w2, h2 = r.randint(2, 6), r.randint(2, 6), r.randint(2, 6)
    v1, v2 = l * w * h, l2 * w2 * h2
    q = (f"A figure is made of two rectangular prisms that do not overlap. One is {l} by {w} by {h} units and the other "
         f"is {l2} by {w2} by {h2} units. What is the total volume in cubic units?")
    return q, str(v1 + v2), f"Find each volume and add: {l} × {w} × {h} = {v1} and {l2} × {w2} × {h2} = {v2}. {v1} + {v2} = {v1 + v2} cubic units."


def g5_md_a1(r):
    big, small, k, n = r.choice([("feet", "inches", 12, r.randint(2, 12)), ("yards", "feet", 3, r.randint(3, 25)),
                                 ("meters", "centimeters", 100, r.randint(2, 9)), ("kilograms", "grams", 1000, r.randint(2, 9)),
                                 ("hours", "minutes", 60, r.randint(2, 8)), ("liters", "milliliters", 1000, r.randint(2, 6))])
    if r.random() < 0.6:
        q = f"How many {small} are in {n} {big}?"
        return q, str(n * k), f"There are {k} {small} in 1 {big[:-1] if big != 'feet' else 'foot'}. Multiply: {n} × {k} = {n * k} {small}."
    q = f"How many {big} are in {n * k} {small}?"
    return q, str(n), f"There are {k} {small} in 1 {big[:-1] if big != 'feet' else 'foot'}. Divide: {n * k} ÷ {k} = {n} {big}."


# ----------------------------------------------------------------------------- grade 6

def g6_rp_a1(r):
    g = r.randint(2, 6)
    a, b = r.randint(1, 7), r.randint(1, 7)
    while math.gcd(a, b) != 1 or a == b:
        a, b = r.randint(1, 7), r.randint(1, 7)
    x, y = a * g, b * g
    one, two, place = r.choice([("red marbles", "blue marbles", "a bag"), ("cats", "dogs", "an animal shelter"),
                                ("fiction books", "nonfiction books", "a classroom library"), ("girls", "boys", "a choir")])
    q = f"In {place} there are {x} {one} and {y} {two}. What is the ratio of {one} to {two} in simplest form?"
    return q, f"{a}:{b}", f"The ratio is {x}:{y}. Both numbers can be divided by {g}: {x} ÷ {g} = {a} and {y} ÷ {g} = {b}, so the ratio is {a}:{b}."


def g6_rp_a2(r):
    h, s = r.randint(2, 6), r.choice(range(35, 70, 5))
    q = f"A train travels {h * s} miles in {h} hours at a steady speed. What is its speed in miles per hour?"
    return q, str(s), f"A unit rate tells how much for 1 hour. Divide the miles by the hours: {h * s} ÷ {h} = {s} miles per hour."


def g6_rp_a3(r):
    kind = r.choice(["of", "what_pct", "whole", "unit_price"])
    if kind == "of":
        p, n = r.choice([10, 20, 25, 30, 40, 50, 60, 75, 15, 5]), r.choice(range(20, 201, 20))
        v = Fraction(p * n, 100)
        q = f"What is {p}% of {n}?"
        return q, frac(v), f"{p}% means {p} out of 100, or {fr(p, 100)}. Multiply: {fr(p, 100)} × {n} = {frac(v)}."
    if kind == "what_pct":
        whole = r.choice([20, 25, 40, 50, 80])
        part = whole * r.choice([1, 2, 3, 4]) // 5
        pct = Fraction(part * 100, whole)
        assert pct.denominator == 1
        q = f"{part} is what percent of {whole}?"
        return q, f"{pct}%", f"Write it as a fraction, {fr(part, whole)}, and find the equal fraction out of 100: {fr(part, whole)} = {fr(int(pct), 100)}. So it is {pct}%."
    if kind == "whole":
        p = r.choice([10, 20, 25, 40, 50])
        whole = r.choice([x for x in range(20, 201, 4) if x * p % 100 == 0])
        part = whole * p // 100
        q = f"{part} is {p}% of what number?"
        k = 100 // p
        assert part * k == whole and Fraction(p, 100) == Fraction(1, k)
        return q, str(whole), (f"{p}% is the same as {fr(1, k)}. If {fr(1, k)} of the number is {part}, the whole number is "
                               f"{k} times as much: {part} × {k} = {whole}.")
    n, cents = r.randint(3, 8), r.choice(range(75, 400, 5))
    total = Decimal(n * cents) / 100
    q = f"{n} notebooks cost {money(total)}. What is the price of one notebook?"
    return q, money(Decimal(cents) / 100), f"Find the unit price by dividing the total cost by the number of notebooks: {money(total)} ÷ {n} = {money(Decimal(cents) / 100)}."


def g6_ns_a1(r):
    b, d = r.randint(2, 9), r.randint(2, 9)
    a, c = r.randint(1, b - 1), r.randint(1, d - 1)
    v = Fraction(a, b) / Fraction(c, d)
    ans = frac(v)
    q = f"What is {fr(a, b)} ÷ {fr(c, d)}? Write your answer in simplest form."
    e = (f"To divide by a fraction, multiply by its reciprocal: {fr(a, b)} × {fr(d, c)} = {fr(a * d, b * c)}")
    e += "." if ans == fr(a * d, b * c) else f", which is {ans}."
    return q, ans, e


def g6_ns_b2(r):
    d, qt = r.randint(13, 95), r.randint(105, 890)
    n = d * qt
    return f"What is {n} ÷ {d}?", str(qt), f"Use long division: divide, multiply, subtract, and bring down the next digit. {n} ÷ {d} = {qt}. Check: {d} × {qt} = {n}."


def g6_ns_b3(r):
    if r.random() < 0.5:
        a, b = Decimal(r.choice([x for x in range(11, 99) if x % 10])) / 10, Decimal(r.choice([x for x in range(11, 99) if x % 10])) / 100
        v = a * b
        return (f"What is {dec(a)} × {dec(b)}?", dec(v),
                f"Multiply as whole numbers: {int(a * 10)} × {int(b * 100)} = {int(a * 10) * int(b * 100)}. The factors have "
                f"3 decimal places in all, so the product does too: {format(v, 'f')}"
                + ("." if format(v, "f") == dec(v) else f", which is {dec(v)}."))
    b, qt = Decimal(r.randint(2, 9)) / 10, Decimal(r.randint(12, 95)) / 10
    a = b * qt
    return (f"What is {dec(a)} ÷ {dec(b)}?", dec(qt),
            f"Multiply both numbers by 10 so the divisor is a whole number: {dec(a * 10)} ÷ {dec(b * 10)}. "
            f"That equals {dec(qt)}. Check: {dec(qt)} × {dec(b)} = {dec(a)}.")


def g6_ns_b4(r):
    if r.random() < 0.5:
        g = r.randint(2, 12)
        x, y = r.randint(2, 8), r.randint(2, 8)
        while math.gcd(x, y) != 1 or x == y:
            x, y = r.randint(2, 8), r.randint(2, 8)
        a, b = g * x, g * y
        assert math.gcd(a, b) == g
        q = f"What is the greatest common factor of {a} and {b}?"
        return q, str(g), f"{a} = {g} × {x} and {b} = {g} × {y}. {x} and {y} share no factor other than 1, so the greatest common factor is {g}."
    a, b = r.sample(range(3, 13), 2)
    lcm = a * b // math.gcd(a, b)
    q = f"What is the least common multiple of {a} and {b}?"
    mult = ", ".join(str(a * i) for i in range(1, lcm // a + 1))
    return q, str(lcm), f"List multiples of {a}: {mult}. The first one that {b} also divides is {lcm}, so the least common multiple is {lcm}."


def g6_ns_c7(r):
    if r.random() < 0.5:
        n = -r.randint(2, 40)
        q = f"What is |{n}|?"
        return q, str(-n), f"Absolute value is the distance from 0 on the number line. {n} is {-n} units from 0, so |{n}| = {-n}."
    a, b = r.sample(range(-15, 10), 2)
    if a >= 0 and b >= 0:
        a = -a - 1
    sym = "<" if a < b else ">"
    q = f"Compare the numbers. Write >, <, or =. {a} ___ {b}"
    return q, sym, f"On a number line, {min(a, b)} is to the left of {max(a, b)}, and numbers to the left are smaller. So {a} {sym} {b}."


def g6_ee_a1(r):
    if r.random() < 0.75:
        b, n = r.choice([(2, 5), (2, 6), (3, 3), (3, 4), (4, 3), (5, 3), (6, 2), (10, 4), (2, 4), (7, 2)])
        q = f"What is the value of {b}^{n}?"
        return q, str(b ** n), f"{b}^{n} means {b} multiplied by itself {n} times: {' × '.join([str(b)] * n)} = {b ** n}."
    d, n = r.choice([(2, 3), (3, 2), (2, 4), (4, 2)])
    v = Fraction(1, d) ** n
    q = f"What is the value of ({fr(1, d)})^{n}?"
    return q, frac(v), f"Multiply {fr(1, d)} by itself {n} times: {' × '.join([fr(1, d)] * n)} = {frac(v)}."


def g6_ee_a2(r):
    x = r.randint(2, 9)
    kind = r.choice(["ax+b", "a(x+b)", "x^2-b"])
    if kind == "ax+b":
        a, b = r.randint(2, 9), r.randint(1, 20)
        ex, v = f"{a}x + {b}", a * x + b
        e = f"Replace x with {x}: {a} × {x} + {b} = {a * x} + {b} = {v}."
    elif kind == "a(x+b)":
        a, b = r.randint(2, 6), r.randint(1, 9)
        ex, v = f"{a}(x + {b})", a * (x + b)
        e = f"Replace x with {x}: {a}({x} + {b}) = {a} × {x + b} = {v}."
    else:
        b = r.randint(1, x * x - 1)
        ex, v = f"x^2 - {b}", x * x - b
        e = f"Replace x with {x}: {x}^2 - {b} = {x * x} - {b} = {v}."
    return f"Evaluate {ex} when x = {x}.", str(v), e


def g6_ee_b7(r):
    x = r.randint(3, 40)
    if r.random() < 0.5:
        p = r.randint(2, 30)
        q = f"Solve for x: x + {p} = {x + p}"
        return q, f"x = {x}", f"Subtract {p} from both sides to get x alone: x = {x + p} - {p} = {x}."
    p = r.randint(2, 12)
    q = f"Solve for x: {p}x = {p * x}"
    return q, f"x = {x}", f"Divide both sides by {p}: x = {p * x} ÷ {p} = {x}."


def g6_g_a1(r):
    b, h = r.randint(3, 20), r.randint(2, 15)
    if r.random() < 0.6:
        v = Fraction(b * h, 2)
        q = f"A triangle has a base of {b} inches and a height of {h} inches. What is its area in square inches?"
        return q, dec(Decimal(v.numerator) / v.denominator), (f"A triangle is half of a rectangle, so Area = 1/2 × base × height = "
                                                            f"1/2 × {b} × {h} = {dec(Decimal(b * h) / 2)} square inches.")
    q = f"A parallelogram has a base of {b} meters and a height of {h} meters. What is its area in square meters?"
    return q, str(b * h), f"A parallelogram can be rearranged into a rectangle, so Area = base × height = {b} × {h} = {b * h} square meters."


def g6_sp_b5(r):
    kind = r.choice(["mean", "median", "range"])
    n = 5 if kind != "mean" else r.choice([4, 5])
    while True:
        data = [r.randint(2, 30) for _ in range(n)]
        if kind != "mean" or sum(data) % n == 0:
            break
    shown = ", ".join(map(str, data))
    if kind == "mean":
        v = sum(data) // n
        return (f"Find the mean of this data set: {shown}", str(v),
                f"Add the values: {' + '.join(map(str, data))} = {sum(data)}. Divide by how many there are: {sum(data)} ÷ {n} = {v}.")
    s = sorted(data)
    if kind == "median":
        return (f"Find the median of this data set: {shown}", str(s[2]),
                f"Put the values in order: {', '.join(map(str, s))}. The middle value is {s[2]}.")
    return (f"Find the range of this data set: {shown}", str(s[-1] - s[0]),
            f"Range = greatest value - least value = {s[-1]} - {s[0]} = {s[-1] - s[0]}.")


# ----------------------------------------------------------------------------- grade 7

def g7_rp_a2(r):
    if r.random() < 0.5:
        k = Decimal(r.choice(["0.5", "1.5", "2.5", "3.5", "4.5", "2", "3", "4", "6", "12"]))
        xs = sorted(r.sample(range(2, 12), 3))
        ys = [dec(k * x) for x in xs]
        q = (f"The table shows a proportional relationship. x: {', '.join(map(str, xs))}; y: {', '.join(ys)}. "
             f"What is the constant of proportionality (y/x)?")
        return q, dec(k), f"Divide y by x for any pair: {ys[0]} ÷ {xs[0]} = {dec(k)}. Every pair gives the same value, so k = {dec(k)}."
    k, x = r.randint(2, 12), r.randint(2, 9)
    q = f"y is proportional to x, and y = {k * x} when x = {x}. Write an equation for the relationship."
    return q, f"y = {k}x", f"Find the constant of proportionality: k = y/x = {k * x} ÷ {x} = {k}. So the equation is y = {k}x."


def g7_rp_a3(r):
    kind = r.choice(["tax", "tip", "discount", "change"])
    if kind in ("tax", "tip", "discount"):
        price = Decimal(r.choice(range(20, 121, 4)))
        p = {"tax": r.choice([5, 6, 8, 10]), "tip": r.choice([15, 18, 20]), "discount": r.choice([10, 15, 20, 25, 30, 40])}[kind]
        amt = price * p / 100
        if kind == "discount":
            total = price - amt
            q = f"A jacket costs {money(price)}. It is on sale for {p}% off. What is the sale price?"
            e = f"Find the discount: {p}% of {money(price)} = {dec(Decimal(p) / 100)} × {dec(price)} = {money(amt)}. Subtract it: {money(price)} - {money(amt)} = {money(total)}."
        else:
            total = price + amt
            what = "a sales tax of" if kind == "tax" else "a tip of"
            item = "A bike helmet costs" if kind == "tax" else "A family's dinner bill is"
            q = f"{item} {money(price)}. With {what} {p}% added, what is the total?"
            e = f"Find {p}% of {money(price)}: {dec(Decimal(p) / 100)} × {dec(price)} = {money(amt)}. Add it: {money(price)} + {money(amt)} = {money(total)}."
        return q, money(total), e
    a = r.choice([20, 25, 40, 50, 80])
    p = r.choice([10, 20, 25, 50, 75])
    if a * p % 100:
        p = 50
    b = a + a * p // 100 if r.random() < 0.5 else a - a * p // 100
    word = "increase" if b > a else "decrease"
    q = f"The number of students in a club changed from {a} to {b}. What is the percent {word}?"
    return q, f"{p}%", f"The change is {abs(b - a)}. Divide by the original amount: {abs(b - a)} ÷ {a} = {dec(Decimal(abs(b - a)) / a)} = {p}%."


def g7_ns_a1(r):
    kind = r.choice(["add", "sub", "frac", "dec"])
    if kind == "add":
        a, b = -r.randint(2, 20), r.randint(2, 20)
        while -a == b:
            b = r.randint(2, 20)
        if r.random() < 0.5:
            a, b = b, a
        q = f"What is {a} + {signed(b)}?"
        e = (f"The signs are different, so subtract the absolute values: {max(abs(a), abs(b))} - {min(abs(a), abs(b))} = "
             f"{abs(abs(a) - abs(b))}. The answer takes the sign of the number farther from 0, so it is {a + b}.")
        return q, str(a + b), e
    if kind == "sub":
        a, b = r.randint(-15, 15), -r.randint(2, 15)
        q = f"What is {a} - {signed(b)}?"
        return q, str(a - b), f"Subtracting a negative is the same as adding its opposite: {a} - {signed(b)} = {a} + {-b} = {a - b}."
    if kind == "frac":
        a, b = Fraction(-r.randint(1, 3), 2), Fraction(r.randint(1, 7), 4)
        while a + b == 0:
            b = Fraction(r.randint(1, 7), 4)
        v = a + b
        q = f"What is {frac(a, False)} + {frac(b, False)}?"
        return q, frac(v, False), (f"Use a common denominator of 4: {frac(a, False)} = {fr(int(a * 4), 4)}. Then "
                                   f"{fr(int(a * 4), 4)} + {fr(int(b * 4), 4)} = {fr(int(v * 4), 4)}"
                                   + ("." if frac(v, False) == fr(int(v * 4), 4) else f", which is {frac(v, False)}."))
    a, b = -Decimal(r.randint(11, 99)) / 10, Decimal(r.randint(101, 999)) / 100
    v = a + b
    q = f"What is {dec(a)} + {dec(b)}?"
    return q, dec(v), (f"The signs are different, so subtract the absolute values and keep the sign of the number farther "
                       f"from 0: {dec(max(abs(a), abs(b)))} - {dec(min(abs(a), abs(b)))} = {dec(abs(abs(a) - abs(b)))}, so the answer is {dec(v)}.")


def g7_ns_a2(r):
    kind = r.choice(["mul", "div", "todec", "todec"])
    if kind == "mul":
        a, b = r.randint(2, 12), r.randint(2, 12)
        sa, sb = r.choice([(-1, 1), (1, -1), (-1, -1)])
        a, b = a * sa, b * sb
        q = f"What is {a} × {signed(b)}?"
        rule = "the signs are the same, so the product is positive" if sa == sb else "the signs are different, so the product is negative"
        return q, str(a * b), f"{abs(a)} × {abs(b)} = {abs(a * b)}, and {rule}: {a * b}."
    if kind == "div":
        b, qt = r.randint(2, 12), r.randint(2, 12)
        sa, sb = r.choice([(-1, 1), (1, -1), (-1, -1)])
        a, b = b * qt * sa, b * sb
        v = a // b
        assert v * b == a
        rule = "the signs are the same, so the quotient is positive" if sa == sb else "the signs are different, so the quotient is negative"
        return f"What is {a} ÷ {signed(b)}?", str(v), f"{abs(a)} ÷ {abs(b)} = {abs(v)}, and {rule}: {v}."
    d = r.choice([4, 5, 8, 16, 20, 25])
    n = r.randint(1, d - 1)
    while math.gcd(n, d) != 1:
        n = r.randint(1, d - 1)
    v = Decimal(n) / Decimal(d)
    q = f"Write {fr(n, d)} as a decimal."
    return q, dec(v), f"A fraction means division: {n} ÷ {d}. Use long division (add zeros after the decimal point) to get {dec(v)}. The decimal ends, so it terminates."


def g7_ns_a3(r):
    start, up, down = -r.randint(2, 12), r.randint(5, 20), r.randint(3, 15)
    v = start + up - down
    q = (f"At 6 a.m. the temperature was {start}°F. By noon it rose {up} degrees, and by night it dropped {down} degrees. "
         f"What was the temperature at night, in °F?")
    return q, str(v), f"Start at {start}, add {up}: {start} + {up} = {start + up}. Then subtract {down}: {start + up} - {down} = {v}."


def g7_ee_a1(r):
    kind = r.choice(["a(x+b)+cx", "ax+b-cx+d", "a(x-b)-c(x+d)"])
    if kind == "a(x+b)+cx":
        a, b, c = r.randint(2, 6), r.randint(1, 9), r.randint(1, 7)
        ex, m, k = f"{a}(x + {b}) + {c}x", a + c, a * b
        py = f"{a}*(x+{b})+{c}*x"
        e = f"Distribute: {a}(x + {b}) = {a}x + {a * b}. Combine like terms: {a}x + {c}x = {a + c}x. The result is {lin(m, k)}."
    elif kind == "ax+b-cx+d":
        a, b, c, d = r.randint(3, 9), r.randint(1, 12), r.randint(2, 8), r.randint(1, 12)
        while c == a:
            c = r.randint(2, 8)
        ex, m, k = f"{a}x + {b} - {c}x + {d}", a - c, b + d
        py = f"{a}*x+{b}-{c}*x+{d}"
        e = f"Group like terms: {a}x - {c}x = {lin(a - c, 0)} and {b} + {d} = {b + d}. The result is {lin(m, k)}."
    else:
        a, b, c, d = r.randint(2, 7), r.randint(1, 6), r.randint(2, 5), r.randint(1, 6)
        ex, m, k = f"{a}(x - {b}) - {c}(x + {d})", a - c, -a * b - c * d
        py = f"{a}*(x-{b})-{c}*(x+{d})"
        e = (f"Distribute both parts: {a}(x - {b}) = {a}x - {a * b} and -{c}(x + {d}) = -{c}x - {c * d}. "
             f"Combine: {a}x - {c}x = {lin(a - c, 0)} and -{a * b} - {c * d} = {-a * b - c * d}. The result is {lin(m, k)}.")
    for x in (-3, 0, 2, 7):
        assert eval(py, {"x": x}) == m * x + k
    return f"Simplify the expression: {ex}", lin(m, k), e


def g7_ee_b4(r):
    x = r.randint(-6, 12)
    kind = r.choice(["px+q", "px+q", "p(x+q)", "ineq"])
    if kind == "px+q":
        p, qq = r.randint(2, 9), r.randint(-15, 20)
        rr = p * x + qq
        eq = f"{lin(p, qq)} = {rr}"
        q = f"Solve for x: {eq}"
        undo = f"subtract {qq} from" if qq > 0 else f"add {-qq} to"
        e = f"First {undo} both sides: {p}x = {p * x}. Then divide both sides by {p}: x = {x}." if qq else f"Divide both sides by {p}: x = {x}."
        assert p * x + qq == rr
        return q, f"x = {x}", e
    if kind == "p(x+q)":
        p, qq = r.randint(2, 8), r.randint(1, 9)
        rr = p * (x + qq)
        q = f"Solve for x: {p}(x + {qq}) = {rr}"
        return q, f"x = {x}", f"Divide both sides by {p}: x + {qq} = {x + qq}. Then subtract {qq}: x = {x}."
    p, qq = r.randint(2, 6), r.randint(1, 15)
    x = r.randint(1, 10)
    rr = p * x + qq
    if r.random() < 0.5:
        q = f"Solve the inequality: {p}x + {qq} > {rr}"
        return q, f"x > {x}", f"Subtract {qq} from both sides: {p}x > {p * x}. Divide both sides by {p} (a positive number, so the sign stays the same): x > {x}."
    rr = -p * x + qq
    q = f"Solve the inequality: -{p}x + {qq} > {rr}"
    assert -p * (x - 1) + qq > rr and not (-p * x + qq > rr)
    return q, f"x < {x}", (f"Subtract {qq} from both sides: -{p}x > {rr - qq}. Divide both sides by -{p}. Dividing by a negative "
                           f"number flips the inequality sign, so x < {x}.")


def g7_g_b4(r):
    rad = r.randint(2, 12)
    pi = Decimal("3.14")
    kind = r.choice(["area_r", "circ_d", "area_d", "circ_r"])
    if kind.startswith("area"):
        v = pi * rad * rad
        given = f"a radius of {rad} cm" if kind == "area_r" else f"a diameter of {2 * rad} cm"
        pre = "" if kind == "area_r" else f"The radius is half the diameter: {2 * rad} ÷ 2 = {rad} cm. "
        q = f"A circle has {given}. What is its area in square centimeters? Use 3.14 for π."
        return q, dec(v), pre + f"Area = π × r × r = 3.14 × {rad} × {rad} = 3.14 × {rad * rad} = {dec(v)} square centimeters."
    v = pi * 2 * rad
    given = f"a diameter of {2 * rad} m" if kind == "circ_d" else f"a radius of {rad} m"
    pre = "" if kind == "circ_d" else f"The diameter is twice the radius: 2 × {rad} = {2 * rad} m. "
    q = f"A circle has {given}. What is its circumference in meters? Use 3.14 for π."
    return q, dec(v), pre + f"Circumference = π × d = 3.14 × {2 * rad} = {dec(v)} meters."


def g7_g_b5(r):
    kind = r.choice(["comp", "supp", "vert"])
    a = r.randint(12, 78)
    if kind == "comp":
        q = f"Two angles are complementary. One measures {a}°. What is the measure of the other angle in degrees?"
        return q, str(90 - a), f"Complementary angles add up to 90°. So the other angle is 90° - {a}° = {90 - a}°."
    if kind == "supp":
        a = r.randint(25, 160)
        q = f"Two angles are supplementary. One measures {a}°. What is the measure of the other angle in degrees?"
        return q, str(180 - a), f"Supplementary angles add up to 180°. So the other angle is 180° - {a}° = {180 - a}°."
    x = r.randint(5, 20)
    m, k = r.randint(2, 4), r.randint(5, 30)
    v = m * x + k
    if v >= 180:
        m, k = 2, 10
        v = m * x + k
    q = f"Two lines cross and form vertical angles. One angle measures {v}°, and the angle across from it measures ({m}x + {k})°. What is x?"
    return q, str(x), f"Vertical angles are equal, so {m}x + {k} = {v}. Subtract {k}: {m}x = {v - k}. Divide by {m}: x = {x}."


def g7_g_b6(r):
    if r.random() < 0.5:
        l, w, h = r.randint(2, 10), r.randint(2, 8), r.randint(2, 9)
        sa = 2 * (l * w + l * h + w * h)
        q = f"A rectangular prism is {l} in. long, {w} in. wide, and {h} in. tall. What is its surface area in square inches?"
        return q, str(sa), (f"Add the areas of all 6 faces. There are two of each: 2 × ({l} × {w}) + 2 × ({l} × {h}) + 2 × ({w} × {h}) "
                            f"= {2 * l * w} + {2 * l * h} + {2 * w * h} = {sa} square inches.")
    b, h, L = r.randint(2, 10), r.randint(2, 9), r.randint(3, 12)
    base = Fraction(b * h, 2)
    v = base * L
    q = (f"A triangular prism has a triangle base with base {b} cm and height {h} cm. The prism is {L} cm long. "
         f"What is its volume in cubic centimeters?")
    vs = dec(Decimal(v.numerator) / v.denominator)
    return q, vs, (f"Area of the triangle base = 1/2 × {b} × {h} = {dec(Decimal(b * h) / 2)} square cm. Volume = base area × length = "
                   f"{dec(Decimal(b * h) / 2)} × {L} = {vs} cubic cm.")


def g7_sp_c7(r):
    if r.random() < 0.6:
        red, blue, green = r.randint(1, 8), r.randint(1, 8), r.randint(1, 8)
        total = red + blue + green
        color, n = r.choice([("red", red), ("blue", blue), ("green", green)])
        v = Fraction(n, total)
        q = (f"A bag has {red} red, {blue} blue, and {green} green marbles. You pick one without looking. "
             f"What is the probability it is {color}? Write it as a fraction in simplest form.")
        e = f"There are {total} marbles and {n} are {color}, so P({color}) = {fr(n, total)}"
        e += "." if frac(v) == fr(n, total) else f", which simplifies to {frac(v)}."
        return q, frac(v), e
    event, favorable = r.choice([("an even number", [2, 4, 6]), ("a number greater than 4", [5, 6]),
                                 ("a multiple of 3", [3, 6]), ("a number less than 3", [1, 2]), ("a 6", [6])])
    v = Fraction(len(favorable), 6)
    q = f"You roll a fair number cube numbered 1 to 6. What is the probability of rolling {event}? Write it in simplest form."
    e = f"The outcomes that work are {', '.join(map(str, favorable))}: {len(favorable)} out of 6, so the probability is {fr(len(favorable), 6)}"
    e += "." if frac(v) == fr(len(favorable), 6) else f", which is {frac(v)}."
    return q, frac(v), e


def g7_sp_c8(r):
    kind = r.choice(["coins", "spin"])
    if kind == "coins":
        n = r.choice([2, 3])
        v = Fraction(1, 2 ** n)
        q = f"You flip {n} fair coins. What is the probability that all {n} land on heads?"
        return q, frac(v), (f"Each coin has a 1/2 chance of heads, and the flips do not affect each other. Multiply: "
                            f"{' × '.join(['1/2'] * n)} = {frac(v)}.")
    s = r.choice([3, 4, 5])
    v = Fraction(1, 2 * s)
    q = f"A spinner has {s} equal sections numbered 1 to {s}. You spin it once and flip a fair coin. What is the probability of spinning a 1 and getting tails?"
    return q, frac(v), f"P(1) = 1/{s} and P(tails) = 1/2. For two independent events, multiply: 1/{s} × 1/2 = {frac(v)}."


# ----------------------------------------------------------------------------- grade 8

def g8_ee_a1(r):
    kind = r.choice(["prod", "quot", "pow", "neg", "zero"])
    b = r.choice([2, 3, 5, 10])
    if kind == "prod":
        m, n = r.randint(1, 3), r.randint(1, 3)
        v = b ** (m + n)
        q = f"Simplify and find the value: {b}^{m} × {b}^{n}"
        return q, str(v), f"When you multiply powers with the same base, add the exponents: {b}^({m} + {n}) = {b}^{m + n} = {v}."
    if kind == "quot":
        n = r.randint(2, 4)
        m = n + r.randint(1, 3)
        v = b ** (m - n)
        q = f"Simplify and find the value: {b}^{m} ÷ {b}^{n}"
        return q, str(v), f"When you divide powers with the same base, subtract the exponents: {b}^({m} - {n}) = {b}^{m - n} = {v}."
    if kind == "pow":
        b = r.choice([2, 3])
        m, n = r.randint(2, 3), 2
        v = b ** (m * n)
        q = f"Simplify and find the value: ({b}^{m})^{n}"
        return q, str(v), f"A power of a power multiplies the exponents: {b}^({m} × {n}) = {b}^{m * n} = {v}."
    if kind == "neg":
        n = r.randint(1, 3)
        v = Fraction(1, b ** n)
        q = f"What is the value of {b}^-{n}? Write it as a fraction."
        return q, frac(v), f"A negative exponent means the reciprocal: {b}^-{n} = 1/{b}^{n} = {frac(v)}."
    q = f"What is the value of {r.randint(2, 99)}^0?"
    return q, "1", "Any nonzero number raised to the power 0 equals 1."


def g8_ee_a2(r):
    kind = r.choice(["sqrt", "cbrt", "x2", "x3"])
    if kind == "sqrt":
        n = r.randint(4, 15)
        return f"What is √{n * n}?", str(n), f"Find the number that times itself makes {n * n}: {n} × {n} = {n * n}, so √{n * n} = {n}."
    if kind == "cbrt":
        n = r.randint(2, 10)
        return f"What is the cube root of {n ** 3}?", str(n), f"Find the number used as a factor three times: {n} × {n} × {n} = {n ** 3}, so the cube root is {n}."
    if kind == "x2":
        n = r.randint(3, 12)
        return (f"Solve: x^2 = {n * n}", f"x = {n} or x = -{n}",
                f"Both {n} × {n} and (-{n}) × (-{n}) equal {n * n}, so there are two solutions: x = {n} or x = -{n}.")
    n = r.randint(2, 6)
    return f"Solve: x^3 = {n ** 3}", f"x = {n}", f"Take the cube root of both sides: {n} × {n} × {n} = {n ** 3}, so x = {n}."


def sci(c: Decimal, e: int) -> tuple[Decimal, int]:
    while c >= 10:
        c, e = c / 10, e + 1
    while c < 1:
        c, e = c * 10, e - 1
    return c, e


def sci_str(c, e) -> str:
    return f"{dec(c)} × 10^{e}"


def g8_ee_a3(r):
    a = r.choice([2, 3, 4, 6, 8, 9])
    d = r.choice([x for x in [1, 2, 3, 4] if a % x == 0])
    m, n = r.randint(6, 9), r.randint(2, 5)
    v = a // d * 10 ** (m - n)
    q = f"A large number is about {a} × 10^{m}. A smaller number is about {d} × 10^{n}. How many times as large is the first number as the second?"
    return q, str(v), f"Divide the parts: {a} ÷ {d} = {a // d} and 10^{m} ÷ 10^{n} = 10^{m - n}. So it is {a // d} × 10^{m - n} = {v} times as large."


def g8_ee_a4(r):
    kind = r.choice(["mul", "div", "write"])
    if kind == "mul":
        a, b, m, n = r.randint(2, 9), r.randint(2, 9), r.randint(2, 8), r.randint(2, 8)
        c, e = sci(Decimal(a * b), m + n)
        assert c * Decimal(10) ** e == a * b * Decimal(10) ** (m + n)
        q = f"Multiply and write the answer in scientific notation: ({a} × 10^{m}) × ({b} × 10^{n})"
        extra = f" {a * b} is not between 1 and 10, so rewrite {a * b} × 10^{m + n} as {sci_str(c, e)}." if a * b >= 10 else ""
        return q, sci_str(c, e), f"Multiply the numbers: {a} × {b} = {a * b}. Add the exponents: 10^{m} × 10^{n} = 10^{m + n}.{extra}"
    if kind == "div":
        b = r.choice([2, 4, 5])
        a = r.choice([x for x in range(1, 10) if x != b])
        m, n = r.randint(5, 9), r.randint(1, 4)
        c, e = sci(Decimal(a) / b, m - n)
        assert c * Decimal(10) ** e == Decimal(a) / b * Decimal(10) ** (m - n)
        q = f"Divide and write the answer in scientific notation: ({a} × 10^{m}) ÷ ({b} × 10^{n})"
        extra = f" {dec(Decimal(a) / b)} is less than 1, so rewrite it as {sci_str(c, e)}." if a < b else ""
        return q, sci_str(c, e), f"Divide the numbers: {a} ÷ {b} = {dec(Decimal(a) / b)}. Subtract the exponents: 10^{m} ÷ 10^{n} = 10^{m - n}.{extra}"
    if r.random() < 0.5:
        digits = r.randint(12, 98)
        e = r.randint(4, 7)
        n = digits * 10 ** (e - 1)
        c, ee = sci(Decimal(n), 0)
        assert c * Decimal(10) ** ee == n
        q = f"Write {n} in scientific notation."
        return q, sci_str(c, ee), f"Move the decimal point {ee} places to the left to get {dec(c)}, a number between 1 and 10. So {n} = {sci_str(c, ee)}."
    digits = r.randint(12, 98)
    k = r.randint(3, 6)
    x = Decimal(digits) / Decimal(10) ** k
    c, ee = sci(x, 0)
    assert c * Decimal(10) ** ee == x
    q = f"Write {dec(x)} in scientific notation."
    return q, sci_str(c, ee), f"Move the decimal point {-ee} places to the right to get {dec(c)}, a number between 1 and 10. Moving right gives a negative exponent: {sci_str(c, ee)}."


def g8_ee_c7(r):
    if r.random() < 0.2:
        a, b = r.randint(2, 7), r.randint(1, 9)
        same = r.random() < 0.5
        d = b if same else b + r.randint(1, 6)
        q = f"How many solutions does this equation have? {a}x + {b} = {a}x + {d}"
        if same:
            return q, "infinitely many solutions", f"Both sides are exactly the same, {a}x + {b}, so every value of x works. There are infinitely many solutions."
        return q, "no solution", f"Subtract {a}x from both sides: {b} = {d}, which is false. No value of x can make it true, so there is no solution."
    x = r.randint(-6, 9)
    a, c = r.sample([v for v in range(-5, 10) if v not in (0,)], 2)
    b = r.randint(-12, 12)
    d = a * x + b - c * x
    q = f"Solve for x: {lin(a, b)} = {lin(c, d)}"
    assert a * x + b == c * x + d
    move = f"subtract {lin(c, 0)} from" if c > 0 else f"add {lin(-c, 0)} to"
    e = f"Get the x terms on one side: {move} both sides to get {lin(a - c, b)} = {d}. "
    if b:
        e += f"Then {'subtract ' + str(b) + ' from' if b > 0 else 'add ' + str(-b) + ' to'} both sides: {lin(a - c, 0)} = {d - b}. "
    e += f"So x = {d - b} ÷ {signed(a - c)} = {x}." if a - c != 1 else f"So x = {x}."
    assert (d - b) == (a - c) * x
    return q, f"x = {x}", e


def g8_ee_c8(r):
    x, y = r.randint(-4, 6), r.randint(-5, 9)
    m1, m2 = r.sample([-3, -2, -1, 1, 2, 3, 4], 2)
    b1, b2 = y - m1 * x, y - m2 * x
    q = f"Solve the system of equations: y = {lin(m1, b1)} and y = {lin(m2, b2)}"
    e = (f"Both equal y, so set them equal: {lin(m1, b1)} = {lin(m2, b2)}, which gives x = {x}. "
         f"Substitute x = {x} into the first equation: y = {m1}({x}) + {signed(b1)} = {y}, so the solution is ({x}, {y}).")
    assert m1 * x + b1 == y == m2 * x + b2
    return q, f"({x}, {y})", e


def g8_f_a1(r):
    if r.random() < 0.5:
        m, b, x = r.randint(2, 7), r.randint(-9, 9), r.randint(-3, 8)
        q = f"A function follows the rule y = {lin(m, b)}. What is the output y when the input x is {x}?"
        return q, str(m * x + b), f"Put {x} in for x: y = {m}({x}) + {signed(b)} = {m * x} + {signed(b)} = {m * x + b}."
    xs = r.sample(range(-3, 8), 4)
    ys = [r.randint(-5, 10) for _ in xs]
    is_func = r.random() < 0.4
    if not is_func:
        xs[3] = xs[0]
        while ys[3] == ys[0]:
            ys[3] = r.randint(-5, 10)
    pairs = ", ".join(f"({a}, {b})" for a, b in zip(xs, ys))
    q = f"Is this relation a function? {{{pairs}}} Answer yes or no."
    if is_func:
        return q, "yes", "Each input (x-value) appears only once, so each input has exactly one output. It is a function."
    return q, "no", f"The input {xs[0]} has two different outputs, {ys[0]} and {ys[3]}. A function gives each input exactly one output, so it is not a function."


def g8_f_b4(r):
    if r.random() < 0.6:
        m, b = r.choice([-3, -2, -1, 2, 3, 4, 5]), r.randint(-8, 9)
        x1, x2 = r.sample(range(-3, 7), 2)
        y1, y2 = m * x1 + b, m * x2 + b
        q = f"A line passes through the points ({x1}, {y1}) and ({x2}, {y2}). Write its equation in the form y = mx + b."
        e = (f"Slope m = ({y2} - {signed(y1)}) ÷ ({x2} - {signed(x1)}) = {y2 - y1} ÷ {x2 - x1} = {m}. "
             f"Use a point to find b: {y1} = {m}({x1}) + b, so b = {b}. The equation is y = {lin(m, b)}.")
        assert (y2 - y1) == m * (x2 - x1)
        return q, f"y = {lin(m, b)}", e
    fee, rate = r.choice(range(20, 80, 5)), r.choice(range(15, 60, 5))
    q = f"A plumber charges a ${fee} visit fee plus ${rate} per hour. Write an equation for the total cost y for x hours."
    return q, f"y = {rate}x + {fee}", f"The rate of change is ${rate} per hour (the slope), and the starting amount is the ${fee} fee (the y-intercept). So y = {rate}x + {fee}."


TRIPLES = [(3, 4, 5), (5, 12, 13), (8, 15, 17), (7, 24, 25), (6, 8, 10), (9, 12, 15), (12, 16, 20)]


def g8_g_b7(r):
    a, b, c = r.choice(TRIPLES)
    assert a * a + b * b == c * c
    if r.random() < 0.5:
        q = f"A right triangle has legs of {a} cm and {b} cm. How long is the hypotenuse, in cm?"
        return q, str(c), f"Use a² + b² = c²: {a}² + {b}² = {a * a} + {b * b} = {c * c}. The square root of {c * c} is {c}, so the hypotenuse is {c} cm."
    q = f"A ladder {c} feet long leans against a wall. Its bottom is {a} feet from the wall. How high up the wall does it reach, in feet?"
    return q, str(b), f"The ladder is the hypotenuse of a right triangle. {c}² - {a}² = {c * c} - {a * a} = {b * b}, and √{b * b} = {b}. It reaches {b} feet high."


def g8_g_b8(r):
    a, b, c = r.choice(TRIPLES[:5])
    x1, y1 = r.randint(-5, 4), r.randint(-5, 4)
    x2, y2 = x1 + a, y1 + b
    q = f"What is the distance between the points ({x1}, {y1}) and ({x2}, {y2})?"
    return q, str(c), (f"The horizontal distance is {x2} - {signed(x1)} = {a} and the vertical distance is {y2} - {signed(y1)} = {b}. "
                       f"By the Pythagorean theorem, distance = √({a}² + {b}²) = √{c * c} = {c}.")


def g8_g_c9(r):
    kind = r.choice(["cyl", "cone", "sphere"])
    if kind == "cyl":
        rad, h = r.randint(2, 8), r.randint(2, 12)
        v = rad * rad * h
        q = f"A cylinder has a radius of {rad} cm and a height of {h} cm. What is its volume? Leave your answer in terms of π."
        return q, f"{v}π", f"V = π × r² × h = π × {rad}² × {h} = π × {rad * rad} × {h} = {v}π cubic centimeters."
    if kind == "cone":
        rad, h = r.choice([(3, 4), (3, 5), (6, 2), (6, 5), (3, 7), (2, 6), (4, 9), (5, 3)])
        v = Fraction(rad * rad * h, 3)
        assert v.denominator == 1
        q = f"A cone has a radius of {rad} in. and a height of {h} in. What is its volume? Leave your answer in terms of π."
        return q, f"{v}π", f"V = 1/3 × π × r² × h = 1/3 × π × {rad * rad} × {h} = 1/3 × {rad * rad * h}π = {v}π cubic inches."
    rad = r.choice([3, 6, 9])
    v = Fraction(4 * rad ** 3, 3)
    q = f"A sphere has a radius of {rad} m. What is its volume? Leave your answer in terms of π."
    return q, f"{v}π", f"V = 4/3 × π × r³ = 4/3 × π × {rad ** 3} = {v}π cubic meters."


# ----------------------------------------------------------------------------- high school (a few)

def poly2(a: int, b: int, c: int) -> str:
    s = f"{'' if a == 1 else a}x^2"
    s += {1: " + x", -1: " - x", 0: ""}.get(b, f" + {b}x" if b > 0 else f" - {-b}x")
    s += f" + {c}" if c > 0 else f" - {-c}" if c < 0 else ""
    return s


def hs_a_rei_b3(r):
    x = r.randint(-5, 10)
    p, qq = r.randint(2, 9), r.randint(-10, 15)
    rr = p * x + qq
    q = f"Solve the inequality: {lin(p, qq)} ≥ {rr}"
    step = f"Subtract {qq} from both sides: {p}x ≥ {p * x}. " if qq > 0 else f"Add {-qq} to both sides: {p}x ≥ {p * x}. " if qq < 0 else ""
    return q, f"x >= {x}", step + f"Divide both sides by {p} (a positive number, so the sign stays the same): x ≥ {x}."


def hs_f_if_a2(r):
    a, b, c, x = r.randint(1, 3), r.randint(-6, 6), r.randint(-9, 9), r.randint(-3, 4)
    v = a * x * x + b * x + c
    fx = poly2(a, b, c)
    q = f"If f(x) = {fx}, what is f({x})?"
    return q, str(v), f"Substitute {x} for x: f({x}) = {a}({x})^2 + {signed(b)}({x}) + {signed(c)} = {a * x * x} + {signed(b * x)} + {signed(c)} = {v}."


def hs_a_rei_b4(r):
    p, s = r.sample([-6, -5, -4, -3, -2, -1, 1, 2, 3, 4, 5, 7], 2)
    p, s = min(p, s), max(p, s)
    b, c = -(p + s), p * s
    eq = poly2(1, b, c) + " = 0"
    q = f"Solve by factoring: {eq}"
    assert p * p + b * p + c == 0 and s * s + b * s + c == 0
    f1 = f"(x - {p})" if p > 0 else f"(x + {-p})"
    f2 = f"(x - {s})" if s > 0 else f"(x + {-s})"
    return q, f"x = {p} or x = {s}", (f"Find two numbers that multiply to {c} and add to {b}. They are {-p} and {-s}, so the equation "
                                      f"is {f1}{f2} = 0. Set each factor to 0: x = {p} or x = {s}.")


# ----------------------------------------------------------------------------- plan

# grade -> list of (standard, skill, generator, count)
PLAN = {
    0: [("K.OA.A.2", "add and subtract within 10 in word problems", k_oa_a2, 2),
        ("K.CC.C.7", "compare two numbers between 1 and 10", k_cc_c7, 1)],
    1: [("1.OA.C.6", "add and subtract within 20", g1_oa_c6, 2),
        ("1.NBT.C.4", "add within 100 using place value", g1_nbt_c4, 1)],
    2: [("2.NBT.B.5", "add and subtract within 100", g2_nbt_b5, 2),
        ("2.OA.A.1", "two-step word problems within 100", g2_oa_a1, 1)],
    3: [("3.OA.A.1", "interpret products of whole numbers", g3_oa_a1, 3),
        ("3.OA.A.4", "find the unknown in a multiplication or division equation", g3_oa_a4, 3),
        ("3.OA.C.7", "multiply and divide within 100", g3_oa_c7, 4),
        ("3.OA.D.8", "solve two-step word problems", g3_oa_d8, 4),
        ("3.NBT.A.1", "round whole numbers to the nearest 10 or 100", g3_nbt_a1, 3),
        ("3.NBT.A.2", "add and subtract within 1000", g3_nbt_a2, 4),
        ("3.NBT.A.3", "multiply one-digit numbers by multiples of 10", g3_nbt_a3, 3),
        ("3.NF.A.3", "equivalent fractions and comparing fractions", g3_nf_a3, 5),
        ("3.MD.C.7", "area of rectangles by multiplying side lengths", g3_md_c7, 3),
        ("3.MD.D.8", "perimeter of rectangles", g3_md_d8, 3),
        ("3.MD.A.1", "tell time and solve elapsed-time problems", g3_md_a1, 3)],
    4: [("4.OA.A.3", "multistep word problems and interpreting remainders", g4_oa_a3, 3),
        ("4.OA.B.4", "factors, multiples, prime and composite numbers", g4_oa_b4, 3),
        ("4.NBT.A.3", "round multi-digit whole numbers", g4_nbt_a3, 3),
        ("4.NBT.B.4", "add and subtract multi-digit whole numbers", g4_nbt_b4, 3),
        ("4.NBT.B.5", "multiply multi-digit numbers", g4_nbt_b5, 3),
        ("4.NBT.B.6", "divide with remainders", g4_nbt_b6, 3),
        ("4.NF.A.1", "generate equivalent fractions", g4_nf_a1, 3),
        ("4.NF.A.2", "compare fractions with different denominators", g4_nf_a2, 3),
        ("4.NF.B.3", "add and subtract fractions and mixed numbers with like denominators", g4_nf_b3, 4),
        ("4.NF.B.4", "multiply a fraction by a whole number", g4_nf_b4, 3),
        ("4.NF.C.6", "decimal notation for tenths and hundredths", g4_nf_c6, 2),
        ("4.NF.C.7", "compare decimals to hundredths", g4_nf_c7, 2),
        ("4.MD.A.3", "area and perimeter of rectangles", g4_md_a3, 2),
        ("4.MD.C.7", "add and subtract angle measures", g4_md_c7, 2)],
    5: [("5.OA.A.1", "evaluate expressions with parentheses and brackets", g5_oa_a1, 4),
        ("5.NBT.A.2", "multiply and divide by powers of 10", g5_nbt_a2, 3),
        ("5.NBT.A.4", "round decimals", g5_nbt_a4, 3),
        ("5.NBT.B.5", "multiply multi-digit whole numbers", g5_nbt_b5, 3),
        ("5.NBT.B.6", "divide by two-digit divisors", g5_nbt_b6, 3),
        ("5.NBT.B.7", "add, subtract, multiply, and divide decimals", g5_nbt_b7, 4),
        ("5.NF.A.1", "add and subtract fractions with unlike denominators", g5_nf_a1, 4),
        ("5.NF.B.4", "multiply fractions", g5_nf_b4, 4),
        ("5.NF.B.7", "divide unit fractions and whole numbers", g5_nf_b7, 3),
        ("5.MD.C.5", "volume of rectangular prisms", g5_md_c5, 3),
        ("5.MD.A.1", "convert measurement units", g5_md_a1, 3)],
    6: [("6.RP.A.1", "ratio language and simplest ratios", g6_rp_a1, 3),
        ("6.RP.A.2", "unit rates", g6_rp_a2, 2),
        ("6.RP.A.3", "percents and unit pricing", g6_rp_a3, 4),
        ("6.NS.A.1", "divide fractions by fractions", g6_ns_a1, 4),
        ("6.NS.B.2", "divide multi-digit numbers", g6_ns_b2, 2),
        ("6.NS.B.3", "multiply and divide multi-digit decimals", g6_ns_b3, 3),
        ("6.NS.B.4", "greatest common factor and least common multiple", g6_ns_b4, 3),
        ("6.NS.C.7", "absolute value and ordering rational numbers", g6_ns_c7, 3),
        ("6.EE.A.1", "evaluate numerical expressions with exponents", g6_ee_a1, 3),
        ("6.EE.A.2", "evaluate expressions with variables", g6_ee_a2, 3),
        ("6.EE.B.7", "solve one-step equations", g6_ee_b7, 3),
        ("6.G.A.1", "area of triangles and parallelograms", g6_g_a1, 3),
        ("6.SP.B.5", "mean, median, and range", g6_sp_b5, 3)],
    7: [("7.RP.A.2", "proportional relationships and the constant of proportionality", g7_rp_a2, 3),
        ("7.RP.A.3", "percent problems: tax, tips, discounts, percent change", g7_rp_a3, 5),
        ("7.NS.A.1", "add and subtract rational numbers", g7_ns_a1, 4),
        ("7.NS.A.2", "multiply and divide rational numbers", g7_ns_a2, 4),
        ("7.NS.A.3", "word problems with rational numbers", g7_ns_a3, 2),
        ("7.EE.A.1", "simplify linear expressions", g7_ee_a1, 4),
        ("7.EE.B.4", "solve two-step equations and inequalities", g7_ee_b4, 5),
        ("7.G.B.4", "area and circumference of circles", g7_g_b4, 3),
        ("7.G.B.5", "complementary, supplementary, and vertical angles", g7_g_b5, 3),
        ("7.G.B.6", "surface area and volume of prisms", g7_g_b6, 2),
        ("7.SP.C.7", "probability of simple events", g7_sp_c7, 3),
        ("7.SP.C.8", "probability of compound events", g7_sp_c8, 2)],
    8: [("8.EE.A.1", "properties of integer exponents", g8_ee_a1, 4),
        ("8.EE.A.2", "square roots and cube roots", g8_ee_a2, 4),
        ("8.EE.A.3", "compare quantities with powers of 10", g8_ee_a3, 2),
        ("8.EE.A.4", "operations with scientific notation", g8_ee_a4, 3),
        ("8.EE.C.7", "solve linear equations in one variable", g8_ee_c7, 4),
        ("8.EE.C.8", "solve systems of two linear equations", g8_ee_c8, 3),
        ("8.F.A.1", "understand functions as input-output rules", g8_f_a1, 4),
        ("8.F.B.4", "construct linear functions from points or a description", g8_f_b4, 4),
        ("8.G.B.7", "apply the Pythagorean theorem", g8_g_b7, 4),
        ("8.G.B.8", "distance between points on the coordinate plane", g8_g_b8, 2),
        ("8.G.C.9", "volume of cylinders, cones, and spheres", g8_g_c9, 3)],
    9: [("HSA-REI.B.3", "solve linear inequalities in one variable", hs_a_rei_b3, 2),
        ("HSF-IF.A.2", "evaluate functions written in function notation", hs_f_if_a2, 2),
        ("HSA-REI.B.4", "solve quadratic equations by factoring", hs_a_rei_b4, 2)],
}


def grade_prefix(grade: int) -> str:
    return "k" if grade == 0 else str(grade)


def build_math() -> list[dict]:
    r = random.Random(SEED)
    items: list[dict] = []
    for grade in sorted(PLAN):
        seen: set[str] = set()
        n = 0
        for standard, skill, gen, count in PLAN[grade]:
            made = 0
            tries = 0
            while made < count:
                tries += 1
                if tries > 200:
                    raise RuntimeError(f"could not make {count} distinct items for {standard}")
                question, answer, explanation = gen(r)
                if question in seen:
                    continue
                seen.add(question)
                made += 1
                n += 1
                items.append({"id": f"m{grade_prefix(grade)}-{n:03d}", "grade": grade, "subject": "math",
                              "standard": standard, "skill": skill, "question": question,
                              "answer": answer, "explanation": explanation})
    return items


def read_lines(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def sort_key(item: dict):
    return (item["grade"], item["subject"], item["id"][:1], int(item["id"].rsplit("-", 1)[1]))


def write(path: Path) -> list[dict]:
    keep = [it for it in read_lines(path) if it.get("subject") != "math"]
    allitems = sorted(keep + build_math(), key=sort_key)
    with path.open("w", encoding="utf-8") as fh:
        for it in allitems:
            fh.write(json.dumps({k: it[k] for k in KEYS}, ensure_ascii=False) + "\n")
    return allitems


def check(path: Path) -> int:
    items = read_lines(path)
    problems = []
    want = {it["id"]: it for it in build_math()}
    have = {it["id"]: it for it in items if it.get("subject") == "math"}
    for iid in sorted(set(want) | set(have)):
        if want.get(iid) != have.get(iid):
            problems.append(f"math item {iid} differs from what build_math.py makes")
    ids = [it.get("id") for it in items]
    if len(ids) != len(set(ids)):
        problems.append("duplicate ids")
    for it in items:
        if list(it) != KEYS:
            problems.append(f"{it.get('id')}: keys {list(it)}")
    counts: dict[tuple[int, str], int] = {}
    for it in items:
        counts[(it["grade"], it["subject"])] = counts.get((it["grade"], it["subject"]), 0) + 1
    for (g, s), c in sorted(counts.items()):
        print(f"grade {g:>2} {s:<4} {c}")
    print(f"total {len(items)}")
    for p in problems:
        print("PROBLEM:", p)
    return 1 if problems else 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="verify the file instead of writing it")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    if args.check:
        return check(args.out)
    items = write(args.out)
    print(f"wrote {len(items)} items ({sum(it['subject'] == 'math' for it in items)} math) to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
