"""The continuous-batching engine and its gathered LoRA bank (tiny model, adapters from local files)."""

import copy
import dataclasses
import threading
import time

import pytest
import torch
from peft import PeftModel

from brain.prompts import build_messages
from brain.schemas import GenerationRequest
from serving.adapters import Choice
from serving.engine import Engine, EngineRequest
from serving.lora_bank import LoraBank, read_adapter
from training.lora import LoraRecipe, release, save_adapter, train_adapter

PROMPTS = ["What is 3/4 of 12?", "Name a prime number.", "Why is the sky blue?"]


def _messages(prompt):
    req = GenerationRequest.model_validate({"prompt": prompt, "context": {"student_id": "x", "grade": 4}})
    return build_messages(req.context.profile(), req.prompt, req.mode)


@pytest.fixture(scope="module")
def adapters(tiny, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("engine-adapters")
    out = {}
    for seed, reply, rank in ((1, "Twelve split in four is three, times three is nine.", 4),
                              (2, "Let us draw twelve dots and circle groups.", 8),
                              (3, "Multiply first, then divide.", 2)):
        convo = _messages(PROMPTS[0])[:1] + [{"role": "user", "content": PROMPTS[0]},
                                             {"role": "assistant", "content": reply}]
        trained = train_adapter(tiny, [convo] * 8, LoraRecipe(learning_rate=0.05, epochs=4, seed=seed, rank=rank,
                                                              target_modules=("q_proj", "v_proj", "o_proj")))
        save_adapter(trained, tmp / f"s{seed}")
        release(trained)
        out[f"s{seed}"] = tmp / f"s{seed}"
    return out


class LocalResolver:
    """Student -> adapter directory on disk (the registry path is tested against real servers elsewhere)."""

    def __init__(self, paths):
        self.paths = paths
        self.loads = 0

    def choose(self, student_id):
        if student_id not in self.paths:
            return Choice(None, None, "base model: no approved adapter for this student")
        return Choice((student_id, "1"), "1", f"student adapter student-{student_id} v1")

    def weights(self, choice):
        self.loads += 1
        return read_adapter(self.paths[choice.key[0]])

    def forget(self, student_id):
        return []


def _ids(tiny, prompt):
    return tiny.tokenizer.apply_chat_template(_messages(prompt), add_generation_prompt=True,
                                              return_dict=True)["input_ids"]


@pytest.fixture()
def engine(tiny, adapters):
    model = copy.deepcopy(tiny.model)  # the bank wraps layers in place: keep the session's model clean
    eng = Engine(dataclasses.replace(tiny, model=model), LocalResolver(adapters), max_batch=8, slots=4).start()
    yield eng
    eng.stop()


def test_bank_matches_peft(tiny, adapters):
    """The gathered delta of each row equals PEFT's LoRA for that row's adapter (logits)."""
    ids = torch.tensor([_ids(tiny, PROMPTS[0])], device=tiny.device)
    expected = []
    for name in ("s1", "s2"):
        peft = PeftModel.from_pretrained(copy.deepcopy(tiny.model), str(adapters[name])).eval()
        with torch.no_grad():
            expected.append(peft(input_ids=ids).logits)
    with torch.no_grad():
        base_logits = tiny.model(input_ids=ids).logits
    model = copy.deepcopy(tiny.model)
    bank = LoraBank(model, slots=4)
    bank.write(1, read_adapter(adapters["s1"]))
    bank.write(2, read_adapter(adapters["s2"]))  # rank 8 > bank's first rank 4: the bank grows
    bank.set_rows([1, 2, 0], tiny.device)
    with torch.no_grad():
        got = model(input_ids=ids.repeat(3, 1)).logits
    assert not torch.allclose(expected[0], expected[1], atol=1e-3)  # the adapters do differ
    # fp32 on the CPU; bf16 on a GPU rounds the delta differently from PEFT's separate LoRA matmuls
    tol = dict(atol=2e-4, rtol=1e-3) if tiny.dtype == torch.float32 else dict(atol=3e-2, rtol=2e-2)
    exact = dict(atol=1e-5, rtol=1e-5) if tiny.dtype == torch.float32 else dict(atol=2e-2, rtol=2e-2)
    torch.testing.assert_close(got[0], expected[0][0], **tol)
    torch.testing.assert_close(got[1], expected[1][0], **tol)
    torch.testing.assert_close(got[2], base_logits[0], **exact)


def _req(tiny, prompt, student, max_tokens=16, **kw):
    return EngineRequest(prompt_ids=_ids(tiny, prompt), max_tokens=max_tokens, student_id=student, **kw)


@pytest.fixture(params=["fp32", "bf16", "int8"])
def precision_engine(request, tiny, adapters):
    """An engine on each weight precision of the native decode step (one precision on the PyTorch step)."""
    model = copy.deepcopy(tiny.model)  # the bank wraps layers in place: keep the session's model clean
    eng = Engine(dataclasses.replace(tiny, model=model), LocalResolver(adapters), max_batch=8, slots=4,
                 weights=request.param).start()
    assert eng.weights == (request.param if eng.decode_path == "native" else str(tiny.dtype)[6:])
    yield eng
    eng.stop()


def test_mixed_batch_equals_each_alone(tiny, precision_engine):
    """Rows of different students (and the base) in one batch answer exactly as when served alone, within
    each weight precision."""
    engine = precision_engine
    cases = [(PROMPTS[0], "s1"), (PROMPTS[0], "s2"), (PROMPTS[1], "s3"), (PROMPTS[2], None), (PROMPTS[0], "nobody")]
    alone = [engine.generate(_req(tiny, p, s))[1].text for p, s in cases]
    streams = [engine.submit(_req(tiny, p, s)) for p, s in cases]
    together = [st.result(60) for st in streams]
    assert [f.text for _, f in together] == alone
    assert len(set(alone[:3])) == 3  # each adapter steers its own answer
    assert together[0][0].version == "1" and together[3][0].key is None
    assert "no approved adapter" in together[4][0].note


def test_short_request_leaves_the_batch_early(tiny, engine):
    long = engine.submit(_req(tiny, PROMPTS[2], "s1", max_tokens=60))
    short = engine.submit(_req(tiny, PROMPTS[1], "s2", max_tokens=3))
    choice, done = short.result(60)
    assert done.completion_tokens <= 3 and done.finish_reason in ("length", "stop")
    assert engine.stats()["running"] >= 0
    _, long_done = long.result(60)
    assert long_done.completion_tokens > done.completion_tokens


def test_streams_text_incrementally_and_cancel_stops(tiny, engine):
    st = engine.submit(_req(tiny, PROMPTS[2], "s1", max_tokens=40))
    pieces = []
    for kind, value in st.events(60):
        if kind == "text":
            pieces.append(value)
            if len(pieces) == 3:
                st.cancel()
        if kind == "end":
            final = value
    assert final.finish_reason == "cancelled"
    assert 3 <= final.completion_tokens < 40
    assert "".join(pieces).strip() == final.text


def test_cache_evicts_lru_and_never_evicts_running(tiny, engine):
    # 4 slots = base + 3 adapters; a fourth student evicts the least recently used one
    for s in ("s1", "s2", "s3"):
        engine.generate(_req(tiny, PROMPTS[0], s, max_tokens=2))
    before = engine.stats()
    assert before["adapters_loaded"] == 3 and before["evictions"] == 0
    engine.resolver.paths["s4"] = engine.resolver.paths["s1"]
    engine.generate(_req(tiny, PROMPTS[0], "s4", max_tokens=2))
    after = engine.stats()
    assert after["evictions"] == 1 and after["adapters_loaded"] == 3
    assert ("s1", "1") not in engine.slot_table.by_key  # the LRU one went
    engine.generate(_req(tiny, PROMPTS[0], "s3", max_tokens=2))
    assert engine.stats()["hits"] == after["hits"] + 1


def test_sampling_with_seed_is_reproducible(tiny, engine):
    a = engine.generate(_req(tiny, PROMPTS[2], "s1", temperature=0.9, seed=7))[1].text
    b = engine.generate(_req(tiny, PROMPTS[2], "s1", temperature=0.9, seed=7))[1].text
    assert a == b


def test_concurrent_submitters(tiny, engine):
    results = {}

    def ask(i):
        results[i] = engine.generate(_req(tiny, PROMPTS[i % 3], ["s1", "s2", "s3", None][i % 4], max_tokens=8))

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(results) == 12 and all(f.finish_reason in ("stop", "length") for _, f in results.values())


def test_native_and_pytorch_decode_steps_answer_alike(tiny, engine, adapters):
    """The engine's native decode step (CPU) gives the answers the PyTorch model gives, batch and all."""
    if tiny.device.type == "cpu":
        from serving.fastdecode import library

        assert engine.stats()["decode"] == ("native" if library() is not None else "pytorch")
    plain = Engine(dataclasses.replace(tiny, model=copy.deepcopy(tiny.model)), LocalResolver(adapters),
                   max_batch=8, slots=4, native_decode=False).start()
    try:
        assert plain.stats()["decode"] == "pytorch"
        cases = [(PROMPTS[0], "s1"), (PROMPTS[1], "s2"), (PROMPTS[2], None), (PROMPTS[0], "s3")]
        want = [st.result(60)[1].text for st in [plain.submit(_req(tiny, p, s, max_tokens=24)) for p, s in cases]]
    finally:
        plain.stop()
    got = [st.result(60)[1].text for st in [engine.submit(_req(tiny, p, s, max_tokens=24)) for p, s in cases]]
    assert got == want


def test_forget_while_the_students_row_runs_clears_its_slot_once_the_row_ends(tiny, engine):
    """A deletion request for a student whose adapter a running row still uses: the row finishes, then the
    adapter's slot is dropped and zeroed (not left in memory until an LRU eviction)."""
    engine.resolver.paths["s9"] = engine.resolver.paths["s2"]
    stream = engine.submit(_req(tiny, PROMPTS[0], "s9", max_tokens=64, ignore_eos=True))
    for kind, *_ in stream.events(timeout=60):
        if kind == "text":
            break  # the row runs on s9's slot
    slot = engine.slot_table.by_key[("s9", "1")]
    engine.forget_student("s9")
    _, done = stream.result(timeout=60)
    assert done.finish_reason == "length"  # the running row was not cut short
    deadline = time.time() + 10
    while ("s9", "1") in engine.slot_table.by_key and time.time() < deadline:
        time.sleep(0.05)
    assert ("s9", "1") not in engine.slot_table.by_key
    assert all(float(layer.At[slot].abs().sum()) == 0 and float(layer.Bt[slot].abs().sum()) == 0
               for layer in engine.bank.layers.values())
