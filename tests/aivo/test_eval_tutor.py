"""`python -m benchmarks.tutor` (make eval-tutor) end to end on 4 items with the tiny random model and one clone."""

import json

from benchmarks import tutor
from benchmarks.tutor_report import COLUMNS, MODES
from brain.quality import DETECTORS


def test_eval_tutor_writes_rates_per_mode_and_detector(tmp_path, model_cache, monkeypatch):
    monkeypatch.setenv("AIVO_BASE_MODEL", "tiny-random")
    monkeypatch.setenv("AIVO_MODEL_CACHE", str(model_cache))
    tutor.main(["--limit", "4", "--students", "stu-0002", "--out", str(tmp_path), "--max-tokens", "16",
                "--threads", "1"])

    result = json.loads((tmp_path / "tutor.json").read_text())
    assert result["items"] == 4 and result["counts"]["answers"] == {"base": 4, "clone": 4}
    assert set(result["clones"]) == {"stu-0002"}
    modes = {r["mode"] for r in result["rows"]}
    assert modes == {"tutor", "explain", "assess"}  # the set's first 4 items hold every mode
    for mode in (*MODES, "all"):
        assert set(result["rates"][mode]) == set(DETECTORS)
        for detector, cells in result["rates"][mode].items():
            assert set(cells) == set(COLUMNS)
            for column, cell in cells.items():
                if cell is None:  # not read in this mode (reveal outside tutor), or sent checks pending
                    assert column.startswith("sent") or (detector == "reveal" and mode in ("explain", "assess"))
                    continue
                assert 0.0 <= cell["rate"] <= 1.0 and 0 <= cell["flagged"] <= cell["checked"]
    assert result["rates"]["tutor"]["reveal"]["raw_base"]["checked"] >= 1
    if tutor.checks_available():  # what is sent, after serving/answer_check.py's checks and retries
        assert result["sent_checks"] != "pending" and set(result["checks"]) == {"base", "clone", "all"}
        assert all(r["sent"].strip() for r in result["rows"])
        for ch in result["checks"].values():
            assert 0.0 <= ch["retry_rate"] <= 1.0 and 0.0 <= ch["fallback_rate"] <= 1.0
    md = (tmp_path / "tutor.md").read_text()
    assert "## tutor" in md and "## explain" in md and "## assess" in md and "raw clones" in md
