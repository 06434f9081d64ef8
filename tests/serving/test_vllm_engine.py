"""What only the vLLM engine has to show (the shared contract: tests/serving/test_engine_contract.py):
adapters leave vLLM when an alias moves and on forget-student, and a worker that dies ends every open
request with an error instead of leaving it waiting."""

from __future__ import annotations

import os
import time

import pytest

from serving.vllm_engine import VllmEngine
from serving.vllm_setup import adapter_problem, model_dir_for_vllm, vllm_python
from tests.serving.test_engine_contract import Registry, _req, adapters, h32  # noqa: F401 - fixtures


@pytest.fixture()
def veng(h32, adapters):  # noqa: F811
    settings, tiny = h32
    if vllm_python(settings) is None:
        pytest.skip("vLLM is not installed here (.venv/vllm; `make vllm`)")
    registry = Registry({"s1": ("1", adapters["a"]), "s2": ("1", adapters["b"])})
    eng = VllmEngine(model_dir_for_vllm(settings, tiny, None), tiny.tokenizer, registry, settings,
                     max_batch=4, max_context=2048).start()
    yield eng, registry, tiny
    eng.stop()


def _group_gone(pgid: int, timeout: float = 15.0) -> bool:
    end = time.time() + timeout
    while time.time() < end:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


def _acked(eng, lora_id, timeout=10.0) -> bool:
    end = time.time() + timeout
    while time.time() < end:
        if (lora_id, True) in eng.unload_acks:
            return True
        time.sleep(0.05)
    return False


def test_alias_move_and_forget_unload_the_old_adapters_from_vllm(veng, adapters):  # noqa: F811
    eng, registry, tiny = veng
    eng.generate(_req(tiny, "s1"), timeout=120)
    eng.generate(_req(tiny, "s2"), timeout=120)
    v1 = eng.lora_id("s1", "1")
    registry.served["s1"] = ("2", adapters["c"])
    choice, _ = eng.generate(_req(tiny, "s1"), timeout=120)
    assert choice.version == "2" and _acked(eng, v1)  # vLLM had it and let it go
    v2, other = eng.lora_id("s1", "2"), eng.lora_id("s2", "1")
    assert len({v1, v2, other}) == 3  # one integer id per (student, version)
    eng.forget_student("s1")
    assert _acked(eng, v2)
    assert (other, True) not in eng.unload_acks  # the other student's adapter stays


def test_a_dead_worker_ends_every_open_request_with_an_error(veng):
    eng, _, tiny = veng
    stream = eng.submit(_req(tiny, "s1", max_tokens=1500, ignore_eos=True))
    assert next(stream.events(120))[0] == "start"
    group = eng._proc.pid  # noqa: SLF001 - the worker's process group (vLLM's engine core is in it)
    eng._proc.kill()  # noqa: SLF001 - the worker process dies (OOM, a crash)
    _, done = stream.result(30)
    assert done.finish_reason == "error" and "exited" in done.error
    assert not eng.stats()["alive"]
    assert _group_gone(group)  # vLLM's engine core does not outlive it (it holds the model, and spins)
    _, after = eng.submit(_req(tiny, "s2")).result(30)
    assert after.finish_reason == "error" and "not running" in after.error


def test_adapters_vllm_cannot_serve_are_named(tmp_path):
    (tmp_path / "adapter_config.json").write_text('{"r": 64, "use_dora": false}')
    assert "rank 64" in adapter_problem(tmp_path, 16)
    (tmp_path / "adapter_config.json").write_text('{"r": 8, "use_dora": true}')
    assert "DoRA" in adapter_problem(tmp_path, 16)
    (tmp_path / "adapter_config.json").write_text('{"r": 8}')
    assert adapter_problem(tmp_path, 16) is None
