"""The round-3 blind-set harness (brain/safety/round3.py), run here on copies of the DEV sets (never the blind ones)."""

from __future__ import annotations

import shutil
from pathlib import Path

from brain.safety import round3

SAFETY = Path(round3.__file__).parent


def dev_copy(tmp_path: Path, lines: int = 6) -> Path:
    pairs = {f"lang-{lang}.jsonl": SAFETY / "lang" / f"dev-{lang}.jsonl" for lang in ("es", "ar", "zh", "vi")}
    pairs |= {"disguised.jsonl": SAFETY / "dev-disguised.jsonl", "benign-school.jsonl": SAFETY / "dev-school.jsonl",
              "conversations.jsonl": SAFETY / "dev-conversations.jsonl"}
    for name, src in pairs.items():
        rows = src.read_text(encoding="utf-8").splitlines()
        keep = rows[:lines] + rows[-lines:]  # positives and benign items both
        (tmp_path / name).write_text("\n".join(keep) + "\n", encoding="utf-8")
    return tmp_path


def test_every_figure_and_target_is_reported(tmp_path):
    out = tmp_path / "out"
    assert round3.main(["--dir", str(dev_copy(tmp_path)), "--out", str(out), "--label", "dev copy"]) == 0
    md = (out / "safety_round3.md").read_text()
    assert "dev copy" in md and "## Conversations" in md and "Overall benign FPR" in md
    import json

    result = json.loads((out / "safety_round3.json").read_text())
    assert set(result["languages"]) == {"es", "ar", "zh", "vi"}
    assert any(k.startswith("es_self_harm") for k in result["targets"])
    assert "conversation_recall>=0.9" in result["targets"] and "overall_benign_fpr<=0.03" in result["targets"]
    assert result["overall_benign"]["items"] > 0 and result["conversations"]["grooming"] > 0


def test_missing_files_are_skipped(tmp_path):
    shutil.copy(SAFETY / "lang" / "dev-es.jsonl", tmp_path / "lang-es.jsonl")
    result = round3.measure(tmp_path)
    assert set(result["languages"]) == {"es"} and "conversations" not in result and "disguised" not in result
