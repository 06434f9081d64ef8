"""Row isolation in the engine (issue 12): a request that fails ends alone, with an error event, while
the other rows of its batch answer token for token as they do alone. Both decode steps: the native one
(serving/fastdecode.py) and the PyTorch model's."""

import copy
import dataclasses
import math
import time

import pytest
import torch

from brain.prompts import build_messages
from brain.schemas import GenerationRequest
from serving import fastdecode, sampling
from serving.adapters import Choice
from serving.engine import Engine, EngineRequest
from serving.lora_bank import AdapterWeights

PROMPTS = ["What is 3/4 of 12?", "Name a prime number.", "Why is the sky blue?"]


def _ids(tiny, prompt):
    req = GenerationRequest.model_validate({"prompt": prompt, "context": {"student_id": "x", "grade": 4}})
    messages = build_messages(req.context.profile(), req.prompt, req.mode)
    return tiny.tokenizer.apply_chat_template(messages, add_generation_prompt=True, return_dict=True)["input_ids"]


def _req(tiny, prompt, student=None, max_tokens=16, **kw):
    return EngineRequest(prompt_ids=_ids(tiny, prompt), max_tokens=max_tokens, student_id=student, **kw)


def _adapter(model, seed: int, scale: float = 0.3, rank: int = 4) -> AdapterWeights:
    """Random LoRA weights on every q/v projection (``scale`` 1e25: finite weights whose products overflow)."""
    g = torch.Generator().manual_seed(seed)
    layers = {}
    for i in range(len(model.model.layers)):
        for proj in ("q_proj", "v_proj"):
            mod = model.get_submodule(f"model.layers.{i}.self_attn.{proj}")
            layers[f"model.layers.{i}.self_attn.{proj}"] = (
                torch.randn(rank, mod.in_features, generator=g) * scale,
                torch.randn(mod.out_features, rank, generator=g) * scale)
    return AdapterWeights(rank=rank, layers=layers)


class MemResolver:
    """Student -> adapter weights in memory, or the exception loading them raises."""

    def __init__(self, table):
        self.table = table

    def choose(self, student_id):
        if student_id not in self.table:
            return Choice(None, None, "base model: no approved adapter for this student")
        return Choice((student_id, "1"), "1", f"student adapter student-{student_id} v1")

    def weights(self, choice):
        found = self.table[choice.key[0]]
        if isinstance(found, BaseException):
            raise found
        return found

    def forget(self, student_id):
        return []


@pytest.fixture(params=["native", "native-int8", "pytorch"])
def make_engine(request, tiny):
    """Engines (not started) on the given decode step (the native one reading fp32 or int8 weights), each on
    its own copy of the tiny model."""
    path, _, weights = request.param.partition("-")
    if path == "native" and (tiny.device.type != "cpu" or fastdecode.library() is None):
        pytest.skip(f"no native decode step here ({fastdecode.library_error()})")
    made = []

    def make(table) -> Engine:
        eng = Engine(dataclasses.replace(tiny, model=copy.deepcopy(tiny.model)), MemResolver(table), max_batch=8,
                     slots=8, native_decode=path == "native", weights=weights or "fp32")
        assert eng.stats()["decode"] == path
        made.append(eng)
        return eng

    make.path = path
    yield make
    for eng in made:
        eng.stop()


def _together(engine: Engine, requests, timeout=120):
    """Submit every request before the engine starts, so they all join one batch; their results."""
    streams = [engine.submit(r) for r in requests]
    deadline = time.time() + 60
    while sum(s.ended for s in streams) + engine.stats()["waiting"] < len(streams):
        assert time.time() < deadline, "requests were not prepared"
        time.sleep(0.01)
    engine.start()
    return [s.result(timeout) for s in streams]


def _victims(tiny):
    return [_req(tiny, PROMPTS[0], "s1"), _req(tiny, PROMPTS[1], "s2"), _req(tiny, PROMPTS[2], None),
            _req(tiny, PROMPTS[0], None, temperature=0.9, seed=7)]  # a sampled row with its own seed


def _assert_victims_as_alone(engine, victims, results):
    for req, (_, done) in zip(victims, results):
        assert done.finish_reason in ("stop", "length"), done
        _, alone = engine.generate(req, timeout=120)
        assert (done.text, done.completion_tokens) == (alone.text, alone.completion_tokens)
    stats = engine.stats()
    assert stats["running"] == 0 and stats["waiting"] == 0 and stats["alive"]


def _poison_decode_logits(engine: Engine, student: str, from_step: int):
    """Make ``student``'s row's logits NaN from decode step ``from_step`` on (whichever step runs)."""
    calls = {"n": 0}

    def poison(logits, slots):
        calls["n"] += 1
        slot = engine.slot_table.by_key.get((student, "1"))
        if slot is not None and calls["n"] >= from_step:
            logits[slots == slot] = float("nan")

    if engine.fast is not None:
        native_step = engine.fast.step

        def step(tokens, positions, mask, cache, slots):
            logits = native_step(tokens, positions, mask, cache, slots)
            poison(logits, slots)
            return logits

        engine.fast.step = step
    else:
        forward = engine.model.forward

        def model_step(*args, **kwargs):
            out = forward(*args, **kwargs)
            if kwargs["input_ids"].shape[1] == 1:  # a decode step, not a prefill
                poison(out.logits[:, -1], engine.bank.rows.slots)
            return out

        engine.model.forward = model_step


def test_poison_rows_end_alone_and_the_others_answer_as_alone(tiny, make_engine, monkeypatch):
    table = {"s1": _adapter(tiny.model, 1), "s2": _adapter(tiny.model, 2), "late": _adapter(tiny.model, 3),
             "huge": _adapter(tiny.model, 4, scale=1e25),  # finite weights, inf/NaN logits at the prefill
             "broken": OSError("S3 said no"), "badwrite": _adapter(tiny.model, 5),
             "nanweights": _adapter(tiny.model, 6, scale=float("nan"))}
    engine = make_engine(table)
    _poison_decode_logits(engine, "late", from_step=3)
    real_sample, real_generator, real_write = sampling.sample, sampling.make_generator, engine.bank.write
    sampled = {"n": 0}

    def sample(logits, temperature, top_p, generator):
        if temperature == 0.777:
            sampled["n"] += 1
            if sampled["n"] == 3:
                raise RuntimeError("sampler exploded")
        return real_sample(logits, temperature, top_p, generator)

    def make_generator(seed, device):
        if seed == 666:
            raise OverflowError("no generator for you")
        return real_generator(seed, device)

    def write(slot, weights):
        if weights is table["badwrite"]:
            raise RuntimeError("bank write failed")
        return real_write(slot, weights)

    monkeypatch.setattr(sampling, "sample", sample)
    monkeypatch.setattr(sampling, "make_generator", make_generator)
    engine.bank.write = write
    victims = _victims(tiny)
    poisons = {"huge": _req(tiny, PROMPTS[1], "huge"), "late": _req(tiny, PROMPTS[2], "late"),
               "sampler": _req(tiny, PROMPTS[1], None, temperature=0.777),
               "generator": _req(tiny, PROMPTS[2], None, temperature=0.5, seed=666),
               "broken": _req(tiny, PROMPTS[0], "broken"), "badwrite": _req(tiny, PROMPTS[0], "badwrite"),
               "nanweights": _req(tiny, PROMPTS[2], "nanweights")}
    results = _together(engine, victims[:2] + list(poisons.values()) + victims[2:])
    got = dict(zip(poisons, results[2:2 + len(poisons)]))
    errors = {name: done.error for name, (_, done) in got.items() if done.finish_reason == "error"}
    assert set(errors) == {"huge", "late", "sampler", "generator", "broken", "badwrite"}
    assert "not finite" in errors["huge"] and "not finite" in errors["late"]
    assert got["late"][1].completion_tokens >= 2  # it ran with the others before its logits went bad
    assert "sampler exploded" in errors["sampler"] and got["sampler"][1].completion_tokens == 2
    assert "no generator" in errors["generator"] and "S3 said no" in errors["broken"]
    assert "bank write failed" in errors["badwrite"] and ("badwrite", "1") not in engine.slot_table.by_key
    choice, done = got["nanweights"]  # an adapter with NaN weights is refused: the base answers, and says why
    assert done.finish_reason in ("stop", "length") and choice.key is None and "NaN" in choice.note
    assert engine.stats()["row_errors"] == 6 and engine.stats()["step_failures"] == 0
    monkeypatch.undo()
    _assert_victims_as_alone(engine, victims, results[:2] + results[2 + len(poisons):])


def test_a_failing_prefill_ends_only_its_own_row(tiny, make_engine):
    engine = make_engine({"s1": _adapter(tiny.model, 1), "s2": _adapter(tiny.model, 2)})
    poison = _req(tiny, "Zebra quokka xylophone?", "s1")
    victims = _victims(tiny)
    marker = next(t for t in poison.prompt_ids if all(t not in v.prompt_ids for v in victims))
    forward = engine.model.forward

    def prefill_fails_on_marker(*args, **kwargs):
        ids = kwargs["input_ids"]
        if ids.shape[1] > 1 and bool((ids == marker).any()):
            raise RuntimeError("prefill exploded")
        return forward(*args, **kwargs)

    engine.model.forward = prefill_fails_on_marker
    results = _together(engine, [victims[0], poison] + victims[1:])
    _, done = results[1]
    assert done.finish_reason == "error" and "prefill exploded" in done.error
    _assert_victims_as_alone(engine, victims, [results[0]] + results[2:])


def test_a_failing_step_ends_every_row_and_serving_goes_on(tiny, make_engine):
    engine = make_engine({"s1": _adapter(tiny.model, 1), "s2": _adapter(tiny.model, 2)})
    calls = {"n": 0}

    def fail_third_call(real):
        def step(*args, **kwargs):
            decode = engine.fast is not None or kwargs["input_ids"].shape[1] == 1
            calls["n"] += decode
            if decode and calls["n"] == 3:
                raise RuntimeError("step exploded")
            return real(*args, **kwargs)
        return step

    if engine.fast is not None:
        engine.fast.step = fail_third_call(engine.fast.step)
    else:
        engine.model.forward = fail_third_call(engine.model.forward)
    victims = _victims(tiny)
    results = _together(engine, victims)
    for _, done in results:
        assert done.finish_reason == "error" and "step exploded" in done.error and done.completion_tokens >= 2
    stats = engine.stats()
    assert stats["running"] == 0 and stats["alive"] and stats["step_failures"] == 1
    _, again = engine.generate(victims[0], timeout=120)  # the loop serves later requests
    assert again.finish_reason in ("stop", "length") and again.completion_tokens > 0


class _Die(BaseException):
    pass


def test_if_the_engine_thread_dies_every_stream_ends(tiny, make_engine):
    engine = make_engine({"s1": _adapter(tiny.model, 1)})

    def die():
        raise _Die("out of the blue")

    engine._step = die
    results = _together(engine, _victims(tiny))
    assert all(done.finish_reason == "error" and "_Die" in done.error for _, done in results)
    stats = engine.stats()
    assert not stats["alive"] and stats["running"] == 0
    _, late = engine.submit(_victims(tiny)[0]).result(10)  # later requests end at once, never hang
    assert late.finish_reason == "error" and "not running" in late.error


def test_extreme_valid_parameters_answer_like_greedy(tiny, make_engine):
    """top_p below the top token's probability, temperatures down to the smallest float, the largest seed:
    every one answers (the argmax, here), next to rows that answer as alone."""
    engine = make_engine({"s1": _adapter(tiny.model, 1), "s2": _adapter(tiny.model, 2)})
    victims = _victims(tiny)
    edge = [_req(tiny, PROMPTS[1], "s2", temperature=1.0, top_p=1e-300, seed=2**64 - 1),
            _req(tiny, PROMPTS[1], "s2", temperature=1e-300),
            _req(tiny, PROMPTS[1], "s2", temperature=5e-324, top_p=1.0, seed=0)]
    results = _together(engine, edge + victims)
    greedy = engine.generate(_req(tiny, PROMPTS[1], "s2"), timeout=120)[1]
    for _, done in results[:3]:
        assert (done.finish_reason, done.text) == (greedy.finish_reason, greedy.text)
    _assert_victims_as_alone(engine, victims, results[3:])


@pytest.mark.parametrize("change, field", [
    (dict(seed=2**70), "seed"), (dict(seed=-1), "seed"), (dict(seed=True), "seed"), (dict(seed=1.5), "seed"),
    (dict(top_p=0.0), "top_p"), (dict(top_p=1.5), "top_p"), (dict(top_p=math.nan), "top_p"),
    (dict(temperature=math.nan), "temperature"), (dict(temperature=math.inf), "temperature"),
    (dict(temperature=-0.1), "temperature"), (dict(temperature="0.5"), "temperature"),
    (dict(temperature=True), "temperature"), (dict(max_tokens=0), "max_tokens"), (dict(max_tokens=True), "max_tokens"),
    (dict(prompt_ids=[1, 2, 10**9]), "prompt_ids"), (dict(prompt_ids=[-1]), "prompt_ids"), (dict(prompt_ids=[]), "prompt"),
])
def test_parameters_the_engine_cannot_run_are_refused_at_submit(tiny, change, field):
    engine = Engine(dataclasses.replace(tiny, model=copy.deepcopy(tiny.model)), None, max_batch=2, slots=2,
                    native_decode=False)
    try:
        with pytest.raises(ValueError, match=field):
            engine.submit(dataclasses.replace(_req(tiny, PROMPTS[0]), **change))
    finally:
        engine.stop()


def test_sampler_edges():
    logits = torch.tensor([0.0, 3.0, 1.0, 3.0 - 1e-6])
    g = torch.Generator().manual_seed(2**64 - 1)
    assert sampling.sample(logits, 1.0, 1e-300, g) == 1  # an empty nucleus would be no distribution at all
    assert sampling.sample(logits, 5e-324, 0.9, g) == 1
    assert sampling.sample(logits, 0.0, 0.9, None) == 1
    for bad in (math.nan, math.inf, -math.inf):
        with pytest.raises(sampling.NonFiniteLogits):
            sampling.sample(torch.tensor([0.0, bad]), 0.7, 0.9, g)
    with pytest.raises(ValueError, match="seed"):
        sampling.make_generator(2**64, torch.device("cpu"))
