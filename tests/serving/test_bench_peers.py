"""The llama.cpp peer in the engines benchmark (benchmarks/peers.py, benchmarks/engines.py): the pure logic,
without llama.cpp's virtualenv (the measurement itself runs in `make bench`)."""

from __future__ import annotations

import json
import sys
from types import SimpleNamespace

import pytest

from benchmarks import engines, peers


def _result(**extra) -> dict:
    measures = {"native": (64.7, 269.8, 635.7, 655.2), "vllm": (25.3, 72.3, 6205.9, 7049.7),
                "llamacpp": (80.0, 70.0, 7000.0, 12500.0)}
    r = {"model": "smollm2-135m-instruct", "device": "cpu", "tokens_per_request": 128, "rounds": 3,
         "command": "python -m benchmarks.run engines", "start_seconds": {"native": 0.3, "vllm": 17.1, "llamacpp": 3.2}}
    for name, (b1, m8, p50, p95) in measures.items():
        r[name] = {"decode_tokens_per_s_batch1": b1, "mixed_tokens_per_s": {"8": m8},
                   "ttft_ms_8_p50": p50, "ttft_ms_8_p95": p95}
    r["native_over_vllm"] = {"batch1": 2.56, "8_students": 3.73, "ttft_p50": 0.1}
    r["native_over_llamacpp"] = {"batch1": 0.81, "8_students": 3.85, "ttft_p50": 0.09}
    r["llamacpp_setup"] = {"llama_cpp_python": "0.3.36", "gguf": "SmolLM2-135M-Instruct.Q4_1.gguf",
                           "model": "llama ?B Q4_1", "threads": 2}
    r.update(extra)
    return r


def test_markdown_has_a_llama_cpp_column_and_both_ratios():
    md = engines.markdown(_result())
    header = next(line for line in md.splitlines() if line.startswith("| measure"))
    assert header == "| measure | native | vLLM | llama.cpp | native / vLLM | native / llama.cpp |"
    rows = {line.split(" | ")[0]: line for line in md.splitlines() if line.startswith("| ")}
    assert rows["| batch-1 decode, tok/s"].endswith("| 64.7 | 25.3 | 80.0 | 2.56x | 0.81x |")
    assert rows["| 8 students on 8 adapters, tok/s"].endswith("| 3.73x | 3.85x |")
    assert "7000.0 / 12500.0" in md and "Q4_1" in md and "vs llama.cpp" in md.splitlines()[0]
    assert all(line.count("|") == header.count("|") for line in rows.values())


def test_markdown_puts_every_native_precision_beside_the_peers():
    """auto's precision is "native" (the ratios are its own); the other precisions get their own columns."""
    r = _result()
    r["native"].update(weights="int8", weight_mb=135)
    r["native_fp32"] = {"decode_tokens_per_s_batch1": 30.1, "weights": "fp32", "weight_mb": 538,
                        "mixed_tokens_per_s": {"8": 200.0}, "ttft_ms_8_p50": 600.0, "ttft_ms_8_p95": 700.0}
    md = engines.markdown(r)
    header = next(line for line in md.splitlines() if line.startswith("| measure"))
    assert header == ("| measure | native (int8, auto) | native fp32 | vLLM | llama.cpp | native / vLLM | "
                      "native / llama.cpp |")
    rows = {line.split(" | ")[0]: line for line in md.splitlines() if line.startswith("| ")}
    assert rows["| batch-1 decode, tok/s"].endswith("| 64.7 | 30.1 | 25.3 | 80.0 | 2.56x | 0.81x |")
    assert rows["| weights read per token, MB"].startswith("| weights read per token, MB | 135 | 538 | - | - |")
    assert all(line.count("|") == header.count("|") for line in rows.values())


def test_markdown_says_why_llama_cpp_is_missing_and_keeps_vllm():
    r = _result(llamacpp_unavailable="llama.cpp's virtualenv .venv/peers is missing (make bench-peers)")
    for key in ("llamacpp", "native_over_llamacpp", "llamacpp_setup"):
        del r[key]
    md = engines.markdown(r)
    assert "llama.cpp not measured: llama.cpp's virtualenv .venv/peers is missing (make bench-peers)" in md
    assert "| measure | native | vLLM | native / vLLM |" in md and "| 2.56x |" in md


def test_markdown_of_an_older_result_without_llama_cpp():
    r = _result()
    for key in ("llamacpp", "native_over_llamacpp", "llamacpp_setup"):
        del r[key]
    md = engines.markdown(r)
    assert "llama.cpp" not in md and "| measure | native | vLLM | native / vLLM |" in md


def test_missing_venv_is_a_reason_not_a_crash(tmp_path):
    reason = peers.unavailable_reason(tmp_path / "nope")
    assert reason and "make bench-peers" in reason
    with pytest.raises(peers.PeerUnavailable, match="make bench-peers"):
        peers.start_peer(SimpleNamespace(name="smollm2-135m-instruct"), None, {}, tmp_path, venv=tmp_path / "nope")
    (tmp_path / "v" / "bin").mkdir(parents=True)
    (tmp_path / "v" / "bin" / "python").write_text("")
    (tmp_path / "v" / ".aivo-installed").write_text("")
    assert "LoRA converter is missing" in peers.unavailable_reason(tmp_path / "v")


def test_compare_records_the_reason(monkeypatch, tmp_path):
    def refuse(*a, **k):
        raise peers.PeerUnavailable("no llama.cpp here")

    monkeypatch.setattr(peers, "start_peer", refuse)
    out, started = {}, {}
    assert engines.start_llamacpp(None, None, {}, tmp_path, started, out) == {}
    assert out == {"llamacpp_unavailable": "no llama.cpp here"} and started == {}


def test_queued_students_and_decode_rate():
    # two requests served in turn from t=0: 3 tokens each, the second starts after the first ends
    rate, firsts = peers.queued([[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]])
    assert rate == pytest.approx(6 / 0.6) and firsts == [0.1, 0.4]
    assert peers.decode_rate([0.5 + i * 0.01 for i in range(128)]) == pytest.approx(100.0)
    assert peers.decode_rate([0.1, 0.2]) == 0.0


def test_base_config_for_the_converter_names_the_architecture(tmp_path):
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "config.json").write_text(json.dumps({"model_type": "llama"}))
    out = peers.base_config_dir(tmp_path / "m", tmp_path / "c", "LlamaForCausalLM")
    assert json.loads((out / "config.json").read_text())["architectures"] == ["LlamaForCausalLM"]


def test_main_venv_never_imports_llama_cpp():
    assert "llama_cpp" not in sys.modules
