"""brain.quality.plain: long sentences split at their joints, short chunks for ADHD; words never change."""

from brain.quality import TutorItem
from brain.quality.plain import plainer
from brain.quality.style import level

LONG = ("We line up the decimal points first, and then we add each column from the right, because a tenth "
        "and a hundredth are different sizes; after that we check the answer with an estimate.")


def words(text):
    return [w.strip(".,;").lower() for w in text.split()]


def test_a_long_sentence_is_split_at_its_joints_and_keeps_its_words():
    out = plainer(LONG, TutorItem(prompt="x", grade=4))
    assert len([s for s in out.split(". ") if s]) >= 3
    assert words(out) == [w for w in words(LONG)]


def test_a_short_part_is_not_split_off():
    text = "Yes, and it works for every whole number you could pick from the number line today."
    assert plainer(text, TutorItem(prompt="x", grade=4)) == text


def test_adhd_answers_come_in_chunks_of_two_sentences_at_most_80_words():
    item = TutorItem(prompt="x", grade=3, accommodations=["adhd"])
    text = " ".join(["Count the tens first and write that number down."] * 12)
    out = plainer(text, item)
    assert all(len(chunk.split(". ")) <= 2 for chunk in out.split("\n\n"))
    assert len(out.split()) <= 80 and level(out, item, "explain") is None


def test_lists_keep_their_lines():
    text = "Steps:\n1. Find a common denominator.\n2. Add the tops."
    assert plainer(text, TutorItem(prompt="x", grade=5)) == text
