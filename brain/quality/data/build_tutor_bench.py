"""Build the tutoring benchmark data: tutor_bench.jsonl and probes.jsonl.

This script wrote both files ONCE; they are shipped data, not rebuilt by any
make target. tutor_bench.jsonl is the blind benchmark for `make eval-tutor`
(written before the answer detectors existed; do not tune against it).
probes.jsonl is the gate's fixed probe set (8 items per grade 2-8), disjoint
from the benchmark.

Rerun (deterministic: fixed seeds, hand-written templates and ELA lists):

    .venv/bin/python brain/quality/data/build_tutor_bench.py          # write + verify + print counts
    .venv/bin/python brain/quality/data/build_tutor_bench.py --check  # only verify the files on disk

Every math answer is computed here with fractions.Fraction (never typed by
hand); verify() then checks with sympy that every math answer and accept form
parses and equals the answer, that every student_answer is sympy-unequal to
the answer, that ids and prompts are unique, and that probes and benchmark
share no prompt and no problem; a second pass re-solves
expressions, equations and comparisons straight from the prompt text with sympy.
"""

from __future__ import annotations

import json
import math
import random
import sys
from collections import Counter
from fractions import Fraction as F
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCH = HERE / "tutor_bench.jsonl"
PROBES = HERE / "probes.jsonl"

MATH_TOPICS = ["whole_numbers", "fractions", "decimals", "percent", "integers",
               "equations_one_step", "equations_two_step", "word_problems", "area"]
ELA_TOPICS = ["plurals", "verb_tenses", "parts_of_speech", "vocabulary", "punctuation"]
ACCOMMODATIONS = ["adhd", "dyslexia", "autism", "english_learner", "dyscalculia"]

ABBR = {"whole_numbers": "whole", "fractions": "frac", "decimals": "dec", "percent": "pct",
        "integers": "int", "equations_one_step": "eq1", "equations_two_step": "eq2",
        "word_problems": "word", "area": "area", "plurals": "plural", "verb_tenses": "verb",
        "parts_of_speech": "pos", "vocabulary": "vocab", "punctuation": "punct"}


# ---------------------------------------------------------------- formatting

def fs(x) -> str:
    """Exact string of a rational: '12', '-4', '7/8'."""
    x = F(x)
    return str(x.numerator) if x.denominator == 1 else f"{x.numerator}/{x.denominator}"


def terminating(x) -> bool:
    d = F(x).denominator
    while d % 2 == 0:
        d //= 2
    while d % 5 == 0:
        d //= 5
    return d == 1


def ds(x) -> str:
    """Decimal string of a rational with a terminating expansion: '0.35', '-6.6', '12'."""
    x = F(x)
    assert terminating(x), x
    if x.denominator == 1:
        return str(x.numerator)
    sign = "-" if x < 0 else ""
    x = abs(x)
    places = 0
    while (x * 10 ** places).denominator != 1:
        places += 1
    n = int(x * 10 ** places)
    s = str(n).rjust(places + 1, "0")
    return f"{sign}{s[:-places]}.{s[-places:]}"


def frac_answer(x):
    """(answer, accept) for a fraction-valued answer: lowest terms, plus its decimal if it ends."""
    x = F(x)
    acc = []
    if x.denominator != 1 and terminating(x):
        acc.append(ds(x))
    return fs(x), acc


def dec_answer(x):
    x = F(x)
    acc = [fs(x)] if x.denominator != 1 else []
    return ds(x), acc


def money(x) -> str:
    x = F(x)
    if x.denominator == 1:
        return f"${x.numerator}"
    return "$" + f"{float(x):.2f}"


def money_answer(x):
    x = F(x)
    acc = []
    if x.denominator != 1:
        s2 = f"{float(x):.2f}"
        if s2 != ds(x):
            acc.append(s2)
    return ds(x), acc


def digits_nocarry_sub(a: int, b: int) -> int:
    """'Smaller from larger' in every column, no regrouping."""
    sa, sb = str(a), str(b).rjust(len(str(a)), "0")
    return int("".join(str(abs(int(x) - int(y))) for x, y in zip(sa, sb)))


def digits_nocarry_add(a: int, b: int) -> int:
    """Add each column and keep only its ones digit (never carries)."""
    w = max(len(str(a)), len(str(b)))
    sa, sb = str(a).rjust(w, "0"), str(b).rjust(w, "0")
    return int("".join(str((int(x) + int(y)) % 10) for x, y in zip(sa, sb)))


NAMES = ["Maya", "Leo", "Ava", "Sam", "Zoe", "Eli", "Nora", "Omar", "Lily", "Jayden", "Priya",
         "Carlos", "Mia", "Noah", "Aisha", "Ben", "Chloe", "Diego", "Emma", "Finn", "Grace",
         "Hana", "Ivan", "Jada", "Kai", "Lucia", "Mateo", "Nia", "Owen", "Rosa"]
HE_SHE = {n: ("she" if n in {"Maya", "Ava", "Zoe", "Nora", "Lily", "Priya", "Mia", "Aisha",
                              "Chloe", "Emma", "Grace", "Hana", "Jada", "Lucia", "Nia", "Rosa"}
              else "he") for n in NAMES}
UNITS = ["cm", "m", "in", "ft", "yd"]
LONG = {"cm": "centimeters", "m": "meters", "in": "inches", "ft": "feet", "yd": "yards"}


def item(key, ask, answer, sa, misc, core=None, accept=(), unit=None, variable=None, kind=None):
    return {"key": key, "ask": ask, "core": core, "answer": answer, "accept": list(accept),
            "sa": sa, "misc": misc, "unit": unit, "variable": variable,
            "kind": kind or ("expr" if core else "question")}


# ---------------------------------------------------------------- whole numbers

def w_add2(r):
    while True:
        a, b = r.randint(15, 69), r.randint(15, 49)
        if a % 10 + b % 10 >= 10 and a + b < 100:
            break
    return item(("add2", a, b), f"What is {a} + {b}?", str(a + b), str(a + b - 10),
                "adds the ones, writes down only the ones digit and forgets to carry the ten to the tens place",
                core=f"{a} + {b}")


def w_sub2(r):
    while True:
        a, b = r.randint(41, 95), r.randint(12, 39)
        if a % 10 < b % 10 and a > b:
            break
    return item(("sub2", a, b), f"What is {a} - {b}?", str(a - b), str(digits_nocarry_sub(a, b)),
                "subtracts the smaller ones digit from the larger one instead of regrouping a ten",
                core=f"{a} - {b}")


def w_add3(r):
    while True:
        a, b = r.randint(125, 589), r.randint(118, 399)
        if a + b < 1000 and digits_nocarry_add(a, b) != a + b:
            break
    return item(("add3", a, b), f"What is {a} + {b}?", str(a + b), str(digits_nocarry_add(a, b)),
                "writes only the ones digit of each column's sum and never carries to the next place",
                core=f"{a} + {b}")


def w_sub3zero(r):
    a = r.choice([300, 400, 500, 600, 700, 800, 900])
    while True:
        b = r.randint(112, a - 101)
        if b % 10 and (b // 10) % 10:
            break
    return item(("sub3z", a, b), f"What is {a} - {b}?", str(a - b), str(digits_nocarry_sub(a, b)),
                "subtracts the smaller digit from the larger digit in each column instead of regrouping across the zeros",
                core=f"{a} - {b}")


def w_multens(r):
    a, t = r.randint(3, 9), r.randint(2, 9)
    b = 10 * t
    return item(("multens", a, b), f"What is {a} × {b}?", str(a * b), str(a * t),
                f"multiplies {a} × {t} and drops the zero, forgetting that {b} means {t} tens",
                core=f"{a} × {b}")


def w_missfactor(r):
    a, b = r.randint(3, 9), r.randint(4, 9)
    p = a * b
    return item(("missfac", a, p), f"What number goes in the blank: {a} × __ = {p}?", str(b), str(p - a),
                f"subtracts {a} from {p} instead of finding the number that multiplies by {a} to make {p}")


def w_mul2x2(r):
    while True:
        a, b = r.randint(21, 89), r.randint(12, 49)
        if b % 10 >= 2:
            break
    t, o = b // 10, b % 10
    return item(("mul2x2", a, b), f"What is {a} × {b}?", str(a * b), str(a * o + a * t),
                f"multiplies by the tens digit {t} as if it were ones and leaves out the placeholder zero",
                core=f"{a} × {b}")


def w_divzero(r):
    while True:
        h, o, d = r.randint(1, 3), r.randint(1, 9), r.randint(3, 9)
        q = 100 * h + o
        p = q * d
        if p < 10000:
            break
    return item(("divzero", p, d), f"What is {p} ÷ {d}?", str(q), str(int(str(q).replace("0", ""))),
                "skips the zero in the quotient when the divisor does not go into the next digit",
                core=f"{p} ÷ {d}")


def w_mul3x2(r):
    while True:
        a, b = r.randint(112, 489), r.randint(13, 58)
        if b % 10 >= 2:
            break
    t, o = b // 10, b % 10
    return item(("mul3x2", a, b), f"What is {a} × {b}?", str(a * b), str(a * o + a * t),
                f"multiplies by the tens digit {t} as if it were ones and forgets the placeholder zero",
                core=f"{a} × {b}")


def w_div2(r):
    d = r.randint(12, 25)
    q = r.choice([105, 107, 203, 204, 206, 302, 208, 109, 304, 106])
    p = d * q
    return item(("div2", p, d), f"What is {p} ÷ {d}?", str(q), str(int(str(q).replace("0", ""))),
                "forgets to write a zero in the quotient when the divisor does not go into the brought-down digit",
                core=f"{p} ÷ {d}")


def w_orderops(r):
    a, b, c = r.randint(2, 12), r.randint(2, 9), r.randint(3, 9)
    return item(("ops1", a, b, c), f"What is {a} + {b} × {c}?", str(a + b * c), str((a + b) * c),
                "works left to right and adds before multiplying, ignoring the order of operations",
                core=f"{a} + {b} × {c}")


def w_leftright(r):
    while True:
        a, b, c = r.randint(20, 60), r.randint(4, 15), r.randint(2, 9)
        if a - (b + c) > 0:
            break
    return item(("ops2", a, b, c), f"What is {a} - {b} + {c}?", str(a - b + c), str(a - (b + c)),
                "adds before subtracting instead of working from left to right",
                core=f"{a} - {b} + {c}")


# ---------------------------------------------------------------- fractions

def f_compare_unit(r):
    a, b = sorted(r.sample([2, 3, 4, 5, 6, 8, 10, 12], 2))
    n = r.choice([1, 1, 2, 3]) if a > 3 else 1
    if math.gcd(n, a) > 1 or math.gcd(n, b) > 1:
        n = 1
    x, y = (n, a), (n, b)
    pair = [f"{x[0]}/{x[1]}", f"{y[0]}/{y[1]}"]
    r.shuffle(pair)
    return item(("cmpu", n, a, b), f"Which is bigger, {pair[0]} or {pair[1]}?",
                f"{n}/{a}", f"{n}/{b}",
                "thinks a bigger denominator means a bigger fraction, when it means smaller pieces",
                accept=frac_answer(F(n, a))[1])


def f_equiv_blank(r):
    while True:
        d = r.choice([2, 3, 4, 5])
        n = r.choice([x for x in range(1, d) if math.gcd(x, d) == 1])
        m = r.choice([2, 3, 4])
        D = d * m
        if n * m != n + D - d:
            break
    return item(("eqv", n, d, D), f"What number goes in the blank: {n}/{d} = __/{D}?", str(n * m),
                str(n + D - d),
                f"adds {D - d} to the numerator because {D - d} was added to the denominator, instead of multiplying both by {m}")


def f_add_like(r):
    d = r.choice([5, 6, 7, 8, 9, 10, 12])
    a = r.randint(1, d - 2)
    b = r.randint(1, d - 1 - a)
    ans, acc = frac_answer(F(a + b, d))
    if F(a + b, d).denominator != d:
        acc.append(f"{a + b}/{d}")
    return item(("addl", a, b, d), f"What is {a}/{d} + {b}/{d}?", ans, f"{a + b}/{2 * d}",
                "adds the numerators and also adds the denominators", core=f"{a}/{d} + {b}/{d}",
                accept=acc)


def f_whole_times(r):
    n, b = r.randint(2, 6), r.choice([3, 4, 5, 6, 8, 10])
    a = r.choice([x for x in range(1, b) if math.gcd(x, b) == 1])
    ans, acc = frac_answer(F(n * a, b))
    if F(n * a, b).denominator != b:
        acc.append(f"{n * a}/{b}")
    return item(("wxf", n, a, b), f"What is {n} × {a}/{b}?", ans, f"{n * a}/{n * b}",
                "multiplies both the numerator and the denominator by the whole number",
                core=f"{n} × {a}/{b}", accept=acc)


def f_compare_unlike(r):
    pairs = [((3, 4), (5, 8)), ((2, 3), (5, 9)), ((1, 2), (3, 8)), ((4, 5), (7, 10)),
             ((3, 5), (7, 12)), ((2, 3), (7, 12)), ((3, 4), (7, 10)), ((1, 2), (5, 12))]
    (a, b), (c, d) = r.choice(pairs)
    assert F(a, b) > F(c, d) and c > a and d > b
    opts = [f"{a}/{b}", f"{c}/{d}"]
    r.shuffle(opts)
    return item(("cmpx", a, b, c, d), f"Which fraction is greater, {opts[0]} or {opts[1]}?",
                f"{a}/{b}", f"{c}/{d}",
                "thinks the fraction written with bigger numbers must be the bigger fraction",
                accept=frac_answer(F(a, b))[1])


def f_add_unlike(r):
    while True:
        b, d = r.sample([2, 3, 4, 5, 6, 8, 10, 12], 2)
        a, c = r.randint(1, b - 1), r.randint(1, d - 1)
        if math.gcd(a, b) > 1 or math.gcd(c, d) > 1:
            continue
        if F(a + c, b + d) != F(a, b) + F(c, d) and F(a, b) + F(c, d) < 2:
            break
    ans, acc = frac_answer(F(a, b) + F(c, d))
    return item(("addu", a, b, c, d), f"What is {a}/{b} + {c}/{d}?", ans, f"{a + c}/{b + d}",
                "adds the numerators and adds the denominators instead of finding a common denominator",
                core=f"{a}/{b} + {c}/{d}", accept=acc)


def f_sub_unlike(r):
    while True:
        b, d = r.sample([3, 4, 5, 6, 8, 10, 12], 2)
        a, c = r.randint(1, b - 1), r.randint(1, d - 1)
        L = b * d // math.gcd(b, d)
        if math.gcd(a, b) > 1 or math.gcd(c, d) > 1:
            continue
        if a > c and F(a, b) > F(c, d) and F(a - c, L) != F(a, b) - F(c, d):
            break
    ans, acc = frac_answer(F(a, b) - F(c, d))
    return item(("subu", a, b, c, d), f"What is {a}/{b} - {c}/{d}?", ans, f"{a - c}/{L}",
                f"changes both denominators to {L} but leaves the numerators unchanged",
                core=f"{a}/{b} - {c}/{d}", accept=acc)


def f_mult(r):
    b = r.choice([3, 4, 5, 6, 7, 8])
    a, c = (r.choice([x for x in range(1, b) if math.gcd(x, b) == 1]) for _ in range(2))
    ans, acc = frac_answer(F(a * c, b * b))
    return item(("mulf", a, c, b), f"What is {a}/{b} × {c}/{b}?", ans, f"{a * c}/{b}",
                "multiplies the numerators but keeps the same denominator, as if adding",
                core=f"{a}/{b} × {c}/{b}", accept=acc)


def f_of_whole(r):
    b = r.choice([3, 4, 5, 6])
    a = r.choice([x for x in range(2, b) if math.gcd(x, b) == 1])
    n = b * r.randint(2, 6)
    if F(n, a) * b == F(a * n, b):
        n += b
    ans = F(a * n, b)
    sa = F(n, a) * b
    return item(("fow", a, b, n), f"What is {a}/{b} of {n}?", fs(ans), fs(sa),
                f"divides by the numerator {a} and multiplies by the denominator {b}, the wrong way round")


def f_divide(r):
    while True:
        b, d = r.choice([2, 3, 4, 5, 6, 8]), r.choice([2, 3, 4, 5, 6])
        a, c = r.randint(1, b - 1), r.randint(1, d - 1)
        ans = F(a, b) / F(c, d)
        flip = r.random() < 0.5
        sa = F(b, a) * F(c, d) if flip else F(a, b) * F(c, d)
        if sa != ans and F(a, b) != F(c, d) and math.gcd(a, b) == 1 and math.gcd(c, d) == 1:
            break
    misc = ("flips the first fraction instead of the second before multiplying" if flip
            else "multiplies the fractions straight across instead of multiplying by the reciprocal")
    a2, acc = frac_answer(ans)
    return item(("divf", a, b, c, d), f"What is {a}/{b} ÷ {c}/{d}?", a2, fs(sa), misc,
                core=f"{a}/{b} ÷ {c}/{d}", accept=acc)


def f_whole_div_unit(r):
    n, d = r.randint(2, 9), r.choice([2, 3, 4, 5, 6, 8])
    return item(("wdu", n, d), f"What is {n} ÷ 1/{d}?", str(n * d), fs(F(n, d)),
                f"divides {n} by {d} instead of counting how many 1/{d}s fit in {n}",
                core=f"{n} ÷ 1/{d}")


# ---------------------------------------------------------------- decimals

def d_compare(r):
    while True:
        a = F(r.randint(1, 9), 10)
        b = F(r.randint(11, 99), 100)
        if b < a and b.denominator == 100 and (b * 100) % 10:
            break
    opts = [ds(a), ds(b)]
    r.shuffle(opts)
    return item(("dcmp", a, b), f"Which is bigger, {opts[0]} or {opts[1]}?", ds(a), ds(b),
                "thinks the decimal with more digits after the point is bigger, like with whole numbers",
                accept=[fs(a)])


def d_hundredths(r):
    n = r.randint(1, 9)
    return item(("hund", n), f"How do you write {n}/100 as a decimal?", ds(F(n, 100)), ds(F(n, 10)),
                "puts the digit in the tenths place instead of the hundredths place",
                accept=[f"{n}/100"])


def d_add_misalign(r):
    while True:
        a = F(r.randint(12, 89), 10)
        b = F(r.randint(101, 599), 100)
        if (b * 100) % 10:
            break
    sa = F(int(a * 10) + int(b * 100), 100)
    return item(("dadd", a, b), f"What is {ds(a)} + {ds(b)}?", ds(a + b), ds(sa),
                "lines up the last digits on the right instead of lining up the decimal points",
                core=f"{ds(a)} + {ds(b)}")


def d_whole_minus(r):
    n = r.randint(4, 12)
    x = F(r.randint(11, 10 * (n - 1) - 1), 10)
    while x.denominator == 1:
        x += F(1, 10)
    sa = (n - int(x)) + (x - int(x))
    return item(("dwm", n, x), f"What is {n} - {ds(x)}?", ds(n - x), ds(sa),
                "subtracts the whole-number parts and just brings the decimal digit down, without regrouping",
                core=f"{n} - {ds(x)}")


def d_mult_places(r):
    while True:
        a, b = r.randint(2, 9), r.randint(2, 9)
        if a * b >= 10:
            break
    return item(("dmul", a, b), f"What is 0.{a} × 0.{b}?", ds(F(a * b, 100)), ds(F(a * b, 10)),
                "counts only one decimal place in the product instead of two",
                core=f"0.{a} × 0.{b}")


def d_times10(r):
    x = F(r.randint(101, 999), 100)
    while (x * 100) % 10 == 0:
        x += F(1, 100)
    p = r.choice([10, 100])
    ans = x * p
    sa = ds(x) + ("0" if p == 10 else "00")
    return item(("dx10", x, p), f"What is {ds(x)} × {p}?", ds(ans), sa,
                f"writes {'a zero' if p == 10 else 'two zeros'} on the end of the decimal instead of moving the digits to bigger place values",
                core=f"{ds(x)} × {p}")


def d_divide(r):
    d = r.randint(2, 9)
    q = r.randint(3, 12)
    dd = F(d, 10)
    p = q * dd
    return item(("ddiv", p, dd), f"What is {ds(p)} ÷ {ds(dd)}?", str(q), ds(F(q, 10)),
                "multiplies the divisor by 10 to make it whole but forgets to multiply the dividend by 10 too",
                core=f"{ds(p)} ÷ {ds(dd)}")


def d_mult_ignore(r):
    while True:
        a, b = F(r.randint(11, 49), 10), F(r.randint(11, 39), 10)
        if a.denominator == 10 and b.denominator == 10:
            break
    return item(("dmi", a, b), f"What is {ds(a)} × {ds(b)}?", ds(a * b), ds(a * b * 100),
                "multiplies the digits and leaves out the decimal point in the product",
                core=f"{ds(a)} × {ds(b)}")


def d_frac_to_dec(r):
    d = r.choice([8, 16, 20, 25, 40])
    while True:
        n = r.randint(1, d - 1)
        if math.gcd(n, d) == 1:
            break
    sa = F(f"{n}.{d}")
    return item(("f2d", n, d), f"How do I write {n}/{d} as a decimal?", ds(F(n, d)), ds(sa),
                "writes the numerator and denominator with a decimal point between them instead of dividing",
                accept=[f"{n}/{d}"])


def d_neg_add(r):
    a, b = F(r.randint(11, 59), 10), F(r.randint(11, 89), 10)
    while a == b or a.denominator == 1 or b.denominator == 1:
        b += F(1, 10)
    return item(("dneg", a, b), f"What is -{ds(a)} + {ds(b)}?", ds(b - a), ds(-(a + b)),
                "adds the two numbers' sizes and keeps the negative sign instead of finding the difference",
                core=f"-{ds(a)} + {ds(b)}")


# ---------------------------------------------------------------- percent

def p_to_dec(r):
    p = r.choice(list(range(2, 10)) + list(range(11, 99)))
    return item(("p2d", p), f"How do you write {p}% as a decimal?", ds(F(p, 100)), ds(F(p, 10)),
                "moves the decimal point only one place to the left instead of two",
                accept=[fs(F(p, 100))])


def p_ten_of(r):
    n = r.randint(12, 95) * 10
    return item(("p10", n), f"What is 10% of {n}?", fs(F(n, 10)), ds(F(n, 100)),
                "moves the decimal point two places, finding 1% instead of 10%")


def p_of_subtract(r):
    p = r.choice([20, 25, 40, 50, 75, 60])
    n = r.choice([x for x in ([40, 80, 120, 60, 200, 160, 140] if p != 75 else [40, 80, 120, 200]) if x > p])
    return item(("pos", p, n), f"What is {p}% of {n}?", fs(F(p * n, 100)), str(n - p),
                "subtracts the percent from the number instead of taking that part of it")


def p_from_frac(r):
    a, b = r.choice([(3, 5), (1, 4), (2, 5), (3, 4), (1, 5), (4, 5), (7, 10), (9, 20), (3, 20)])
    return item(("pff", a, b), f"What percent is {a}/{b}?", fs(F(100 * a, b)), f"{a}{b}",
                "writes the numerator and denominator side by side as the percent instead of converting to hundredths",
                unit="%")


def p_find_whole(r):
    p = r.choice([10, 20, 25, 30, 40, 50])
    w = r.choice([40, 60, 80, 120, 150, 200])
    part = F(p * w, 100)
    sa = part * p / 100
    return item(("pfw", p, w), f"{fs(part)} is {p}% of what number?", str(w), ds(sa),
                f"finds {p}% of {fs(part)} instead of finding the whole that {fs(part)} is {p}% of")


ITEMS = ["jacket", "pair of shoes", "video game", "backpack", "skateboard", "lamp", "board game",
         "soccer ball", "hoodie", "bike helmet"]


def p_discount(r):
    P = r.choice([20, 30, 40, 50, 60, 80, 45, 36, 90, 120])
    d = r.choice([x for x in [10, 15, 20, 25, 30, 40] if 2 * x < P])
    thing = r.choice(ITEMS)
    ans = F(P) * (100 - d) / 100
    a, acc = money_answer(ans)
    return item(("pdisc", P, d), f"A {thing} costs ${P} and is on sale for {d}% off. What is the sale price?",
                a, str(P - d), f"subtracts {d} dollars instead of {d}% of the price", accept=acc,
                unit="dollars")


def p_tax(r):
    P = r.choice([20, 25, 40, 50, 60, 80, 15, 30])
    t = r.choice([5, 6, 8, 10, 15, 20])
    what = r.choice(["tax", "tip"])
    place = "meal" if what == "tip" else r.choice(ITEMS)
    ans = F(P) * (100 + t) / 100
    a, acc = money_answer(ans)
    return item(("ptax", P, t, what), f"A {place} costs ${P}. With a {t}% {what}, what is the total?",
                a, str(P + t), f"adds {t} dollars instead of adding {t}% of the price", accept=acc,
                unit="dollars")


def p_increase(r):
    while True:
        a = r.choice([20, 25, 40, 50, 80, 200, 250])
        p = r.choice([10, 20, 25, 40, 50, 60])
        b = F(a) * (100 + p) / 100
        if b.denominator == 1 and b - a != p:
            break
    thing = r.choice(["A plant grew from", "The number of students in the club went from",
                      "A town's bus fare went from", "The price of a ticket went from"])
    return item(("pinc", a, int(b)), f"{thing} {a} to {int(b)}. What is the percent increase?", str(p),
                fs(b - a), "gives the amount of the change instead of the change as a percent of the original",
                unit="%")


def p_decrease(r):
    cases = [(50, 40), (80, 60), (40, 30), (200, 150), (60, 45), (25, 20), (75, 60), (120, 90)]
    a, b = r.choice(cases)
    return item(("pdec", a, b), f"A price dropped from ${a} to ${b}. By what percent did it decrease?",
                fs(F(100 * (a - b), a)), ds(F(100 * (a - b), b)) if terminating(F(100 * (a - b), b))
                else str(round(100 * (a - b) / b)),
                "divides the change by the new price instead of the original price", unit="%")


def p_interest(r):
    P = r.choice([200, 300, 400, 500, 600, 800, 1000, 1200])
    rate = r.choice([2, 3, 4, 5, 6])
    t = r.randint(2, 5)
    return item(("pint", P, rate, t),
                f"How much simple interest does ${P} earn at {rate}% per year for {t} years?",
                fs(F(P * rate * t, 100)), fs(F(P * rate, 100)), "finds the interest for only one year",
                unit="dollars")


def p_up_down(r):
    X = r.choice([50, 80, 100, 120, 200, 40])
    p = r.choice([10, 20, 50])
    ans = F(X) * (100 + p) / 100 * (100 - p) / 100
    a, acc = money_answer(ans)
    return item(("pud", X, p),
                f"A bike costs ${X}. The price goes up {p}%, then the new price goes down {p}%. What is the final price?",
                a, str(X), f"thinks a {p}% increase and a {p}% decrease cancel out", accept=acc, unit="dollars")


# ---------------------------------------------------------------- integers

def i_compare(r):
    a, b = r.sample(range(2, 20), 2)
    opts = [f"-{a}", f"-{b}"]
    r.shuffle(opts)
    big, small = min(a, b), max(a, b)
    return item(("icmp", a, b), f"Which is greater, {opts[0]} or {opts[1]}?", f"-{big}", f"-{small}",
                f"thinks -{small} is greater because {small} is greater than {big}")


def i_abs(r):
    n = r.randint(3, 40)
    return item(("iabs", n), f"What is the absolute value of -{n}?", str(n), f"-{n}",
                "thinks absolute value keeps the negative sign")


def i_distance(r):
    a, b = r.sample(range(2, 10), 2)
    return item(("idist", a, b), f"How far apart are -{a} and {b} on a number line?", str(a + b), str(abs(b - a)),
                "subtracts the two numbers' sizes instead of adding the distances on each side of zero")


def i_add_mixed(r):
    a, b = r.randint(6, 20), r.randint(2, 15)
    while b >= a:
        b = r.randint(2, a - 1)
    return item(("iadd", a, b), f"What is -{a} + {b}?", str(b - a), str(-(a + b)),
                "adds the sizes of the numbers and keeps the negative sign instead of finding the difference",
                core=f"-{a} + {b}")


def i_sub_neg(r):
    a, b = r.randint(2, 15), r.randint(2, 12)
    neg = r.random() < 0.5
    x = -a if neg else a
    xs = f"-{a}" if neg else str(a)
    return item(("isubn", x, b), f"What is {xs} - (-{b})?", str(x + b), str(x - b),
                "treats subtracting a negative number the same as subtracting a positive one",
                core=f"{xs} - (-{b})")


def i_small_minus_big(r):
    a = r.randint(3, 15)
    b = r.randint(a + 2, 30)
    return item(("ismb", a, b), f"What is {a} - {b}?", str(a - b), str(b - a),
                "subtracts the smaller number from the larger one and drops the negative sign",
                core=f"{a} - {b}")


def i_mult_neg(r):
    a, b = r.randint(2, 12), r.randint(2, 9)
    return item(("imul", a, b), f"What is (-{a}) × (-{b})?", str(a * b), str(-a * b),
                "thinks a negative times a negative is negative", core=f"(-{a}) × (-{b})")


def i_div_neg(r):
    q, d = r.randint(2, 12), r.randint(2, 9)
    return item(("idiv", q * d, d), f"What is -{q * d} ÷ {d}?", str(-q), str(q),
                "forgets that a negative divided by a positive is negative", core=f"-{q * d} ÷ {d}")


def i_neg_squared(r):
    a = r.randint(2, 12)
    return item(("isq", a), f"What is (-{a})^2?", str(a * a), str(-a * a),
                "thinks squaring a negative number gives a negative answer", core=f"(-{a})^2")


def i_neg_exp(r):
    b, n = r.choice([(2, 3), (2, 4), (3, 2), (5, 2), (10, 2), (4, 2), (2, 5), (10, 3), (3, 3)])
    ans, acc = frac_answer(F(1, b ** n))
    return item(("inexp", b, n), f"What is {b}^(-{n})?", ans, str(-(b ** n)),
                "thinks a negative exponent makes the number negative instead of taking the reciprocal",
                core=f"{b}^(-{n})", accept=acc)


def i_distribute_neg(r):
    a = r.randint(2, 6)
    b = r.randint(1, 8)
    c = r.randint(b + 2, 12)
    ans = -a * (b - c)
    return item(("idn", a, b, c), f"What is -{a} × ({b} - {c})?", str(ans), str(-ans),
                "loses track of the signs: the value in the parentheses is negative, so the product is positive",
                core=f"-{a} × ({b} - {c})")


# ---------------------------------------------------------------- equations

VARS = ["x", "n", "y", "m", "a", "k", "p", "t"]


def e_add(r, v):
    a, x = r.randint(3, 25), r.randint(2, 30)
    b = x + a
    return item(("e1add", a, b), f"Solve {v} + {a} = {b}.", str(x), str(b + a),
                f"adds {a} to both sides instead of subtracting it", core=f"{v} + {a} = {b}", variable=v,
                kind="eq")


def e_sub(r, v):
    a, x = r.randint(3, 20), r.randint(a_ := 1, 40)
    x = max(x, a + 1)
    b = x - a
    if b == a:
        b, x = b + 1, x + 1
    return item(("e1sub", a, b), f"Solve {v} - {a} = {b}.", str(x), str(b - a),
                f"subtracts {a} from both sides instead of adding it", core=f"{v} - {a} = {b}", variable=v,
                kind="eq")


def e_mul(r, v):
    a, x = r.randint(2, 12), r.randint(2, 12)
    b = a * x
    return item(("e1mul", a, b), f"Solve {a}{v} = {b}.", str(x), str(b - a),
                f"subtracts {a} instead of dividing both sides by {a}", core=f"{a}{v} = {b}", variable=v,
                kind="eq")


def e_div(r, v):
    a, c = r.randint(2, 9), r.randint(2, 6)
    b = a * c
    return item(("e1div", a, b), f"Solve {v}/{a} = {b}.", str(a * b), str(c),
                f"divides both sides by {a} instead of multiplying by {a}", core=f"{v}/{a} = {b}", variable=v,
                kind="eq")


def e_neg_coef(r, v):
    a, x = r.randint(2, 9), r.randint(2, 9)
    b = -a * x
    sign = r.choice([1, -1])
    x *= sign
    b = -a * x
    return item(("e1neg", a, b), f"Solve -{a}{v} = {b}.", str(x), str(-x),
                f"divides by {a} instead of -{a}, dropping the negative sign", core=f"-{a}{v} = {b}",
                variable=v, kind="eq")


def e_add_neg(r, v):
    a, b = r.randint(3, 12), r.randint(2, 15)
    return item(("e1an", a, b), f"Solve {v} + {a} = -{b}.", str(-b - a), str(a - b),
                f"adds {a} to -{b} instead of subtracting {a} from both sides", core=f"{v} + {a} = -{b}",
                variable=v, kind="eq")


def e_frac_coef(r, v):
    p, q = r.choice([(2, 3), (3, 4), (2, 5), (3, 5), (4, 5), (5, 6)])
    x = q * r.randint(2, 8)
    b = F(p * x, q)
    sa = b * F(p, q)
    return item(("e1fc", p, q, b), f"Solve ({p}/{q}){v} = {fs(b)}.", str(x), fs(sa),
                f"multiplies both sides by {p}/{q} instead of dividing by it (multiplying by {q}/{p})",
                core=f"({p}/{q}){v} = {fs(b)}", variable=v, kind="eq")


def e_dec(r, v):
    a = F(r.randint(11, 79), 10)
    while a.denominator == 1:
        a += F(1, 10)
    x = F(r.randint(21, 99), 10)
    b = x - a
    if b <= 0:
        b, x = b + 5, x + 5
    return item(("e1dec", a, b), f"Solve {v} - {ds(a)} = {ds(b)}.", ds(x), ds(b - a),
                f"subtracts {ds(a)} from both sides instead of adding it", core=f"{v} - {ds(a)} = {ds(b)}",
                variable=v, kind="eq", accept=[fs(x)] if x.denominator != 1 else [])


def e2_add_instead(r, v):
    a, x, b = r.randint(2, 9), r.randint(2, 12), r.randint(2, 15)
    c = a * x + b
    return item(("e2ai", a, b, c), f"Solve {a}{v} + {b} = {c}.", str(x), fs(F(c + b, a)),
                f"adds {b} to both sides instead of subtracting it", core=f"{a}{v} + {b} = {c}", variable=v,
                kind="eq")


def e2_divide_one(r, v):
    while True:
        a, x, j = r.randint(2, 5), r.randint(3, 15), r.randint(1, 3)
        b = a * j
        c = a * x + b
        sa = F(c, a) - b
        if sa != x and sa > 0:
            break
    return item(("e2do", a, b, c), f"Solve {a}{v} + {b} = {c}.", str(x), fs(sa),
                f"divides {c} by {a} but forgets to divide {b} by {a} too, then subtracts {b}",
                core=f"{a}{v} + {b} = {c}", variable=v, kind="eq")


def e2_minus(r, v):
    a, x, b = r.randint(2, 9), r.randint(2, 12), r.randint(2, 15)
    c = a * x - b
    return item(("e2m", a, b, c), f"Solve {a}{v} - {b} = {c}.", str(x), fs(F(c - b, a)),
                f"subtracts {b} from both sides instead of adding it", core=f"{a}{v} - {b} = {c}", variable=v,
                kind="eq")


def e2_negcoef(r, v):
    a, x, b = r.randint(2, 7), r.randint(2, 9), r.randint(1, 20)
    c = -a * x + b
    return item(("e2n", a, b, c), f"Solve -{a}{v} + {b} = {c}.", str(x), str(-x),
                f"divides by {a} instead of -{a}, so the sign of the answer is wrong",
                core=f"-{a}{v} + {b} = {c}", variable=v, kind="eq")


def e2_divvar(r, v):
    a, b, x = r.randint(2, 6), r.randint(1, 9), 0
    k = r.randint(2, 8)
    x = a * k
    c = k + b
    return item(("e2dv", a, b, c), f"Solve {v}/{a} + {b} = {c}.", str(x), fs(F(c - b, a)),
                f"divides by {a} instead of multiplying both sides by {a}", core=f"{v}/{a} + {b} = {c}",
                variable=v, kind="eq")


def e2_distribute(r, v):
    while True:
        a, x, b = r.randint(2, 6), r.randint(1, 10), r.randint(1, 9)
        c = a * (x + b)
        sa = F(c - b, a)
        if sa != x:
            break
    return item(("e2d", a, b, c), f"Solve {a}({v} + {b}) = {c}.", str(x), fs(sa),
                f"multiplies only {v} by {a} and forgets to distribute the {a} to {b}",
                core=f"{a}({v} + {b}) = {c}", variable=v, kind="eq")


def e2_both_sides(r, v):
    while True:
        a, c = r.randint(3, 9), r.randint(2, 8)
        if a <= c:
            continue
        x, b = r.randint(1, 9), r.randint(1, 12)
        d = a * x + b - c * x
        if d <= b:
            continue
        sa = F(d - b, a + c)
        if sa != x:
            break
    return item(("e2b", a, b, c, d), f"Solve {a}{v} + {b} = {c}{v} + {d}.", str(x), fs(sa),
                f"adds {c}{v} to both sides instead of subtracting it", core=f"{a}{v} + {b} = {c}{v} + {d}",
                variable=v, kind="eq")


# ---------------------------------------------------------------- area

def a_rect(r, big=False):
    u = r.choice(UNITS)
    l, w = (r.randint(8, 25), r.randint(5, 15)) if big else (r.randint(3, 10), r.randint(2, 9))
    if l == w:
        l += 1
    return item(("arect", l, w, u), f"What is the area of a rectangle that is {l} {u} long and {w} {u} wide?",
                str(l * w), str(2 * (l + w)), "finds the perimeter (adds all the sides) instead of the area",
                unit=f"{u}^2")


def a_square(r):
    u = r.choice(UNITS)
    s = r.randint(3, 12)
    return item(("asq", s, u), f"What is the area of a square with sides {s} {u} long?", str(s * s), str(2 * s),
                "multiplies the side length by 2 instead of multiplying it by itself", unit=f"{u}^2")


def a_missing(r):
    u = r.choice(UNITS)
    l, w = r.randint(4, 12), r.randint(3, 11)
    A = l * w
    return item(("amiss", A, l, u),
                f"A rectangle has an area of {A} square {LONG[u]}. It is {l} {u} long. How wide is it?",
                str(w), str(A - l), "subtracts the length from the area instead of dividing", unit=u)


def a_lshape(r):
    u = r.choice(["ft", "m", "yd"])
    a, b = r.randint(6, 12), r.randint(3, 6)
    c, d = r.randint(2, 5), r.randint(2, 5)
    return item(("alsh", a, b, c, d, u),
                f"A garden is made of two rectangles: one is {a} {u} by {b} {u}, and the other is {c} {u} by {d} {u}. What is the total area of the garden?",
                str(a * b + c * d), str(a + b + c + d),
                "adds all the side lengths instead of finding each rectangle's area and adding them",
                unit=f"{u}^2")


def a_frac_rect(r):
    p, q = r.choice([(F(3, 4), F(2, 3)), (F(1, 2), F(3, 5)), (F(2, 3), F(5, 6)), (F(3, 4), F(1, 2)),
                     (F(4, 5), F(1, 2)), (F(5, 8), F(2, 3))])
    a, acc = frac_answer(p * q)
    return item(("afr", p, q), f"A rectangle is {fs(p)} m long and {fs(q)} m wide. What is its area?",
                a, fs(2 * (p + q)), "finds the perimeter instead of multiplying the length by the width",
                unit="m^2", accept=acc)


def a_triangle(r):
    u = r.choice(UNITS)
    b, h = r.randint(4, 16), r.randint(3, 12)
    if (b * h) % 2:
        b += 1
    return item(("atri", b, h, u), f"What is the area of a triangle with a base of {b} {u} and a height of {h} {u}?",
                fs(F(b * h, 2)), str(b * h), "forgets to take half of base times height", unit=f"{u}^2")


def a_parallelogram(r):
    u = r.choice(UNITS)
    b, h = r.randint(5, 14), r.randint(3, 9)
    s = h + r.randint(1, 4)
    return item(("apar", b, h, s, u),
                f"A parallelogram has a base of {b} {u}, a slanted side of {s} {u}, and a height of {h} {u}. What is its area?",
                str(b * h), str(b * s), "multiplies the base by the slanted side instead of the height",
                unit=f"{u}^2")


def a_trapezoid(r):
    u = r.choice(UNITS)
    b1, b2, h = r.randint(3, 9), r.randint(10, 16), r.randint(2, 8)
    if ((b1 + b2) * h) % 2:
        h += 1
    return item(("atrap", b1, b2, h, u),
                f"A trapezoid has bases of {b1} {u} and {b2} {u} and a height of {h} {u}. What is its area?",
                fs(F((b1 + b2) * h, 2)), str((b1 + b2) * h), "adds the bases and multiplies by the height but forgets to take half",
                unit=f"{u}^2")


PI = F(314, 100)


def a_circle_r(r):
    u = r.choice(["cm", "m", "in", "ft"])
    rad = r.randint(2, 10)
    a, acc = dec_answer(PI * rad * rad)
    return item(("acr", rad, u), f"What is the area of a circle with a radius of {rad} {u}? Use 3.14 for pi.",
                a, ds(2 * PI * rad), "uses the circumference formula (2 × pi × r) instead of pi × r squared",
                unit=f"{u}^2", accept=acc)


def a_circle_d(r):
    u = r.choice(["cm", "m", "in", "ft"])
    d = 2 * r.randint(2, 8)
    a, acc = dec_answer(PI * (d // 2) ** 2)
    return item(("acd", d, u), f"A circle has a diameter of {d} {u}. What is its area? Use 3.14 for pi.",
                a, ds(PI * d * d), "uses the diameter as the radius instead of halving it first",
                unit=f"{u}^2", accept=acc)


def a_house(r):
    u = r.choice(["ft", "m"])
    l, w, h = r.randint(6, 14), r.randint(4, 10), r.randint(2, 6)
    if (l * h) % 2:
        h += 1
    return item(("ahouse", l, w, h, u),
                f"A shape is a rectangle {l} {u} wide and {w} {u} tall with a triangle on top. The triangle's base is {l} {u} and its height is {h} {u}. What is the total area?",
                fs(F(l * w) + F(l * h, 2)), str(l * w + l * h),
                "forgets to take half when finding the triangle's area", unit=f"{u}^2")


# ---------------------------------------------------------------- word problems

def nm(r):
    n = r.choice(NAMES)
    return n, HE_SHE[n]


def wp_join(r):
    n, p = nm(r)
    obj = r.choice(["stickers", "marbles", "baseball cards", "shells", "beads", "stamps"])
    while True:
        a, b = r.randint(15, 59), r.randint(12, 39)
        if a % 10 + b % 10 >= 10 and a + b < 100:
            break
    return item(("wjoin", a, b), f"{n} has {a} {obj}. {p.capitalize()} gets {b} more. How many {obj} does {p} have now?",
                str(a + b), str(a + b - 10), "forgets to carry the ten when the ones add up to more than 9",
                unit=obj)


def wp_separate(r):
    obj, place, verb = r.choice([("birds", "tree", "flew away"), ("apples", "basket", "were eaten"),
                                  ("kids", "pool", "went home"), ("books", "box", "were given away"),
                                  ("balloons", "room", "popped")])
    while True:
        a, b = r.randint(41, 95), r.randint(12, 39)
        if a % 10 < b % 10:
            break
    return item(("wsep", a, b), f"There were {a} {obj} in the {place}. {b} {verb}. How many {obj} are left?",
                str(a - b), str(digits_nocarry_sub(a, b)),
                "subtracts the smaller ones digit from the larger one instead of regrouping", unit=obj)


def wp_coins(r):
    n, p = nm(r)
    q, d = r.randint(1, 3), r.randint(2, 6)
    if q == d:
        d += 1
    return item(("wcoin", q, d), f"{n} has {q} quarter{'s' if q > 1 else ''} and {d} dimes. How many cents does {p} have?",
                str(25 * q + 10 * d), str(10 * q + 25 * d), "mixes up the values of quarters and dimes",
                unit="cents")


def wp_groups(r):
    cont, obj = r.choice([("boxes", "crayons"), ("bags", "apples"), ("packs", "pencils"), ("plates", "cookies"),
                          ("rows", "chairs"), ("vases", "flowers")])
    a, b = r.randint(3, 9), r.randint(4, 9)
    return item(("wgrp", a, b), f"There are {a} {cont} with {b} {obj} in each. How many {obj} are there in all?",
                str(a * b), str(a + b), "adds the two numbers instead of multiplying equal groups", unit=obj)


def wp_share(r):
    obj = r.choice(["cookies", "stickers", "grapes", "cards", "crackers"])
    n, q = r.randint(3, 8), r.randint(3, 9)
    return item(("wshr", n * q, n), f"{n * q} {obj} are shared equally among {n} friends. How many {obj} does each friend get?",
                str(q), str(n * q - n), "subtracts the number of friends instead of dividing", unit=obj)


def wp_twostep_money(r):
    n, p = nm(r)
    things = r.choice(["books", "toy cars", "notebooks", "comic books", "puzzles"])
    k, c = r.randint(2, 5), r.randint(3, 12)
    m = k * c + r.randint(3, 20)
    return item(("w2m", m, k, c), f"{n} had ${m}. {p.capitalize()} bought {k} {things} that cost ${c} each. How much money does {p} have left?",
                str(m - k * c), str(m - c), "subtracts the cost of only one item instead of all of them",
                unit="dollars")


def wp_times_as_many(r):
    n1, _ = nm(r)
    n2 = r.choice([x for x in NAMES if x != n1])
    obj = r.choice(["books", "points", "pets", "rocks", "trophies"])
    a, k = r.randint(4, 15), r.randint(3, 8)
    return item(("wtam", a, k), f"{n1} has {a} {obj}. {n2} has {k} times as many {obj}. How many {obj} does {n2} have?",
                str(a * k), str(a + k), "adds instead of multiplying for 'times as many'", unit=obj)


def wp_rows(r):
    rows, seats = r.randint(12, 35), r.randint(13, 28)
    t, o = seats // 10, seats % 10
    if o < 2:
        seats += 3
        t, o = seats // 10, seats % 10
    return item(("wrows", rows, seats), f"A theater has {rows} rows with {seats} seats in each row. How many seats are there?",
                str(rows * seats), str(rows * o + rows * t),
                "forgets the placeholder zero when multiplying by the tens digit", unit="seats")


def wp_vans(r):
    c = r.randint(6, 12)
    k = r.randint(3, 9)
    s = c * k + r.randint(1, c - 1)
    return item(("wvan", s, c), f"{s} students are going on a field trip. Each van holds {c} students. How many vans do they need?",
                str(k + 1), str(k), "drops the remainder, leaving some students without a van", unit="vans")


def wp_pizza(r):
    n1, _ = nm(r)
    n2 = r.choice([x for x in NAMES if x != n1])
    d = r.choice([6, 8, 10, 12])
    a = r.randint(1, d // 2 - 1)
    b = r.randint(1, d - a - 1)
    ans, acc = frac_answer(F(a + b, d))
    if F(a + b, d).denominator != d:
        acc.append(f"{a + b}/{d}")
    return item(("wpiz", a, b, d), f"{n1} ate {a}/{d} of a pizza and {n2} ate {b}/{d} of it. How much of the pizza did they eat together?",
                ans, f"{a + b}/{2 * d}", "adds the numerators and adds the denominators", unit="pizza",
                accept=acc)


def wp_run_dec(r):
    n, p = nm(r)
    x = F(r.randint(12, 49), 10)
    while x.denominator == 1:
        x += F(1, 10)
    k = r.randint(3, 7)
    return item(("wrun", x, k), f"{n} runs {ds(x)} km every day for {k} days. How far does {p} run in all?",
                ds(x * k), ds(x * k * 10), "ignores the decimal point when multiplying", unit="km",
                accept=[fs(x * k)] if (x * k).denominator != 1 else [])


def wp_recipe_frac(r):
    a, b = r.choice([(3, 4), (2, 3), (1, 3), (3, 8), (5, 8), (1, 4)])
    k = r.randint(2, 6)
    ans, acc = frac_answer(F(a * k, b))
    if F(a * k, b).denominator != b:
        acc.append(f"{a * k}/{b}")
    return item(("wrec", a, b, k), f"A recipe needs {a}/{b} cup of sugar. How much sugar do you need for {k} batches?",
                ans, f"{a * k}/{b * k}", "multiplies both the numerator and the denominator by the number of batches",
                unit="cups", accept=acc)


def wp_bags(r):
    n = r.randint(2, 8)
    d = r.choice([2, 3, 4, 5])
    return item(("wbag", n, d), f"We have {n} pounds of trail mix. Each bag holds 1/{d} pound. How many bags can we fill?",
                str(n * d), fs(F(n, d)), f"divides {n} by {d} instead of finding how many 1/{d}s are in {n}",
                unit="bags")


def wp_rate(r):
    s, h, h2 = r.choice([40, 45, 50, 55, 60, 65]), r.randint(2, 4), r.randint(5, 8)
    d = s * h
    return item(("wrate", d, h, h2), f"A car travels {d} miles in {h} hours. At the same speed, how far will it go in {h2} hours?",
                str(s * h2), str(d + h2 - h), "adds the extra hours to the distance instead of using the speed per hour",
                unit="miles")


def wp_ratio(r):
    a, b = r.choice([(2, 3), (3, 4), (3, 5), (4, 5), (2, 5)])
    k = r.randint(3, 8)
    return item(("wratio", a, b, k), f"In a class the ratio of boys to girls is {a}:{b}. There are {b * k} girls. How many boys are there?",
                str(a * k), str(b * k - (b - a)), "subtracts the difference between the ratio numbers instead of scaling the ratio",
                unit="boys")


def wp_unit_price(r):
    n = r.choice([4, 5, 8, 10])
    c = F(r.randint(3, 30) * n, 4) if n != 4 else F(r.randint(3, 30))
    each = c / n
    if not terminating(each) or each == F(n) / c:
        each = F(3, 2)
        c = each * n
    a, acc = money_answer(each)
    return item(("wup", n, c), f"{n} notebooks cost {money(c)}. How much does one notebook cost?",
                a, ds(F(n) / c) if terminating(F(n) / c) else fs(F(n) / c),
                "divides the number of notebooks by the cost instead of the cost by the number of notebooks",
                unit="dollars", accept=acc)


def wp_recipe_prop(r):
    a, b = r.choice([(2, 3), (3, 4), (3, 2), (4, 3), (2, 5)])
    k = r.randint(2, 4)
    c = b * k
    return item(("wprop", a, b, c), f"A recipe uses {a} cups of flour to make {b} dozen cookies. How many cups are needed for {c} dozen?",
                str(a * k), str(a + c - b), "adds the same amount to both quantities instead of multiplying (additive thinking)",
                unit="cups")


def wp_temp(r):
    a, b = r.randint(3, 15), r.randint(5, 25)
    while b == a:
        b += 1
    return item(("wtemp", a, b), f"The temperature was -{a} degrees in the morning and rose {b} degrees by noon. What was the temperature at noon?",
                str(b - a), str(-(a + b)), "adds the sizes of the numbers and keeps the negative sign", unit="degrees")


def wp_walk(r):
    p, q, s = r.choice([(3, 4, 4), (1, 2, 4), (2, 3, 3), (1, 3, 6), (3, 5, 5), (5, 6, 3)])
    ans = F(p, q) / F(1, s)
    return item(("wwalk", p, q, s), f"A turtle walks {p}/{q} of a mile in 1/{s} of an hour. How many miles per hour is that?",
                fs(ans), fs(F(p, q) * F(1, s)), "multiplies the distance by the time instead of dividing",
                unit="miles per hour", accept=frac_answer(ans)[1])


def wp_plumber(r):
    who = r.choice(["plumber", "electrician", "dog walker", "tutor", "painter"])
    f, rate, h = r.choice([25, 30, 40, 45, 50]), r.choice([15, 20, 25, 30, 35]), r.randint(2, 8)
    T = f + rate * h
    sa = F(T + f, rate)
    return item(("wplum", f, rate, T), f"A {who} charges ${f} plus ${rate} per hour. The bill was ${T}. How many hours did the {who} work?",
                str(h), fs(sa), f"adds the ${f} fee instead of subtracting it before dividing", unit="hours")


def wp_ladder(r):
    a, b, c = r.choice([(6, 8, 10), (5, 12, 13), (9, 12, 15), (8, 15, 17), (12, 16, 20), (7, 24, 25)])
    return item(("wlad", a, c), f"A {c} ft ladder leans against a wall. The bottom is {a} ft from the wall. How high up the wall does the ladder reach?",
                str(b), str(c - a), "subtracts the lengths instead of using the Pythagorean theorem", unit="ft")


# ---------------------------------------------------------------- math plan

SUBTYPES = {
    ("whole_numbers", 2): [w_add2, w_sub2, w_add3],
    ("whole_numbers", 3): [w_sub3zero, w_multens, w_missfactor, w_add3],
    ("whole_numbers", 4): [w_mul2x2, w_divzero],
    ("whole_numbers", 5): [w_mul3x2, w_div2, w_orderops, w_leftright],
    ("fractions", 3): [f_compare_unit, f_equiv_blank],
    ("fractions", 4): [f_add_like, f_whole_times, f_compare_unlike],
    ("fractions", 5): [f_add_unlike, f_sub_unlike, f_mult, f_of_whole],
    ("fractions", 6): [f_divide, f_whole_div_unit],
    ("decimals", 4): [d_compare, d_hundredths],
    ("decimals", 5): [d_add_misalign, d_whole_minus, d_mult_places, d_times10],
    ("decimals", 6): [d_divide, d_mult_ignore],
    ("decimals", 7): [d_frac_to_dec, d_neg_add],
    ("percent", 6): [p_to_dec, p_ten_of, p_of_subtract, p_from_frac, p_find_whole],
    ("percent", 7): [p_discount, p_tax, p_increase],
    ("percent", 8): [p_decrease, p_interest, p_up_down],
    ("integers", 6): [i_compare, i_abs, i_distance],
    ("integers", 7): [i_add_mixed, i_sub_neg, i_small_minus_big, i_mult_neg, i_div_neg],
    ("integers", 8): [i_neg_squared, i_neg_exp, i_distribute_neg],
    ("equations_one_step", 6): [e_add, e_sub, e_mul, e_div],
    ("equations_one_step", 7): [e_neg_coef, e_add_neg, e_mul, e_sub],
    ("equations_one_step", 8): [e_frac_coef, e_dec],
    ("equations_two_step", 7): [e2_add_instead, e2_divide_one, e2_minus, e2_negcoef, e2_divvar],
    ("equations_two_step", 8): [e2_distribute, e2_both_sides, e2_negcoef, e2_divvar],
    ("word_problems", 2): [wp_join, wp_separate, wp_coins],
    ("word_problems", 3): [wp_groups, wp_share, wp_twostep_money],
    ("word_problems", 4): [wp_times_as_many, wp_rows, wp_vans, wp_pizza],
    ("word_problems", 5): [wp_run_dec, wp_recipe_frac, wp_bags],
    ("word_problems", 6): [wp_rate, wp_ratio, wp_unit_price],
    ("word_problems", 7): [wp_recipe_prop, wp_temp, wp_walk],
    ("word_problems", 8): [wp_plumber, wp_ladder],
    ("area", 3): [a_rect, a_square, a_lshape],
    ("area", 4): [lambda r: a_rect(r, big=True), a_missing, a_lshape],
    ("area", 5): [a_frac_rect, lambda r: a_rect(r, big=True)],
    ("area", 6): [a_triangle, a_parallelogram, a_trapezoid],
    ("area", 7): [a_circle_r, a_circle_d],
    ("area", 8): [a_house, a_circle_d],
}

BENCH_MATH = {  # topic -> {grade: count}
    "whole_numbers": {2: 5, 3: 4, 4: 3, 5: 3},
    "fractions": {3: 3, 4: 4, 5: 4, 6: 4},
    "decimals": {4: 3, 5: 4, 6: 4, 7: 3},
    "percent": {6: 5, 7: 5, 8: 4},
    "integers": {6: 4, 7: 6, 8: 4},
    "equations_one_step": {6: 6, 7: 5, 8: 3},
    "equations_two_step": {7: 7, 8: 7},
    "word_problems": {2: 3, 3: 3, 4: 3, 5: 3, 6: 2, 7: 2, 8: 2},
    "area": {3: 3, 4: 3, 5: 2, 6: 3, 7: 2, 8: 1},
}

PROBE_MATH = {  # grade -> topics (one item each)
    2: ["whole_numbers", "whole_numbers", "whole_numbers", "word_problems", "word_problems"],
    3: ["whole_numbers", "fractions", "fractions", "area", "word_problems"],
    4: ["whole_numbers", "fractions", "decimals", "area", "word_problems"],
    5: ["fractions", "decimals", "whole_numbers", "area", "word_problems"],
    6: ["percent", "integers", "equations_one_step", "fractions", "decimals"],
    7: ["equations_two_step", "integers", "percent", "word_problems", "area"],
    8: ["equations_two_step", "percent", "integers", "word_problems", "equations_one_step"],
}


# ---------------------------------------------------------------- ELA lists (hand-written)
# (grade, question, answer, accept, student's wrong answer, misconception, probe?)

def E(g, ask, ans, wrong, misc, accept=(), probe=False):
    return {"grade": g, "ask": ask, "answer": ans, "accept": list(accept), "sa": wrong, "misc": misc,
            "probe": probe}


ELA = {
    "plurals": [
        E(2, "What is the plural of mouse?", "mice", "mouses", "adds -s to an irregular noun"),
        E(2, "How do you say more than one child?", "children", "childs", "adds -s to an irregular noun"),
        E(2, "What is the plural of box?", "boxes", "boxs", "adds only -s to a word ending in x instead of -es"),
        E(2, "What's the word for more than one foot?", "feet", "foots", "adds -s to an irregular noun that changes its vowels"),
        E(2, "What is the plural of bus?", "buses", "bus's", "uses an apostrophe to make a word plural", accept=["busses"]),
        E(2, "I lost a tooth. What do you call two of them?", "teeth", "tooths", "adds -s to an irregular noun that changes its vowels"),
        E(2, "What is the plural of dish?", "dishes", "dishs", "adds only -s to a word ending in sh instead of -es", probe=True),
        E(3, "What is the plural of baby?", "babies", "babys", "adds -s to a word ending in a consonant and y instead of changing y to i and adding -es"),
        E(3, "How do you spell the plural of leaf?", "leaves", "leafs", "adds -s instead of changing f to v and adding -es"),
        E(3, "What is the plural of man?", "men", "mans", "adds -s to an irregular noun"),
        E(3, "What do you call more than one goose?", "geese", "gooses", "adds -es to an irregular noun that changes its vowels"),
        E(3, "What is the plural of sheep?", "sheep", "sheeps", "adds -s to a noun that stays the same in the plural"),
        E(3, "What is the plural of city?", "cities", "citys", "adds -s to a word ending in a consonant and y instead of changing y to i and adding -es", probe=True),
        E(4, "What is the plural of wolf?", "wolves", "wolfs", "adds -s instead of changing f to v and adding -es"),
        E(4, "What is the plural of woman?", "women", "womans", "adds -s to an irregular noun"),
        E(4, "How do you spell the plural of potato?", "potatoes", "potatos", "adds only -s to a word that takes -es after the o"),
        E(4, "What is the plural of deer?", "deer", "deers", "adds -s to a noun that stays the same in the plural"),
        E(5, "What is the plural of ox?", "oxen", "oxes", "uses the regular -es ending for an irregular noun"),
        E(5, "What is the plural of crisis?", "crises", "crisises", "adds -es to a word ending in -is instead of changing -is to -es"),
    ],
    "verb_tenses": [
        E(2, "What is the past tense of run?", "ran", "runned", "adds -ed to an irregular verb"),
        E(2, "What's the past tense of go?", "went", "goed", "adds -ed to an irregular verb"),
        E(2, "Fill in the blank: Yesterday I ___ (eat) a sandwich.", "ate", "eated", "adds -ed to an irregular verb"),
        E(2, "What is the past tense of see?", "saw", "seed", "adds -ed to an irregular verb"),
        E(2, "Fill in the blank: The cat ___ (sit) on the mat all morning yesterday.", "sat", "sitted", "adds -ed to an irregular verb"),
        E(2, "Fill in the blank: Last summer we ___ (swim) in the lake.", "swam", "swimmed", "adds -ed to an irregular verb", probe=True),
        E(3, "Fill in the blank: Yesterday she ___ (catch) the ball.", "caught", "catched", "adds -ed to an irregular verb"),
        E(3, "What is the past tense of bring?", "brought", "brang", "makes bring follow the pattern of sing/sang"),
        E(3, "Put visit in the future tense: Tomorrow I ___ my grandma.", "will visit", "visited", "uses the past tense for an action that has not happened yet"),
        E(3, "What is the past tense of hop?", "hopped", "hoped", "forgets to double the final consonant before adding -ed"),
        E(4, "Change this to the past progressive tense: They play soccer.", "They were playing soccer.", "They was playing soccer.", "uses 'was' with a plural subject in the past progressive", accept=["were playing"]),
        E(4, "What is the past tense of teach?", "taught", "teached", "adds -ed to an irregular verb"),
        E(4, "Fill in the blank with the present progressive: Right now she ___ (read) a book.", "is reading", "was reading", "uses the past progressive for something happening right now"),
        E(4, "What is the past tense of fly?", "flew", "flied", "adds -ed to an irregular verb", probe=True),
        E(5, "Use the present perfect: She ___ (finish) her homework already.", "has finished", "have finished", "uses 'have' with a singular subject"),
        E(5, "Use the past perfect: By the time we arrived, the movie ___ (start).", "had started", "has started", "uses the present perfect instead of the past perfect for an action finished before another past action"),
        E(5, "What is the past participle of write, like in 'I have ___ a letter'?", "written", "wrote", "uses the simple past form instead of the past participle"),
        E(5, "What is the past tense of freeze?", "froze", "freezed", "adds -ed to an irregular verb", probe=True),
        E(6, "What is the past participle of swim, as in 'I have ___ across the pool'?", "swum", "swam", "uses the simple past form instead of the past participle"),
        E(7, "Which is right: 'Yesterday I ___ down for a nap.' Lay or laid?", "lay", "laid", "confuses the past tense of lie (to rest) with the past tense of lay (to put)"),
        E(8, "Fill in the subjunctive: If I ___ (be) taller, I would play basketball.", "were", "was", "uses the indicative 'was' instead of the subjunctive 'were' for a wish or condition that isn't true"),
        E(8, "Fill in the blank: If she ___ (know) the answer, she would have told us.", "had known", "would have known", "uses 'would have' in the if-clause instead of the past perfect", probe=True),
    ],
    "parts_of_speech": [
        E(2, "In the sentence 'The dog runs fast,' what part of speech is 'dog'?", "noun", "verb", "thinks the word for who does the action is the verb"),
        E(2, "Is 'jump' a noun or a verb in 'We jump rope at recess'?", "verb", "noun", "thinks any word naming an activity is a noun"),
        E(3, "In 'The tall girl sang a song,' what part of speech is 'tall'?", "adjective", "adverb", "confuses adjectives, which describe nouns, with adverbs"),
        E(3, "Which word is the adverb in 'The turtle moved slowly across the road'?", "slowly", "moved", "picks the verb instead of the word that tells how the action happened"),
        E(3, "What part of speech is 'happily' in 'She smiled happily'?", "adverb", "adjective", "thinks every describing word is an adjective", probe=True),
        E(4, "Find the preposition in 'The cat hid under the bed.'", "under", "hid", "picks the verb instead of the word that shows position"),
        E(4, "Which word is correct: 'She sings ___.' Good or well?", "well", "good", "uses the adjective 'good' where an adverb is needed to describe the verb"),
        E(5, "What is the conjunction in 'I wanted to play outside, but it was raining'?", "but", "to", "picks the small word 'to', which belongs to the verb, instead of the word joining the two parts"),
        E(5, "What part of speech is 'Wow' in 'Wow, that was a great catch!'?", "interjection", "adverb", "doesn't recognize a word that shows sudden feeling as an interjection"),
        E(5, "In 'They built a sandcastle,' what part of speech is 'They'?", "pronoun", "noun", "calls any word for who did the action a noun, even when it stands in for a noun"),
        E(5, "Find the preposition in 'The bird flew over the house.'", "over", "flew", "picks the verb instead of the word that shows position", probe=True),
        E(6, "What kind of pronoun is 'myself' in 'I made myself a sandwich'?", "reflexive pronoun", "personal pronoun", "doesn't recognize that a -self pronoun pointing back to the subject is reflexive", accept=["reflexive"]),
        E(6, "Which is correct: 'Me and Jake went to the store' or 'Jake and I went to the store'?", "Jake and I went to the store.", "Me and Jake went to the store.", "uses the object pronoun 'me' as part of the subject", accept=["Jake and I went to the store", "Jake and I"]),
        E(6, "In 'Give the book to her,' is 'her' a subject pronoun or an object pronoun?", "object pronoun", "subject pronoun", "thinks any pronoun for a person is a subject pronoun", accept=["object"]),
        E(6, "What part of speech is 'beautiful' in 'The garden looks beautiful'?", "adjective", "adverb", "thinks a word after the verb must be an adverb, missing that 'looks' is a linking verb", probe=True),
        E(7, "In 'She finished her very long essay,' what part of speech is 'very'?", "adverb", "adjective", "thinks a word in front of an adjective and noun must be an adjective too"),
        E(7, "Is 'under the old bridge' in 'The troll lived under the old bridge' a prepositional phrase or a clause?", "prepositional phrase", "clause", "thinks any group of words is a clause, even without a subject and verb", accept=["a prepositional phrase", "phrase"]),
        E(7, "Is 'because it was raining' a dependent clause or an independent clause?", "dependent clause", "independent clause", "thinks any group of words with a subject and a verb can stand alone as a sentence", accept=["dependent", "subordinate clause"]),
        E(7, "Is 'although' a coordinating conjunction or a subordinating conjunction?", "subordinating conjunction", "coordinating conjunction", "thinks every joining word is a coordinating conjunction like 'and' or 'but'", accept=["subordinating"], probe=True),
        E(8, "In 'Swimming is my favorite sport,' is 'swimming' a gerund, a participle, or an infinitive?", "gerund", "participle", "thinks every -ing word is a participle, even when it works as a noun"),
        E(8, "In 'The broken window let in the cold,' is 'broken' a gerund, a participle, or an infinitive?", "participle", "gerund", "calls every verbal a gerund, though 'broken' describes a noun like an adjective", accept=["past participle"]),
        E(8, "In 'I want to learn Spanish,' what kind of verbal is 'to learn'?", "infinitive", "prepositional phrase", "thinks 'to' always starts a prepositional phrase"),
        E(8, "Is the verb in 'The cake was eaten by the kids' active or passive?", "passive", "active", "thinks the sentence is active because it has an action word in it", accept=["passive voice"]),
    ],
    "vocabulary": [
        E(2, "What is the opposite of hot?", "cold", "warm", "picks a word close in meaning instead of the opposite"),
        E(2, "What word means the same as big?", "large", "small", "confuses a word that means the same (synonym) with the opposite (antonym)", accept=["huge", "giant", "enormous"]),
        E(2, "What does unhappy mean?", "not happy", "very happy", "thinks the prefix un- makes the word stronger instead of meaning 'not'", accept=["sad"], probe=True),
        E(3, "What does reread mean?", "read again", "read before", "reads the prefix re- as 'before' instead of 'again'", accept=["to read again", "read it again"]),
        E(3, "What does careless mean?", "without care", "full of care", "confuses the suffix -less (without) with -ful (full of)", accept=["not careful", "not being careful"]),
        E(4, "What is a synonym for brave?", "courageous", "scared", "gives an antonym instead of a synonym", accept=["fearless", "bold", "heroic"]),
        E(4, "What does preview mean?", "see before", "see again", "confuses the prefix pre- (before) with re- (again)", accept=["to see before", "view before", "to view before", "see ahead of time", "see beforehand"]),
        E(4, "What does transport mean? Trans means across and port means carry.", "carry across", "a harbor for ships", "thinks 'port' means a harbor here and ignores the root meaning 'carry'", accept=["to carry across", "carry from one place to another", "to carry from one place to another", "move from one place to another"], probe=True),
        E(5, "What does the idiom 'it's raining cats and dogs' mean?", "it's raining very hard", "animals are falling from the sky", "takes the idiom literally", accept=["raining very hard", "raining heavily", "it is raining very hard", "it's raining a lot"]),
        E(5, "What is an antonym for ancient?", "modern", "old", "gives a synonym instead of an antonym", accept=["new"]),
        E(5, "What does the root bio mean in biology and biography?", "life", "book", "guesses from a biography being a book instead of knowing the Greek root for life"),
        E(5, "What does the simile 'as busy as a bee' mean?", "very busy", "buzzing around like an insect", "takes the simile literally instead of as a comparison", accept=["very busy working", "working very hard", "working hard"], probe=True),
        E(6, "What does benevolent mean?", "kind", "violent", "guesses from the sound of '-volent', as if it were 'violent'", accept=["kind and generous", "well-meaning", "generous", "kindly"]),
        E(6, "In 'The scarce water had to be shared carefully,' what does scarce mean?", "in short supply", "scary", "guesses from a look-alike word (scare) instead of using the context clues", accept=["rare", "not enough", "hard to find", "limited"]),
        E(6, "Which word fits: 'The rain will ___ the game.' Affect or effect?", "affect", "effect", "confuses the verb 'affect' with the noun 'effect'"),
        E(6, "What does hypothesis mean in science?", "an educated guess", "a proven fact", "confuses a hypothesis, which still needs testing, with a conclusion", accept=["a prediction that can be tested", "a testable prediction", "educated guess"]),
        E(6, "What does autograph mean? Auto means self and graph means write.", "a person's own signature", "a drawing of a car", "thinks 'auto' means car instead of self", accept=["your own signature", "signature", "one's own signature", "a signature"], probe=True),
        E(7, "Does the word stubborn have a positive or a negative connotation?", "negative", "positive", "thinks words with similar meanings (stubborn, determined) carry the same feeling"),
        E(7, "What does ambiguous mean?", "having more than one possible meaning", "wanting to succeed", "confuses it with the look-alike word 'ambitious'", accept=["unclear", "open to more than one interpretation", "having more than one meaning"]),
        E(7, "In 'The tiny puppy looked minuscule next to the huge dog,' what does minuscule mean?", "very small", "very large", "uses the wrong context clue (the huge dog) instead of 'tiny puppy'", accept=["tiny", "extremely small"]),
        E(7, "What does the Latin root dict mean, as in predict and dictionary?", "say", "book", "guesses from a dictionary being a book instead of knowing the root for 'say'", accept=["to say", "speak", "to speak", "tell"], probe=True),
        E(8, "What does ubiquitous mean?", "found everywhere", "very rare", "guesses without context clues and gets the meaning backwards", accept=["everywhere", "present everywhere", "seeming to be everywhere"]),
        E(8, "Which word fits: 'From her smile, I ___ that she was happy.' Imply or infer?", "infer", "imply", "confuses infer (to conclude) with imply (to hint)"),
        E(8, "What does the allusion 'Achilles' heel' mean?", "a weakness", "a foot injury", "takes the allusion literally instead of as a reference to the myth", accept=["a weak spot", "a small but serious weakness", "weakness", "weak point"]),
        E(8, "What does candid mean in 'She gave a candid answer about her mistake'?", "honest", "sweet", "confuses 'candid' with the look-alike word 'candy'", accept=["frank", "open and honest", "truthful"]),
        E(8, "What does the prefix mal- mean in malfunction?", "bad", "many", "guesses that mal- means many, like a mall full of stores", accept=["badly", "wrong", "poorly"], probe=True),
    ],
    "punctuation": [
        E(2, "What end mark goes here: 'Can you play with me'", "Can you play with me?", "Can you play with me.", "uses a period at the end of a question", accept=["?"]),
        E(3, "Add quotation marks: Mom said, Dinner is ready.", 'Mom said, "Dinner is ready."', 'Mom said, "Dinner is ready".', "puts the period outside the closing quotation mark"),
        E(3, "Where do the commas go in 'We visited Dallas Texas last summer'?", "We visited Dallas, Texas, last summer.", "We visited Dallas Texas, last summer.", "puts one comma after the state instead of separating the city and the state", probe=True),
        E(4, "Fix this sentence: 'The dog wagged it's tail.'", "The dog wagged its tail.", "The dog wagged its' tail.", "thinks the possessive 'its' needs an apostrophe"),
        E(4, "Add the commas: 'I like apples bananas and grapes.'", "I like apples, bananas, and grapes.", "I like apples, bananas, and, grapes.", "puts a comma after 'and' in a list", accept=["I like apples, bananas and grapes."]),
        E(4, "Fix this sentence: 'Their going to the park after school.'", "They're going to the park after school.", "There going to the park after school.", "confuses their, there, and they're", probe=True),
        E(5, "Where does the comma go in 'After the game we went out for pizza'?", "After the game, we went out for pizza.", "After the game we went, out for pizza.", "puts the comma inside the main clause instead of after the introductory phrase"),
        E(5, "Fix the punctuation: 'Yes I can come to your party.'", "Yes, I can come to your party.", "Yes I can come to your party!", "doesn't know that 'yes' at the start of a sentence is set off with a comma"),
        E(6, "Fix this sentence (there is more than one kid): 'The kids toys were all over the floor.'", "The kids' toys were all over the floor.", "The kid's toys were all over the floor.", "puts the apostrophe before the s for a plural noun ending in s"),
        E(6, "I only have one brother. Punctuate this: 'My brother who lives in Ohio is a teacher.'", "My brother, who lives in Ohio, is a teacher.", "My brother, who lives in Ohio is a teacher.", "leaves out the second comma that closes the nonrestrictive clause"),
        E(6, "Fix this sentence: 'Your going to love this movie.'", "You're going to love this movie.", "Youre going to love this movie.", "leaves the apostrophe out of the contraction for 'you are'"),
        E(6, "Fix this sentence: 'The childrens books are on the top shelf.'", "The children's books are on the top shelf.", "The childrens' books are on the top shelf.", "puts the apostrophe after the s even though 'children' is already plural without an s", probe=True),
        E(7, "Add the comma between the adjectives: 'It was a fascinating enjoyable movie.'", "It was a fascinating, enjoyable movie.", "It was a fascinating, enjoyable, movie.", "puts a comma between the last adjective and the noun"),
        E(7, "Fix this run-on sentence: 'I finished my homework I went outside.'", "I finished my homework; I went outside.", "I finished my homework, I went outside.", "fixes a run-on with only a comma, which makes a comma splice", accept=["I finished my homework. I went outside.", "I finished my homework, and I went outside.", "I finished my homework, so I went outside.", "I finished my homework, and then I went outside."]),
        E(7, "Which is punctuated correctly: 'an old green shirt' or 'an old, green shirt'?", "an old green shirt", "an old, green shirt", "puts a comma between cumulative adjectives that can't be swapped or joined with 'and'"),
        E(7, "Punctuate the dialogue: Where are you going asked Mom", '"Where are you going?" asked Mom.', '"Where are you going"? asked Mom.', "puts the question mark outside the quotation marks"),
        E(7, "Fix this sentence: 'Whose going to the game tonight?'", "Who's going to the game tonight?", "Whose going to the game tonight?", "thinks 'whose' is the contraction for 'who is'", probe=True),
        E(8, "Fix the punctuation: 'I wanted to go, however, it was too late.'", "I wanted to go; however, it was too late.", "I wanted to go; however it was too late.", "drops the comma after the conjunctive adverb 'however'", accept=["I wanted to go. However, it was too late."]),
        E(8, "Use dashes to set off the interruption: 'My aunt she's a pilot flew us to Denver.'", "My aunt—she's a pilot—flew us to Denver.", "My aunt—she's a pilot flew us to Denver.", "leaves out the closing dash, so the interruption never ends", accept=["My aunt -- she's a pilot -- flew us to Denver.", "My aunt--she's a pilot--flew us to Denver."]),
        E(8, "Fix the colon: 'The recipe needs: flour, sugar, and eggs.'", "The recipe needs flour, sugar, and eggs.", "The recipe needs: flour, sugar, and eggs.", "thinks a colon belongs right after a verb before a list", accept=["The recipe needs flour, sugar and eggs."]),
        E(8, "Add the apostrophe: 'James bike is in the garage.'", "James's bike is in the garage.", "Jame's bike is in the garage.", "puts the apostrophe inside the name instead of after the whole name", accept=["James' bike is in the garage."]),
        E(8, "Fix this sentence: 'Its been a long day, and the dog needs it's dinner.'", "It's been a long day, and the dog needs its dinner.", "It's been a long day, and the dog needs it's dinner.", "uses 'it's' for the possessive as well as for 'it has'"),
        E(8, "Punctuate: 'There are three things I need a pencil, an eraser, and a ruler.'", "There are three things I need: a pencil, an eraser, and a ruler.", "There are three things I need; a pencil, an eraser, and a ruler.", "uses a semicolon instead of a colon to introduce a list", accept=["There are three things I need: a pencil, an eraser and a ruler."], probe=True),
    ],
}


# ---------------------------------------------------------------- prompt templates

EXPR = {  # {core}: "3/4 + 1/8"; {ask}: "What is 3/4 + 1/8?"; {sa}: the wrong answer as typed
    ("tutor", False): ["I don't get {core}. Can you help?", "Can you help me with this one? {ask}",
                       "{ask} I'm stuck. Please don't just tell me the answer.",
                       "My homework says: {ask} I don't know where to start.", "how do i do {core}",
                       "I keep getting confused on {core}. Can you give me a hint?",
                       "Can we do {core} together step by step?"],
    ("tutor", True): ["I got {sa} for {core}. My teacher marked it wrong. Can you help me?",
                      "{ask} I said {sa} but it's wrong and I don't know why.",
                      "i keep getting {sa} for {core} but its not right. help?",
                      "For {core} I wrote {sa}. Can you give me a hint without telling me the answer?"],
    ("explain", False): ["Can you explain how to do {core}?", "Explain how to solve this: {ask}",
                         "What are the steps for {core}?", "Can you show me how {core} works?",
                         "How do you figure out {core}? Please explain."],
    ("explain", True): ["Why isn't {core} equal to {sa}? Can you explain?",
                        "I thought {core} was {sa}. Can you explain what I did wrong?",
                        "Can you explain {core}? I got {sa} and the answer key says no."],
    ("assess", True): ["I think {core} is {sa}. Is that right?", "Check my answer: {ask} I got {sa}.",
                       "{ask} My answer is {sa}. Did I get it right?", "Is {sa} right for {core}?",
                       "Here's my work for {core}. My answer: {sa}. Can you check it?"],
}
EQ = {
    ("tutor", False): ["I don't get how to solve {core}. Can you help?", "Can you help me solve {core}? Don't tell me the answer yet.",
                       "how do i solve {core}", "I'm stuck on {core}. Where do I start?",
                       "Can we solve {core} together?"],
    ("tutor", True): ["I got {var} = {sa} for {core} but it's wrong. Can you help?",
                      "For {core} I said {var} = {sa}. My teacher says no. Can you give me a hint?",
                      "i keep getting {sa} for {core}. what am i doing wrong"],
    ("explain", False): ["Can you explain how to solve {core}?", "What are the steps to solve {core}?",
                         "Explain how to get {var} by itself in {core}.", "How do you solve an equation like {core}?"],
    ("explain", True): ["I solved {core} and got {var} = {sa}. Can you explain why that's wrong?",
                        "Why isn't {var} = {sa} the answer to {core}? Please explain."],
    ("assess", True): ["I solved {core} and got {var} = {sa}. Is that right?", "Check my work: {core}, {var} = {sa}.",
                       "Is {var} = {sa} the answer to {core}?", "My answer for {core} is {var} = {sa}. Did I get it?"],
}
QUESTION = {  # math word problems and other full questions: only {ask}
    ("tutor", False): ["{ask} Can you help me?", "I'm stuck on this one. {ask}",
                       "Can you help me think about this? {ask} Don't tell me the answer yet!",
                       "My homework says: {ask} I don't know where to start.", "I don't get this one: {ask}",
                       "Help please. {ask}"],
    ("tutor", True): ["{ask} I got {sa} but my teacher says it's wrong. Can you help?",
                      "I'm stuck. {ask} I said {sa} and it was wrong.",
                      "{ask} My answer was {sa} and it got marked wrong. Can you give me a hint?"],
    ("explain", False): ["Can you explain how to solve this? {ask}", "Explain the steps for this one please: {ask}",
                         "How do you figure this out? {ask}", "Can you explain this to me? {ask}"],
    ("explain", True): ["{ask} I thought it was {sa}. Can you explain why that's wrong?",
                        "Can you explain this one? {ask} I got {sa} but the answer key says no.",
                        "{ask} Why isn't it {sa}?"],
    ("assess", True): ["{ask} I got {sa}. Is that right?", "Check my answer please. {ask} My answer: {sa}",
                       "{ask} My answer is {sa}. Did I get it?", "Can you check this? {ask} I said {sa}."],
}
ELA_T = {
    ("tutor", False): ["{ask} Can you help me?", "I'm stuck on this one. {ask}", "Can you help me with this? {ask}",
                       "{ask} Can you give me a hint?", "My worksheet says: {ask} I don't get it.", "help. {ask}"],
    ("tutor", True): ["{ask} I wrote {sa} but my teacher says it's wrong. Can you help?",
                      "{ask} I put {sa} and it was marked wrong. Can you give me a hint?",
                      "I'm stuck. {ask} I said {sa} but that's not right."],
    ("explain", False): ["Can you explain this? {ask}", "{ask} Can you explain how to figure it out?",
                         "Explain this to me please: {ask}", "Can you explain how this works? {ask}"],
    ("explain", True): ["{ask} I thought it was {sa}. Can you explain why that's wrong?",
                        "{ask} Why isn't it {sa}? Please explain.",
                        "Can you explain this one? {ask} I wrote {sa}."],
    ("assess", True): ["{ask} I wrote {sa}. Is that right?", "Check my answer please. {ask} My answer: {sa}",
                       "{ask} My answer is {sa}. Did I get it right?", "Can you check this? {ask} I put {sa}."],
}


def sa_text(rec) -> str:
    sa, unit = rec["student_answer"], rec.get("unit")
    if rec["subject"] == "ela":
        return f'"{sa}"' if rec["topic"] in ("punctuation",) or " " in sa else sa
    if unit == "dollars":
        s = F(sa) if "/" not in sa else F(sa)
        return money(s) if s >= 0 else sa
    if unit == "%":
        return f"{sa}%"
    if unit:
        u = "square " + LONG[unit[:-2]] if unit.endswith("^2") else unit
        return f"{sa} {u}"
    return sa


# ---------------------------------------------------------------- assembly

def math_slots(plan_bench: bool):
    slots = []
    if plan_bench:
        for topic, per in BENCH_MATH.items():
            for g, n in per.items():
                slots += [(topic, g)] * n
    else:
        for g, topics in PROBE_MATH.items():
            slots += [(t, g) for t in topics]
    return slots


def make_math(slots, rng, used_keys, rotation):
    out = []
    for topic, g in slots:
        fns = SUBTYPES[(topic, g)]
        fn = fns[rotation[(topic, g)] % len(fns)]
        rotation[(topic, g)] += 1
        whole_sa = topic in ("equations_one_step", "equations_two_step", "word_problems")
        for attempt in range(400):
            v = rng.choice(VARS)
            it = fn(rng, v) if topic.startswith("equations") else fn(rng)
            nums = (topic, tuple(sorted(str(x) for x in it["key"][1:] if not isinstance(x, str))))
            if it["key"] in used_keys or nums in used_keys:
                continue
            # a child's wrong answer to a whole-number problem is usually a whole number too
            if whole_sa and attempt < 300 and F(it["answer"]).denominator == 1 and F(it["sa"]).denominator != 1:
                continue
            used_keys.add(it["key"])
            used_keys.add(nums)
            break
        else:
            raise RuntimeError(f"no fresh item for {topic} g{g}")
        it.update(subject="math", topic=topic, grade=g)
        out.append(it)
    return out


def make_ela(probe: bool):
    out = []
    for topic, entries in ELA.items():
        for e in entries:
            if e["probe"] == probe:
                out.append({"key": ("ela", e["ask"]), "ask": e["ask"], "core": None, "answer": e["answer"],
                            "accept": e["accept"], "sa": e["sa"], "misc": e["misc"], "unit": None,
                            "variable": None, "kind": "ela", "subject": "ela", "topic": topic,
                            "grade": e["grade"]})
    return out


def assign(items, rng, prefix_ids, acc_rate=0.30, sa_rate=0.75):
    """Modes (50/30/20), accommodations (~30%), which items carry a student answer; then prompts."""
    n = len(items)
    order = list(range(n))
    rng.shuffle(order)
    n_assess, n_explain = round(0.2 * n), round(0.3 * n)
    modes = {}
    for j, i in enumerate(order):
        modes[i] = "assess" if j < n_assess else "explain" if j < n_assess + n_explain else "tutor"
    # student answers: every assess item; others until ~sa_rate overall
    want_sa = round(sa_rate * n) - n_assess
    others = [i for i in order if modes[i] != "assess"]
    rng.shuffle(others)
    has_sa = {i: modes[i] == "assess" for i in range(n)}
    for i in others[:want_sa]:
        has_sa[i] = True
    # accommodations: cycle so each one appears about equally; some get two
    n_acc = round(acc_rate * n)
    acc_idx = list(range(n))
    rng.shuffle(acc_idx)
    acc_idx = acc_idx[:n_acc]
    accs = {i: [] for i in range(n)}
    cyc = 0
    for i in acc_idx:
        pool = ACCOMMODATIONS + ["dyscalculia"] if items[i]["subject"] == "math" else ACCOMMODATIONS[:4]
        a = pool[cyc % len(pool)]
        cyc += 1
        chosen = [a]
        if rng.random() < 0.2:
            b = rng.choice([x for x in ACCOMMODATIONS[:len(set(pool))] if x != a])
            chosen.append(b)
        accs[i] = sorted(chosen, key=ACCOMMODATIONS.index)
    counters = Counter()
    seen_prompts = set()
    recs = []
    for i, it in enumerate(items):
        mode = modes[i]
        sa_in_prompt = mode == "assess" or (has_sa[i] and rng.random() < 0.5)
        rec = {"id": None, "subject": it["subject"], "topic": it["topic"], "grade": it["grade"],
               "accommodations": accs[i], "mode": mode}
        rec["answer"] = it["answer"]
        rec["accept"] = it["accept"]
        if it["variable"]:
            rec["variable"] = it["variable"]
        if it["unit"]:
            rec["unit"] = it["unit"]
        if has_sa[i]:
            rec["student_answer"] = it["sa"]
            rec["misconception"] = it["misc"]
        table = {"expr": EXPR, "eq": EQ, "question": QUESTION, "ela": ELA_T}[it["kind"]]
        choices = list(table[(mode, sa_in_prompt)])
        rng.shuffle(choices)
        sat = sa_text(rec) if has_sa[i] else None
        for t in choices:
            p = t.format(core=it["core"], ask=it["ask"], sa=sat, var=it["variable"])
            for q in '.?!':
                p = p.replace(q + '".', q + '"')
            if p not in seen_prompts:
                break
        else:
            raise RuntimeError(f"duplicate prompt for {it['ask']}")
        seen_prompts.add(p)
        rec["prompt"] = p
        counters[(it["topic"], it["grade"])] += 1
        rec["id"] = f"{prefix_ids}{it['subject']}-{ABBR[it['topic']]}-g{it['grade']}-{counters[(it['topic'], it['grade'])]:03d}"
        rec["_key"] = it["key"]
        recs.append(rec)
    return recs


FIELD_ORDER = ["id", "subject", "topic", "grade", "accommodations", "mode", "prompt", "answer", "accept",
               "variable", "unit", "student_answer", "misconception"]


def dump(recs, path):
    with open(path, "w", encoding="utf-8") as fh:
        for rec in recs:
            out = {k: rec[k] for k in FIELD_ORDER if k in rec}
            fh.write(json.dumps(out, ensure_ascii=False) + "\n")


def build():
    used = set()
    rotation = Counter()
    rng = random.Random(20261207)
    bench_items = make_math(math_slots(True), rng, used, rotation) + make_ela(False)
    bench_items.sort(key=lambda it: (it["grade"], it["subject"], it["topic"]))
    bench = assign(bench_items, random.Random(14), "")
    prng = random.Random(4114)
    probe_items = make_math(math_slots(False), prng, used, rotation) + make_ela(True)
    probe_items.sort(key=lambda it: (it["grade"], it["subject"], it["topic"]))
    probes = assign(probe_items, random.Random(41), "probe-")
    bench_keys = {r["_key"] for r in bench}
    assert not bench_keys & {r["_key"] for r in probes}
    dump(bench, BENCH)
    dump(probes, PROBES)


# ---------------------------------------------------------------- verification

def load(path):
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]


def verify():
    import sympy

    def val(s):
        return sympy.nsimplify(sympy.sympify(s, rational=True), rational=True)

    problems = []
    bench, probes = load(BENCH), load(PROBES)
    allowed_topics = {"math": set(MATH_TOPICS), "ela": set(ELA_TOPICS)}
    for name, recs in (("tutor_bench", bench), ("probes", probes)):
        ids = [r["id"] for r in recs]
        if len(ids) != len(set(ids)):
            problems.append(f"{name}: duplicate ids")
        prompts = [r["prompt"] for r in recs]
        if len(prompts) != len(set(prompts)):
            problems.append(f"{name}: duplicate prompts")
        for r in recs:
            if r["topic"] not in allowed_topics[r["subject"]]:
                problems.append(f"{r['id']}: bad topic")
            if not 2 <= r["grade"] <= 8 or r["mode"] not in ("tutor", "explain", "assess"):
                problems.append(f"{r['id']}: bad grade/mode")
            if not set(r["accommodations"]) <= set(ACCOMMODATIONS):
                problems.append(f"{r['id']}: bad accommodation")
            if ("student_answer" in r) != ("misconception" in r):
                problems.append(f"{r['id']}: student_answer without misconception")
            if r["mode"] == "assess" and "student_answer" not in r:
                problems.append(f"{r['id']}: assess item without a student answer")
            if r["subject"] == "math":
                try:
                    a = val(r["answer"])
                except Exception as exc:  # noqa: BLE001
                    problems.append(f"{r['id']}: answer {r['answer']!r} does not parse: {exc}")
                    continue
                if a.free_symbols:
                    problems.append(f"{r['id']}: answer has symbols")
                for acc in r["accept"]:
                    if sympy.simplify(val(acc) - a) != 0:
                        problems.append(f"{r['id']}: accept {acc!r} != {r['answer']!r}")
                if "student_answer" in r:
                    if sympy.simplify(val(r["student_answer"]) - a) == 0:
                        problems.append(f"{r['id']}: student_answer equals answer")
            else:
                norm = lambda s: s.strip().lower().rstrip(".")  # noqa: E731
                if "student_answer" in r and norm(r["student_answer"]) in {norm(x) for x in [r["answer"], *r["accept"]]}:
                    problems.append(f"{r['id']}: ELA student_answer equals an accepted answer")
    problems += crosscheck(bench + probes, val)
    # disjoint: no shared prompts, no shared problem text (the question part) between the two files
    bp = {r["prompt"] for r in bench}
    for r in probes:
        if r["prompt"] in bp:
            problems.append(f"{r['id']}: prompt also in tutor_bench")
    return bench, probes, problems


CROSSCHECKED = Counter()


def crosscheck(recs, val):
    """Independent of the generator: re-read the problem from the prompt text and solve it with sympy
    (arithmetic expressions, equations, 'which is bigger' comparisons)."""
    import re

    import sympy
    from sympy.parsing.sympy_parser import (implicit_multiplication_application, parse_expr,
                                            standard_transformations)

    tr = standard_transformations + (implicit_multiplication_application,)
    out = []
    for r in recs:
        if r["subject"] != "math":
            continue
        p, a = r["prompt"], val(r["answer"])
        if "variable" in r:
            v = r["variable"]
            pat = r"(?<![A-Za-z])[-\d(" + v + r"][-\d./()+ " + v + r"]*=[-\d./()+ " + v + r"]*"
            eqs = [x.group(0).rstrip(" ." + v) for x in re.finditer(pat, p)]
            eqs = [x for x in eqs if x.split("=")[0].strip() != v]  # skip the child's 'x = 9'
            eq = eqs[0] if len(eqs) == 1 else ""
            if v not in eq.split("=")[0]:
                out.append(f"{r['id']}: cannot find the equation in the prompt")
                continue
            lhs, rhs = eq.split("=")
            sym = sympy.Symbol(v)
            ld = {v: sym}
            sol = sympy.solve(sympy.Eq(parse_expr(lhs, ld, tr), parse_expr(rhs, ld, tr)), sym, rational=True)
            if len(sol) != 1 or sympy.simplify(sympy.nsimplify(sol[0], rational=True) - a) != 0:
                out.append(f"{r['id']}: {eq!r} solves to {sol}, not {r['answer']}")
            CROSSCHECKED["equation"] += 1
            continue
        cmp = re.search(r"(?:bigger|greater|larger), (-?[\d./]+) or (-?[\d./]+)\?", p)
        if cmp:
            x, y = val(cmp.group(1)), val(cmp.group(2))
            if sympy.Max(x, y) != a:
                out.append(f"{r['id']}: the larger of {x}, {y} is not {r['answer']}")
            CROSSCHECKED["comparison"] += 1
            continue
        if len(re.findall(r"[a-z]{3,}", p)) and re.search(r"[a-zA-Z]+ [a-zA-Z]+ [a-zA-Z]+ [a-zA-Z]+ [a-zA-Z]+ [a-zA-Z]+ [a-zA-Z]+ [a-zA-Z]+ [a-zA-Z]+ [a-zA-Z]+ [a-zA-Z]+", p):
            continue  # a word problem or a long question: checked by the generator only
        exprs = [e.strip() for e in re.findall(r"\(?-?\d[\d./()×÷+\-^ ]*[\d)]", p)
                 if re.search(r"[×÷+^]| - ", e)]
        if len(exprs) != 1:
            continue
        e = exprs[0].replace("×", "*").replace("^", "**")
        if "÷" in e:
            e = "(" + e.replace("÷", ")/(") + ")"
        got = sympy.sympify(e, rational=True)
        if sympy.simplify(got - a) != 0:
            out.append(f"{r['id']}: {exprs[0]!r} = {got}, not {r['answer']}")
        CROSSCHECKED["expression"] += 1
    return out


def counts(recs):
    c = {"grade": Counter(r["grade"] for r in recs), "subject": Counter(r["subject"] for r in recs),
         "topic": Counter(r["topic"] for r in recs), "mode": Counter(r["mode"] for r in recs),
         "accommodation": Counter(a for r in recs for a in r["accommodations"])}
    c["with_accommodation"] = sum(1 for r in recs if r["accommodations"])
    c["with_student_answer"] = sum(1 for r in recs if "student_answer" in r)
    return c


def report(name, recs):
    c = counts(recs)
    print(f"{name}: {len(recs)} items")
    print("  subject:", dict(sorted(c["subject"].items())))
    print("  grade:", dict(sorted(c["grade"].items())))
    print("  topic:", {t: c["topic"][t] for t in MATH_TOPICS + ELA_TOPICS})
    print("  mode:", {m: c["mode"][m] for m in ("tutor", "explain", "assess")})
    print("  accommodation:", {a: c["accommodation"][a] for a in ACCOMMODATIONS},
          f"items with any: {c['with_accommodation']}")
    print("  with student_answer:", c["with_student_answer"])


def main(argv):
    if "--check" not in argv:
        build()
    bench, probes, problems = verify()
    report("tutor_bench.jsonl", bench)
    report("probes.jsonl", probes)
    if problems:
        print("PROBLEMS:")
        for p in problems:
            print("  ", p)
        return 1
    print("independently re-solved from the prompt text with sympy:", dict(CROSSCHECKED))
    print("verified: all math answers/accept forms parse with sympy and match; student answers differ; ids and prompts unique; probes disjoint")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
