"""benchmarks/precision.py: the weights its quality figures are measured on, and how it reads the tutoring runs."""

import json

import torch

from benchmarks import precision
from serving.weight_precision import on_grid


def test_the_quality_model_has_the_weights_the_native_step_reads(tiny):
    """int8: every row of every Linear holds at most 255 levels, each within half a step of the fp32 weight;
    the served model and the input embedding are left as they were."""
    before = {k: v.clone() for k, v in tiny.model.state_dict().items()}
    grid = on_grid(tiny.model, "int8")
    for name, mod in grid.named_modules():
        if isinstance(mod, torch.nn.Linear):
            original = tiny.model.get_submodule(name).weight
            step = original.abs().amax(dim=1, keepdim=True) / 127
            assert max(len(torch.unique(row)) for row in mod.weight) <= 255
            assert torch.all((mod.weight - original).abs() <= step / 2 + 1e-7)
            assert not torch.equal(mod.weight, original)
    assert torch.equal(grid.get_input_embeddings().weight, tiny.model.get_input_embeddings().weight)
    assert all(torch.equal(v, before[k]) for k, v in tiny.model.state_dict().items())


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
    run("int4-r0", [(9, 10), (9, 10)])  # not a precision the step has: left out
    found = precision.tutor_rates(tmp_path)
    assert sorted(found) == ["bf16", "fp32", "int8"]
    assert found["int8"]["cells"] == {"tutor/reveal/sent_base": [1, 20], "tutor/reveal/raw_base": [5, 20]}
    assert precision.worse_cells(found) == {"bf16": [], "int8": ["tutor/reveal/raw_base"]}
    text = precision.markdown({"model": "m", "default_here": "int8", "tutor": found,
                               "tutor_worse_cells": precision.worse_cells(found),
                               "eval_loss": {"heldout": {"fp32": 2.0, "bf16": 2.001, "int8": 2.03},
                                             "all": {"fp32": 2.0, "bf16": 2.0, "int8": 2.01}, "items": {"heldout": 1, "all": 2}},
                               "loss_within_bound": {"fp32": True, "bf16": True, "int8": False}})
    assert "| int8 | 2.03 | +1.50% | 2.01 | +0.50% | FAIL |" in text
    assert "| tutor / reveal / raw base | 2/10 | 1/5 | 3/10 | 2/10 | 2/10 | 1/5 | 5/20 worse |" in text
