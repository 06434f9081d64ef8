"""PII scrubbing: every kind replaced by its token, school text left alone, roster names, whole baselines."""

import json
from pathlib import Path

import pytest

from brain import pii
from brain.schemas import Baseline

SAMPLES = Path(__file__).parents[2] / "samples" / "baselines"
ROSTER = ("Maya Lopez", "Jordan Smith")


@pytest.mark.parametrize("text, kind, secret", [
    ("my email is maya.lopez@example.com ok", "EMAIL", "maya.lopez@example.com"),
    ("write to kid99 at gmail dot com", "EMAIL", "kid99 at gmail dot com"),
    ("call me on 555-867-5309 tonight", "PHONE", "867-5309"),
    ("my mom's cell is (555) 123-4567", "PHONE", "123-4567"),
    ("text 4155550132 please", "PHONE", "4155550132"),
    ("grandpa lives in London +44 20 7946 0958", "PHONE", "7946 0958"),
    ("I live at 42 Wallaby Way, Springfield, IL 62704", "ADDRESS", "Wallaby"),
    ("send it to 1600 Pennsylvania Ave NW, Washington DC 20500", "ADDRESS", "Pennsylvania"),
    ("our mail goes to PO Box 7731", "ADDRESS", "7731"),
    ("my SSN is 123-45-6789", "SSN", "123-45-6789"),
    ("social security number 123456789", "SSN", "123456789"),
    ("see https://mayas-page.example.com/about?me=1", "URL", "mayas-page"),
    ("my blog is www.kidblog.net/maya", "URL", "kidblog"),
    ("play on coolgames.io with me", "URL", "coolgames"),
    ("dad's card 4111 1111 1111 1111", "CREDIT_CARD", "4111"),
    ("username: maya password: hunter2", "CREDENTIAL", "hunter2"),
    ("follow @maya_rocks", "HANDLE", "maya_rocks"),
    ("Maya Lopez got 5 right", "NAME", "Maya Lopez"),
    ("maya lopez wrote this", "NAME", "maya lopez"),
    ("Jordan sits next to me", "NAME", "Jordan"),
    ("Hi, my name is Tobias and I like frogs", "NAME", "Tobias"),
])
def test_each_kind_is_replaced_by_its_token(text, kind, secret):
    out, kinds = pii.scrub_text(text, ROSTER)
    assert secret not in out and "{{" + kind + "}}" in out, out
    assert kind in kinds


def test_school_text_is_left_alone():
    for text in ["What is 3/4 + 1/8? The answer is 7/8.", "He sleeps better at night.", "123 - 45 = 78",
                 "In 1776 the colonies declared independence.", "Meet at 3:45 on 12/03/2024 in room 12.",
                 "A baseball bat cannot fly out of a cave at night.", "Multiply 1234 by 5678.",
                 "Pi is about 3.14159.", "Will the plant grow without light?"]:
        assert pii.scrub_text(text, ROSTER) == (text, []), text


def test_sample_baselines_are_unchanged_by_scrubbing():
    """No false positive in our own data: scrubbing must not change what a clone learns."""
    for path in sorted(SAMPLES.glob("*.json")):
        baseline = Baseline.model_validate_json(path.read_text())
        scrubbed, counts = pii.scrub_baseline(baseline)
        assert counts == {} and scrubbed == baseline, (path.name, counts)


def test_scrub_baseline_counts_and_is_idempotent():
    data = json.loads((SAMPLES / "stu-0002.json").read_text())
    data["assessment_id"] = "fall-zelda-quintero"
    data["items"][0]["student_answer"] = "I am Zelda Quintero, mail zq@example.com or call 555-867-5309"
    data["items"][1]["question"] = "Zelda lives at 42 Wallaby Way. " + data["items"][1]["question"]
    baseline = Baseline.model_validate(data)
    scrubbed, counts = pii.scrub_baseline(baseline, ["Zelda Quintero"])
    assert counts == {"NAME": 2, "EMAIL": 1, "PHONE": 1, "ADDRESS": 1}
    text = scrubbed.model_dump_json()
    assert "Zelda" not in text and "Quintero" not in text and "555-867" not in text and "Wallaby" not in text
    # parts of a name match as capitalised in the roster: a lowercase slug is left as it is
    assert scrubbed.assessment_id == "fall-zelda-quintero"
    assert pii.scrub_baseline(scrubbed, ["Zelda Quintero"]) == (scrubbed, {})  # tokens are not scrubbed again


def test_a_roster_name_is_scrubbed_wherever_it_appears():
    """Over-scrubbing is the price of the roster: 'Maya' of a word problem goes too (stu-0002 has one)."""
    data = json.loads((SAMPLES / "stu-0002.json").read_text())
    data["assessment_id"] = "Maya Lopez fall"
    scrubbed, counts = pii.scrub_baseline(Baseline.model_validate(data), ["Maya Lopez"])
    assert scrubbed.assessment_id == "{{NAME}} fall" and counts == {"NAME": 2}
    assert "Maya" not in scrubbed.model_dump_json()


def test_roster_files(tmp_path):
    csv = tmp_path / "roster.csv"
    csv.write_text("student_id,first_name,last_name,guardian_name\nstu-1,Maya,Lopez,Ana Lopez\n")
    assert set(pii.load_roster(csv)) == {"Maya", "Lopez", "Ana Lopez", "Maya Lopez"}
    plain = tmp_path / "names.txt"
    plain.write_text("# names\nMaya Lopez\n\nJordan Smith\n")
    assert pii.load_roster(plain) == ["Maya Lopez", "Jordan Smith"]
    assert pii.load_roster(None) == []
