"""The prompt KV cache (serving/prefix_cache.py): a returning student's next turn prefills only its new tokens,
and answers exactly as without the cache (tiny model, adapters from local files)."""

from __future__ import annotations

import copy
import dataclasses

import pytest
import torch
from transformers import DynamicCache

from serving.engine import Engine, EngineRequest
from serving.prefix_cache import MIN_REUSE, PrefixCache, prefill_cached, row_kv
from tests.serving.test_engine import PROMPTS, LocalResolver, _messages, adapters  # noqa: F401 - fixture


def _engine(tiny, adapters, prefix_bytes):  # noqa: F811
    model = copy.deepcopy(tiny.model)
    return Engine(dataclasses.replace(tiny, model=model), LocalResolver(adapters), max_batch=8, slots=4,
                  prefix_cache_bytes=prefix_bytes).start()


@pytest.fixture(scope="module")
def engines(tiny, adapters):  # noqa: F811
    cached, plain = _engine(tiny, adapters, 64 * 2**20), _engine(tiny, adapters, 0)
    yield cached, plain
    cached.stop()
    plain.stop()


def _ids(tiny, messages):
    return tiny.tokenizer.apply_chat_template(messages, add_generation_prompt=True, return_dict=True)["input_ids"]


def _turns(prompt, answer=None):
    """The first turn's messages, or (with ``answer``) the conversation resent with a new question."""
    first = _messages(prompt)
    if answer is None:
        return first
    return first + [{"role": "assistant", "content": answer}, {"role": "user", "content": "Can you say it another way?"}]


def _ask(engine, tiny, student, messages, max_tokens=12):
    return engine.submit(EngineRequest(prompt_ids=_ids(tiny, messages), max_tokens=max_tokens, student_id=student))


def test_a_returning_students_next_turn_reuses_the_kv_and_answers_the_same(tiny, engines):
    cached, plain = engines
    students = [("s1", PROMPTS[0]), ("s2", PROMPTS[0]), (None, PROMPTS[2]), ("s3", PROMPTS[1])]
    first = {}
    for engine in (cached, plain):
        first[engine] = [f.text for _, f in (_ask(engine, tiny, s, _turns(p)).result(60)
                                             for s, p in students)]
    assert first[cached] == first[plain]
    before = cached.stats()
    # the next turns, together in one batch with a newcomer that has nothing cached (mixed: hits and a miss)
    nexts = [(s, _turns(p, a)) for (s, p), a in zip(students, first[cached])]
    nexts.append(("s1", _messages(PROMPTS[1])))
    got = {e: [st.result(60)[1].text for st in [_ask(e, tiny, s, m) for s, m in nexts]] for e in (cached, plain)}
    assert got[cached] == got[plain]  # greedy answers identical with and without the cache
    after = cached.stats()
    assert after["prefix_hits"] - before["prefix_hits"] >= len(students)
    # each reused at least the whole first prompt (system prompt, profile, the first question)
    assert after["prefix_tokens_reused"] - before["prefix_tokens_reused"] >= sum(
        len(_ids(tiny, _turns(p))) - 1 for s, p in students)
    assert plain.stats()["prefix_hits"] == 0


def test_the_kv_of_one_adapter_never_serves_another(tiny, engines):
    cached, plain = engines
    cached.forget_student("s2")  # nothing of s2's own left to reuse
    prompt = _messages("Tell me about the moon.")
    _ask(cached, tiny, "s1", prompt).result(60)
    misses = cached.stats()["prefix_misses"]
    hits = cached.stats()["prefix_hits"]
    got = _ask(cached, tiny, "s2", prompt).result(60)[1].text  # the same prompt, another student's adapter
    assert cached.stats()["prefix_misses"] == misses + 1 and cached.stats()["prefix_hits"] == hits
    assert got == _ask(plain, tiny, "s2", prompt).result(60)[1].text


def test_forget_clears_a_students_kv(tiny, engines):
    cached, _ = engines
    _ask(cached, tiny, "s3", _messages("What is a noun?")).result(60)
    assert any(k == ("s3", "1") for k in cached.prefix._entries)  # noqa: SLF001
    cached.forget_student("s3")
    _ask(cached, tiny, None, _messages("hello")).result(60)  # the loop applies the forget before admitting
    assert not any(k is not None and k[0] == "s3" for k in cached.prefix._entries)  # noqa: SLF001


def _kv(layers=2, heads=2, length=40, dim=8, seed=0):
    g = torch.Generator().manual_seed(seed)
    return ([torch.randn(heads, length, dim, generator=g) for _ in range(layers)],
            [torch.randn(heads, length, dim, generator=g) for _ in range(layers)])


def test_the_cache_is_bounded_by_bytes_lru_and_finds_the_longest_prefix():
    one = 2 * 2 * (2 * 40 * 8) * 4  # bytes of one entry: 2 layers x (keys, values) x heads x tokens x dim, fp32
    cache = PrefixCache(max_bytes=3 * one)
    for i in range(5):
        cache.store(("s", str(i)), list(range(i, i + 40)), *_kv(seed=i))
    assert cache.bytes <= 3 * one and cache.evictions == 2
    assert cache.lookup(("s", "0"), list(range(0, 40))) is None  # evicted (least recently used)
    found = cache.lookup(("s", "4"), list(range(4, 30)) + [999] * 10)
    assert found is not None and found[1] == 26  # the common prefix
    assert cache.lookup(("s", "4"), list(range(4, 4 + MIN_REUSE - 1)) + [999]) is None  # too short to pay
    cache.drop(("s", "4"))
    assert cache.lookup(("s", "4"), list(range(4, 44))) is None
    cache.forget("s")
    assert cache.bytes == 0


def test_a_prefill_from_cached_kv_equals_a_full_prefill(tiny):
    """Rows with different cached lengths and new parts, prefilled together from the cache: each row's
    logits equal its own full prefill's; the columns stay [padding][prefix][new] with no gap."""
    from serving.lora_bank import LoraBank

    model = copy.deepcopy(tiny.model)
    bank = LoraBank(model, slots=2)
    prompts = [_ids(tiny, _messages(PROMPTS[0])), _ids(tiny, _messages(PROMPTS[2])), _ids(tiny, _messages("Hi"))]
    cut = [5, 30, 2]  # tokens new since the cached prompt, per row
    cache, full = PrefixCache(2**30), []
    with torch.no_grad():
        bank.set_rows([0], tiny.device)
        hits = []
        for i, (prompt, new) in enumerate(zip(prompts, cut)):
            kv = DynamicCache(config=model.config)
            full.append(model(input_ids=torch.tensor([prompt]), past_key_values=kv, use_cache=True).logits[0, -1])
            keys, values = row_kv(kv, 0, len(prompt))
            cache.store(("s", str(i)), prompt[:-new], [k[:, :-new] for k in keys], [v[:, :-new] for v in values])
            entry, n = cache.lookup(("s", str(i)), prompt)
            assert n == len(prompt) - new
            hits.append((prompt, entry, n, 0))
        _, mask, pos, logits = prefill_cached(model, hits, tiny.tokenizer.pad_token_id, bank, tiny.device)
    for i, prompt in enumerate(prompts):
        torch.testing.assert_close(logits[i], full[i].float(), atol=1e-4, rtol=1e-4)
        assert int(pos[i]) == len(prompt) - 1 and int(mask[i].sum()) == len(prompt)
        row = mask[i].tolist()
        assert row == sorted(row)  # left padding only: no gap between the prefix and the new tokens


def test_a_long_prompt_is_prefilled_a_chunk_per_step_and_answers_the_same(tiny, adapters):  # noqa: F811
    """A prompt longer than the chunk joins a running batch a chunk per decode step; every answer is the
    one an engine without chunks (and without the cache) gives."""
    long_history = _messages(PROMPTS[1])
    for k in range(6):
        long_history += [{"role": "assistant", "content": f"Part {k}: leaves hold green chlorophyll."},
                         {"role": "user", "content": f"And then what happens in week {k}?"}]
    chunked = Engine(dataclasses.replace(tiny, model=copy.deepcopy(tiny.model)), LocalResolver(adapters),
                     max_batch=8, slots=4, prefill_chunk=16).start()
    plain = _engine(tiny, adapters, 0)
    plain.prefill_chunk = 0
    try:
        results = {}
        for engine in (chunked, plain):
            running = _ask(engine, tiny, "s1", _messages(PROMPTS[0]), max_tokens=40)
            assert next(running.events(60))[0] == "start"
            late = [_ask(engine, tiny, s, long_history, max_tokens=12) for s in ("s2", None)]
            results[engine] = [running.result(60)[1].text] + [st.result(60)[1].text for st in late]
        assert results[chunked] == results[plain]
        assert len(_ids(tiny, long_history)) > 4 * 16 and chunked.stats()["prefill_chunks"] >= 4
        assert plain.stats()["prefill_chunks"] == 0
    finally:
        chunked.stop()
        plain.stop()
