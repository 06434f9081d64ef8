"""benchmarks/precision.py: the weights its quality figures are measured on, and how it reads the tutoring runs."""

import json

import pytest
import torch

from benchmarks import precision
from serving.weight_precision import on_grid


def test_the_quality_model_has_the_weights_the_native_step_reads(tiny):
    """int8: every group of 64 weights of a row holds at most 255 levels, each within half a step (the group's
    largest weight / 127) of the fp32 weight; the served model and the input embedding are left as they were."""
    before = {k: v.clone() for k, v in tiny.model.state_dict().items()}
    grid = on_grid(tiny.model, "int8")
    grouped = 0
    for name, mod in grid.named_modules():
        if isinstance(mod, torch.nn.Linear):
            original = tiny.model.get_submodule(name).weight
            for start in range(0, original.shape[1], 64):
                want, got = original[:, start:start + 64], mod.weight[:, start:start + 64]
                step = want.abs().amax(dim=1, keepdim=True) / 127
                assert max(len(torch.unique(row)) for row in got) <= 255
                assert torch.all((got - want).abs() <= step / 2 + 1e-7)
                grouped += start > 0
            assert not torch.equal(mod.weight, original)
    assert grouped  # some rows of the tiny model are wider than one group
    assert torch.equal(grid.get_input_embeddings().weight, tiny.model.get_input_embeddings().weight)
    assert all(torch.equal(v, before[k]) for k, v in tiny.model.state_dict().items())


def test_one_sided_fisher_p_value():
    """p that a share is above the reference's by chance (values of scipy.stats.fisher_exact, 'greater')."""
    assert precision.p_worse(32, 560, 17, 560) == pytest.approx(0.019910, abs=1e-6)
    assert precision.p_worse(122, 560, 107, 560) == pytest.approx(0.149808, abs=1e-6)
    assert precision.p_worse(1, 10, 0, 10) == pytest.approx(0.5)
    assert precision.p_worse(0, 10, 5, 10) == pytest.approx(1.0)


def test_tutor_runs_are_pooled_over_seed_rounds_and_compared_by_share(tmp_path):
    def run(name, cells):
        (tmp_path / name).mkdir()
        rates = {"tutor": {"reveal": {"sent_base": dict(zip(("flagged", "checked"), cells[0])),
                                      "raw_base": dict(zip(("flagged", "checked"), cells[1])), "raw_clones": None}}}
        (tmp_path / name / "tutor.json").write_text(json.dumps(
            {"rates": rates, "command": f"tutor {name}", "commit": "abc", "engine_weights": name[:4], "items": 4}))

    run("fp32-r0", [(1, 10), (2, 10)])
    run("int8-r0", [(1, 10), (3, 10)])  # raw worse by one answer, sent the same
    run("bf16-r0", [(1, 20), (1, 5)])  # sent: half the share; raw: the same share from fewer answers
    run("int8-r1", [(0, 10), (2, 10)])  # a second round of int8: pooled, raw 5/20 is still worse than 2/10
    run("int8-per-row-r0", [(9, 10), (2, 10)])  # the superseded int8: read, its sent share far above fp32's
    run("int4-r0", [(9, 10), (9, 10)])  # not a precision the step has: left out
    found = precision.tutor_rates(tmp_path)
    assert sorted(found) == ["bf16", "fp32", "int8", "int8-per-row"]
    assert found["int8"]["cells"] == {"tutor/reveal/sent_base": [1, 20], "tutor/reveal/raw_base": [5, 20]}
    assert precision.worse_cells(found) == {"bf16": [], "int8": ["tutor/reveal/raw_base"],
                                            "int8-per-row": ["tutor/reveal/sent_base"]}
    failing = precision.failing_cells(found)  # 5/20 vs 2/10 is chance; 9/10 vs 1/10 is not
    assert failing["bf16"] == {} and failing["int8"] == {}
    assert list(failing["int8-per-row"]) == ["tutor/reveal/sent_base"]
    assert failing["int8-per-row"]["tutor/reveal/sent_base"] < 0.01
    loss = {"fp32": 2.0, "bf16": 2.001, "int8": 2.03, "int8-per-row": 2.0}
    text = precision.markdown({"model": "m", "default_here": "int8", "tutor": found,
                               "tutor_worse_cells": precision.worse_cells(found), "tutor_failing_cells": failing,
                               "eval_loss": {"heldout": loss, "all": {**loss, "int8": 2.01},
                                             "items": {"heldout": 1, "all": 2},
                                             "moved": {p: {"kl_per_token": 0.002, "top1_as_fp32": 0.97} for p in loss}},
                               "loss_within_bound": {"fp32": True, "bf16": True, "int8": False, "int8-per-row": True}})
    assert "| int8 | 2.03 | +1.50% | 2.01 | +0.50% | FAIL | 0.002 | 97.00% |" in text
    assert "| tutor / reveal / raw base | 2/10 | 1/5 | 5/20 (p=0." in text
    assert "| tutor / reveal / sent base | 1/10 | 1/20 | 1/20 | 9/10 (p=0.00, FAIL) |" in text
    assert "- **int8: within the bound**" in text and "- **int8-per-row: outside the bound**" in text
    assert "| tutor / reveal / raw base | 2/10 | 1/5 | 3/10 | 2/10 | 2/10 |" in text  # per round


def test_a_precision_is_compared_with_fp32_on_the_rounds_both_ran():
    """fp32 ran rounds 0 and 1, int8 rounds 1 and 2: only round 1 is compared; the "all" sum is not."""
    def runs(*rounds):
        return {"runs": [{"round": r, "cells": {"tutor/reveal/sent_base": [f, 10], "all/reveal/sent_base": [f, 20]}}
                         for r, f in rounds]}
    tutor = {"fp32": runs((0, 0), (1, 2)), "int8": runs((1, 3), (2, 9))}
    assert precision.paired(tutor, "int8") == {"tutor/reveal/sent_base": (3, 10, 2, 10)}
    assert precision.worse_cells(tutor) == {"int8": ["tutor/reveal/sent_base"]}
    assert precision.failing_cells(tutor) == {"int8": {}}  # 3/10 against 2/10 is chance
