"""The safety rule data (brain/safety/ruledata/*.yaml) and its loader (brain/safety/rules.py)."""

from __future__ import annotations

import collections
from pathlib import Path

import pytest
import yaml

from brain.safety.rules import CATEGORIES, FRAGMENTS, RULEDATA, RULES, RuleDataError, load_rules


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


# ------------------------------------------------------------------------------ the shipped data
def test_shipped_data_loads():
    rules, fragments = load_rules()
    assert [r.name for r in rules] == [r.name for r in RULES] and fragments == FRAGMENTS
    assert len({r.name for r in rules}) == len(rules)
    assert {r.category for r in rules} <= set(CATEGORIES)
    # every file in the folder is a category or the shared fragments, and ships as package data
    assert {p.stem for p in RULEDATA.glob("*.yaml")} <= set(CATEGORIES) | {"fragments"}
    pyproject = (Path(__file__).parents[2] / "pyproject.toml").read_text(encoding="utf-8")
    assert '"safety/ruledata/*.yaml"' in pyproject


def test_no_fragment_name_is_bound_twice():
    """Read the files' YAML nodes, not through the loader (a mapping would hide a key written twice)."""
    names = collections.Counter()
    for path in RULEDATA.glob("*.yaml"):
        root = yaml.compose(path.read_text(encoding="utf-8"))
        for key, value in root.value:
            if key.value == "fragments":
                names.update(name.value for name, _ in value.value)
    assert names and not [n for n, count in names.items() if count > 1]


def test_each_medicines_list_stays_with_its_rule():
    """The two medicine lists were one name bound twice; each rule keeps the list it matched with."""
    by_name = {r.name: r for r in RULES}
    assert FRAGMENTS["dose_meds"] != FRAGMENTS["overdose_meds"]
    assert FRAGMENTS["dose_meds"] in by_name["specialized_advice.dosing"].pattern.pattern
    assert FRAGMENTS["overdose_meds"] not in by_name["specialized_advice.dosing"].pattern.pattern
    assert FRAGMENTS["overdose_meds"] in by_name["self_harm.ideation_more"].pattern.pattern
    assert FRAGMENTS["dose_meds"] not in by_name["self_harm.ideation_more"].pattern.pattern


# ------------------------------------------------------------------------------ the format
def test_fragments_expand_and_blocks_join(tmp_path):
    write(tmp_path, "fragments.yaml", "fragments:\n  pets: '(?:cat|dog)'\n")
    write(tmp_path, "violence.yaml", (
        "fragments:\n"
        "  my_pet: 'my {pets}'\n"
        "rules:\n"
        "  - name: kick_pet\n"
        "    pattern: |-\n"
        "      \\bkick\\w*\\s+(?:\\w+\\s+){0,2}{my_pet}\\b\n"
        "      |\\bhurt {my_pet}\n"
        "    unless: 'in the game'\n"
        "    directions: [input]\n"
    ))
    (rule,), fragments = load_rules(tmp_path)
    assert rule.name == "violence.kick_pet" and rule.directions == {"input"}
    assert rule.pattern.pattern == r"\bkick\w*\s+(?:\w+\s+){0,2}my (?:cat|dog)\b|\bhurt my (?:cat|dog)"
    assert rule.pattern.search("i kicked really my DOG") and not rule.pattern.search("i kicked my ball")
    assert rule.unless.pattern == "in the game"
    assert fragments == {"pets": "(?:cat|dog)", "my_pet": "my (?:cat|dog)"}


BAD_RULES = [
    # (rules entry, what the message says)
    ("  - name: broken\n    pattern: '(?:unclosed'\n", "pattern does not compile"),
    ("  - name: broken\n    pattern: 'a'\n    unless: '[z-a]'\n", "unless does not compile"),
    ("  - name: broken\n    pattern: 'kill {nobody_knows}'\n", "unknown fragment {nobody_knows}"),
    ("  - name: broken\n    unless: 'game'\n", "needs a `pattern`"),
    ("  - name: broken\n    pattern: 'a'\n    flags: i\n", "may have only"),
    ("  - name: broken\n    pattern: 'a'\n    directions: [inbound]\n", "`directions` must list input and/or output"),
    ("  - name: broken\n    pattern: |-\n      a|  \n      b\n", "begins or ends with a space"),
    ("  - name: broken\n    pattern: 'a'\n  - name: broken\n    pattern: 'b'\n", "a second rule with this name"),
]


@pytest.mark.parametrize("entry,message", BAD_RULES)
def test_a_malformed_rule_names_its_file_and_rule(tmp_path, entry, message):
    write(tmp_path, "hate.yaml", "rules:\n  - name: fine\n    pattern: 'ok'\n" + entry)
    with pytest.raises(RuleDataError) as err:
        load_rules(tmp_path)
    assert "hate.yaml" in str(err.value) and "rule 'broken'" in str(err.value) and message in str(err.value)


def test_a_rule_without_a_name_is_named_by_its_position(tmp_path):
    write(tmp_path, "hate.yaml", "rules:\n  - name: fine\n    pattern: 'ok'\n  - pattern: 'x'\n")
    with pytest.raises(RuleDataError, match=r"hate\.yaml, rule #2: needs a `name`"):
        load_rules(tmp_path)


def test_a_fragment_bound_twice_is_rejected(tmp_path):
    write(tmp_path, "fragments.yaml", "fragments:\n  meds: '(?:pills|tablets)'\n")
    write(tmp_path, "self_harm.yaml", "fragments:\n  meds: '(?:pills|meds)'\nrules:\n  - name: r\n    pattern: '{meds}'\n")
    with pytest.raises(RuleDataError) as err:
        load_rules(tmp_path)
    assert "fragment 'meds' is already bound in" in str(err.value)
    assert "fragments.yaml" in str(err.value) and "self_harm.yaml" in str(err.value)


def test_a_duplicate_fragment_key_within_one_file_is_rejected(tmp_path):
    """YAML would keep the second silently; the loader refuses a mapping with a key twice."""
    write(tmp_path, "self_harm.yaml", (
        "fragments:\n  meds: '(?:pills)'\n  meds: '(?:tablets)'\nrules:\n  - name: r\n    pattern: '{meds}'\n"))
    with pytest.raises(RuleDataError) as err:
        load_rules(tmp_path)
    assert "self_harm.yaml" in str(err.value) and "'meds' twice in one mapping" in str(err.value)


@pytest.mark.parametrize("files,message", [
    ({"fragments.yaml": "fragments:\n  a: 'x{b}'\n  b: 'y{a}'\n",
      "ip.yaml": "rules:\n  - name: r\n    pattern: '{a}'\n"}, "refers to itself (a -> b -> a)"),
    ({"ip.yaml": "fragments:\n  spare: 'x'\nrules:\n  - name: r\n    pattern: 'y'\n"}, "fragment 'spare' is used by no rule"),
    ({"weapons.yaml": "rules:\n  - name: r\n    pattern: 'y'\n"}, "weapons.yaml: not a category"),
    ({"ip.yaml": "rules:\n  - name: r\n    pattern: [a, b]\n"}, "ip.yaml, rule 'r', pattern: expected a non-empty string"),
    ({"ip.yaml": "rules: [\n"}, "ip.yaml: not valid YAML"),
    ({"ip.yaml": "- name: r\n  pattern: y\n"}, "ip.yaml: expected a mapping"),
])
def test_other_malformed_files(tmp_path, files, message):
    for name, text in files.items():
        write(tmp_path, name, text)
    with pytest.raises(RuleDataError) as err:
        load_rules(tmp_path)
    assert message in str(err.value)
