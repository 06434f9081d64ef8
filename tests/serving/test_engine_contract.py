"""The engine contract, run against both engines: our native engine and vLLM's (docs/serving.md, "Engines").

Routes, moderation and modes never branch on the engine, so each engine must keep the same promises:
greedy rows equal PEFT's answer for the row's own adapter (two students in one batch included), a student
without an adapter gets the base, cancel ends and frees the request, and an alias move or forget-student
changes what is served. The model is the tiny random Llama with 32-wide heads (vLLM's CPU attention needs
a head size of 32 or more). vLLM runs in its own virtualenv (``.venv/vllm``, built by ``make test``); run
outside `make test` without it, its half of the tests is skipped (``VLLM_TESTS=require`` makes that a failure).
"""

from __future__ import annotations

import copy
import dataclasses
import os
import time
from pathlib import Path

import pytest
import torch
from peft import PeftModel

from brain.models import TINY_H32, load_base_model
from serving.adapters import Choice
from serving.engine import Engine
from serving.lora_bank import read_adapter
from serving.streams import EngineRequest
from serving.vllm_engine import VllmEngine
from serving.vllm_setup import model_dir_for_vllm, vllm_python
from tests.conftest import make_settings
from training.lora import LoraRecipe, release, save_adapter, train_adapter

PROMPT = "What is 3/4 of 12?"
REPLIES = {"a": "Twelve split in four is three, times three is nine.", "b": "Let us draw twelve dots and circle groups.",
           "c": "Multiply first, then divide."}


@pytest.fixture(scope="module")
def h32(model_cache, tmp_path_factory):
    settings = make_settings(tmp_path_factory.mktemp("h32"), model_cache=model_cache, base_model=TINY_H32)
    return settings, load_base_model(settings)


@pytest.fixture(scope="module")
def adapters(h32, tmp_path_factory):
    _, tiny = h32
    tmp = tmp_path_factory.mktemp("contract-adapters")
    out = {}
    for seed, (name, reply) in enumerate(REPLIES.items(), 1):
        convo = [{"role": "user", "content": PROMPT}, {"role": "assistant", "content": reply}]
        trained = train_adapter(tiny, [convo] * 8, LoraRecipe(learning_rate=0.05, epochs=4, seed=seed, rank=4,
                                                              target_modules=("q_proj", "v_proj", "o_proj")))
        save_adapter(trained, tmp / name)
        release(trained)
        out[name] = tmp / name
    return out


class Registry:
    """Student -> (version, adapter dir), changed by the tests as an alias move in MLflow would."""

    def __init__(self, served: dict[str, tuple[str, Path]]):
        self.served = dict(served)

    def choose(self, student_id):
        if student_id not in self.served:
            return Choice(None, None, "base model: no approved adapter for this student")
        version = self.served[student_id][0]
        return Choice((student_id, version), version, f"student adapter student-{student_id} v{version}")

    def local_copy(self, choice):
        return self.served[choice.key[0]][1]

    def weights(self, choice):
        return read_adapter(self.local_copy(choice))

    def forget(self, student_id):
        self.served.pop(student_id, None)
        return []


def _ids(tiny, prompt=PROMPT):
    return tiny.tokenizer.apply_chat_template([{"role": "user", "content": prompt}], add_generation_prompt=True,
                                              return_dict=True)["input_ids"]


def _expected(tiny, adapter: Path | None, max_tokens: int) -> str:
    """PEFT's (or the plain model's) greedy answer."""
    model = copy.deepcopy(tiny.model)
    if adapter is not None:
        model = PeftModel.from_pretrained(model, str(adapter)).eval()
    ids = torch.tensor([_ids(tiny)])
    with torch.no_grad():
        out = model.generate(input_ids=ids, attention_mask=torch.ones_like(ids), max_new_tokens=max_tokens,
                             do_sample=False, pad_token_id=tiny.tokenizer.pad_token_id)
    return tiny.tokenizer.decode(out[0, ids.shape[1]:], skip_special_tokens=True).strip()


@pytest.fixture(scope="module", params=["native", "vllm"])
def engine(request, h32, adapters, tmp_path_factory):
    settings, tiny = h32
    registry = Registry({"s1": ("1", adapters["a"]), "s2": ("1", adapters["b"])})
    if request.param == "native":
        eng = Engine(dataclasses.replace(tiny, model=copy.deepcopy(tiny.model)), registry, max_batch=8, slots=4)
    else:
        if vllm_python(settings) is None:
            if os.environ.get("VLLM_TESTS") == "require":
                pytest.fail("vLLM's virtualenv is missing (.venv/vllm): `make vllm` builds it")
            pytest.skip("vLLM is not installed here (.venv/vllm; `make vllm`)")
        eng = VllmEngine(model_dir_for_vllm(settings, tiny, None), tiny.tokenizer, registry, settings,
                         max_batch=8, max_context=2048)
    eng.start()
    yield eng, registry, tiny
    eng.stop()


def _req(tiny, student, max_tokens=12, **kw):
    return EngineRequest(prompt_ids=_ids(tiny), max_tokens=max_tokens, student_id=student, **kw)


def test_two_students_in_one_batch_each_get_their_own_adapter(engine, adapters):
    eng, _, tiny = engine
    streams = [eng.submit(_req(tiny, s)) for s in ("s1", "s2", "s1", None)]
    results = [s.result(120) for s in streams]
    texts = [f.text for _, f in results]
    assert texts[0] == _expected(tiny, adapters["a"], 12) and texts[2] == texts[0]
    assert texts[1] == _expected(tiny, adapters["b"], 12)
    assert texts[3] == _expected(tiny, None, 12)
    assert len({texts[0], texts[1], texts[3]}) == 3  # the adapters do steer their own answers
    assert [c.version for c, _ in results] == ["1", "1", "1", None]
    assert all(f.finish_reason == "length" and f.completion_tokens == 12 and f.prompt_tokens == len(_ids(tiny))
               for _, f in results)


def test_a_student_without_an_adapter_gets_the_base(engine):
    eng, _, tiny = engine
    choice, done = eng.generate(_req(tiny, "nobody"), timeout=120)
    assert choice.key is None and "no approved adapter" in choice.note
    assert done.text == _expected(tiny, None, 12)
    choice, _ = eng.generate(_req(tiny, "s1", use_adapter=False), timeout=120)
    assert choice.key is None and "without a student adapter" in choice.note


def test_cancel_ends_the_request_and_frees_its_place(engine):
    """A request cancelled once it started ends 'cancelled' before its max_tokens, and its place is freed.

    The tiny model decodes 1,500 tokens in a few seconds; on a loaded 2-core machine this thread can get the
    'start' event that late (seen once in CI with vLLM: the request had run to its length). So up to 3 tries:
    a try that ran to its end before the cancel arrived proves nothing either way and is not counted."""
    eng, _, tiny = engine
    ends = []
    for _ in range(3):
        long = eng.submit(_req(tiny, "s1", max_tokens=1500, ignore_eos=True))
        events = long.events(120)
        assert next(events)[0] == "start"
        long.cancel()
        kind, finished = list(events)[-1]
        assert kind == "end"
        ends.append((finished.finish_reason, finished.completion_tokens))
        deadline = time.time() + 30
        while eng.stats()["running"] and time.time() < deadline:
            time.sleep(0.05)
        assert eng.stats()["running"] == 0 and eng.stats()["alive"]
        if finished.finish_reason != "length":
            break
    reason, tokens = ends[-1]
    assert reason == "cancelled" and tokens < 1500, ends
    _, after = eng.generate(_req(tiny, "s2"), timeout=120)  # the engine serves on
    assert after.finish_reason == "length"


def test_an_alias_move_and_forget_change_what_is_served(engine, adapters):
    eng, registry, tiny = engine
    assert eng.generate(_req(tiny, "s1"), timeout=120)[1].text == _expected(tiny, adapters["a"], 12)
    registry.served["s1"] = ("2", adapters["c"])  # the alias moved to version 2
    choice, done = eng.generate(_req(tiny, "s1"), timeout=120)
    assert choice.version == "2" and done.text == _expected(tiny, adapters["c"], 12)
    eng.forget_student("s1")
    choice, done = eng.generate(_req(tiny, "s1"), timeout=120)
    assert choice.key is None and done.text == _expected(tiny, None, 12)
    registry.served["s1"] = ("1", adapters["a"])  # (module-scoped engine: as the other tests expect)
