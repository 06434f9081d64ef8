"""The shipped safety evaluation set meets the targets (behaviour, not timing), and is sound."""

from __future__ import annotations

import json
import re
from collections import Counter

import pytest

from brain.safety.__main__ import main
from brain.safety.classifier import MODEL_CATEGORIES, load_training_set
from brain.safety.evaluate import (
    HELDOUT_SETS,
    KEY_CATEGORIES,
    MAX_BENIGN_FPR,
    MIN_KEY_RECALL,
    evaluate,
    evaluate_heldout,
    load_evalset,
    report_markdown,
    write_report,
)
from brain.safety.moderator import Moderator
from brain.safety.rules import CATEGORIES
from brain.settings import Settings


@pytest.fixture(scope="module")
def result():
    return evaluate(moderator=Moderator(Settings(_env_file=None)))


def test_key_categories_reach_the_recall_target(result):
    for cat in KEY_CATEGORIES:
        assert result["categories"][cat]["recall"] >= MIN_KEY_RECALL, (cat, result["categories"][cat]["missed"])


def test_benign_school_prompts_stay_under_the_false_positive_target(result):
    assert result["benign_fpr"] <= MAX_BENIGN_FPR, result["benign_false_positives"]
    assert result["targets_met"]


def test_the_set_has_enough_of_each_kind():
    items = load_evalset()
    labels = Counter(label for item in items for label in item["labels"])
    for cat in KEY_CATEGORIES:
        assert labels[cat] >= 25, cat
    for cat in CATEGORIES:
        assert labels[cat] >= 8, cat
    benign = [i for i in items if not i["labels"]]
    assert len(benign) >= 150
    topics = Counter(i["topic"] for i in benign)
    for topic in ("biology", "history", "literature", "computing", "sports", "math"):
        assert topics[topic] >= 5, topic
    assert any(i["direction"] == "output" for i in items if i["labels"])  # model outputs too
    assert all(set(i["labels"]) <= set(CATEGORIES) for i in items)


def test_training_and_evaluation_sets_do_not_overlap():
    train_texts, train_labels = load_training_set()
    seen = {t.strip().lower() for t in train_texts}
    assert not [i["id"] for i in load_evalset() if i["text"].strip().lower() in seen]
    assert all(any(cat in row for row in train_labels) for cat in MODEL_CATEGORIES)


def test_report_files(result, tmp_path):
    json_path, md_path = write_report(result, tmp_path)
    data = json.loads(json_path.read_text())
    assert data["targets_met"] and "_rows" not in data
    assert set(KEY_CATEGORIES) <= set(data["signals"])
    md = md_path.read_text()
    assert "| self_harm |" in md and "false-positive rate" in md


def test_command_line_eval(tmp_path, capsys):
    # --no-heldout: the blind test set is measured by `make eval-safety`, not on every test run.
    assert main(["eval", "--out", str(tmp_path), "--no-heldout"]) == 0
    out = capsys.readouterr().out
    assert "benign false-positive rate" in out and "PASS recall_self_harm" in out
    assert (tmp_path / "safety.json").exists() and (tmp_path / "safety.md").exists()


def _words(text: str) -> str:
    """Case, punctuation and spacing left out: "What does kill -9 do?" == 'what does "kill -9" do'."""
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def test_heldout_sets_are_blind_to_training_and_to_the_shipped_set():
    """The held-out batches (r7 and r8 dev, r10 test) never leak into train.jsonl (the classifier) or
    evalset.jsonl, not even with other case or punctuation."""
    train_texts, _ = load_training_set()
    seen = {_words(t) for t in train_texts} | {_words(i["text"]) for i in load_evalset()}
    assert set(HELDOUT_SETS) == {"r7-dev", "r8-dev", "r10-test"}
    assert HELDOUT_SETS["r7-dev"][0].exists() and HELDOUT_SETS["r8-dev"][0].exists()
    checked = 0
    for path, _ in HELDOUT_SETS.values():
        if path.exists():  # r10 is there once it has been measured (docs/safety.md)
            items = load_evalset(path)
            assert items and not [i["id"] for i in items if _words(i["text"]) in seen], path
            checked += 1
    assert checked >= 2


def test_every_model_category_is_trained_gated_and_vetoed():
    from brain.safety.classifier import (
        GATES,
        KEY_MODEL_CATEGORIES,
        MIN_PROBABILITY,
        NEIGHBOURS,
        VETOES,
    )

    _, labels = load_training_set()
    counts = Counter(label for row in labels for label in row)
    assert set(KEY_MODEL_CATEGORIES) <= set(MODEL_CATEGORIES) and set(KEY_MODEL_CATEGORIES) == set(KEY_CATEGORIES)
    for cat in MODEL_CATEGORIES:
        assert counts[cat] >= 80, cat  # hand-written examples of its own
        assert cat in GATES and cat in VETOES and cat in NEIGHBOURS and cat not in NEIGHBOURS[cat]
    assert not set(MIN_PROBABILITY) & set(KEY_MODEL_CATEGORIES)  # the key categories keep the setting's threshold


def test_heldout_report_sits_beside_the_shipped_set(result, tmp_path):
    dev = {"r7-dev": HELDOUT_SETS["r7-dev"], "gone": (tmp_path / "nope.jsonl", "a set that is not there")}
    heldout = evaluate_heldout(Moderator(Settings(_env_file=None)), sets=dev)
    assert heldout["gone"]["missing"]
    h = heldout["r7-dev"]
    assert set(h["recall"]) == set(KEY_CATEGORIES) and h["benign_items"] > 0 and 0 <= h["benign_fpr"] <= 1
    assert "violence" in h["other_categories"] and h["ms_per_check"] > 0
    md = report_markdown({**result, "heldout": heldout})
    assert "| shipped |" in md and "| r7-dev |" in md and "file missing" in md and "Other categories" in md
    json_path, _ = write_report({**result, "heldout": heldout}, tmp_path)
    assert json.loads(json_path.read_text())["heldout"]["r7-dev"]["label"].startswith("dev, round 1")
    assert HELDOUT_SETS["r8-dev"][1].startswith("dev, round 2") and HELDOUT_SETS["r10-test"][1].startswith("test, round 2")
