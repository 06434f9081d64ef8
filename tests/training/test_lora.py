"""LoRA training on the shared base: assistant-only loss, learning, seeding, release, save/reload."""

from __future__ import annotations

import json

import pytest
import torch
from peft import PeftModel
from peft.tuners.tuners_utils import BaseTunerLayer
from safetensors import safe_open
from safetensors.torch import load_file

from brain.prompts import chat_ids
from tests.training.conftest import make_baseline
from training import data, lora
from training.shared_prefix import greedy_generate, summed_nll

FAST = lora.LoraRecipe(epochs=2, batch_size=4, learning_rate=1e-2)


@pytest.fixture(scope="module")
def cloned():
    """(train, held-out) conversations of the test baseline."""
    b = make_baseline()
    train, heldout = data.split_items(b)
    # Hand-written targets: the random model's own answers are empty.
    def rows(items):
        return [data.student_messages(b.student, i) + [{"role": "assistant", "content":
                f"You wrote {i.student_answer}. Count again: {i.correct_answer}."}] for i in items]
    return rows(train), rows(heldout)


def _prompt(base, messages) -> torch.Tensor:
    """The endpoint's prompt ids as a batch of one on the model's device."""
    return torch.tensor([chat_ids(base.tokenizer, messages)], device=base.device)


def _logits(model, ids):
    with torch.inference_mode():
        return model(input_ids=ids).logits


def _pristine(base):
    assert not any(isinstance(m, BaseTunerLayer) for m in base.model.modules())
    assert not base.model.training


def test_labels_cover_only_the_assistant_turn(base, cloned):
    messages = cloned[0][0]
    ids, labels = lora.encode_example(base.tokenizer, messages)
    prompt = chat_ids(base.tokenizer, messages[:-1])  # what the endpoint feeds the model
    assert ids[: len(prompt)] == prompt
    assert all(y == -100 for y in labels[: len(prompt)])
    answer = [y for y in labels if y != -100]
    assert ids[len(prompt):] == answer
    assert base.tokenizer.decode(answer) == messages[-1]["content"] + "<|im_end|>"  # learns to stop, nothing after
    short_ids, short_labels = lora.encode_example(base.tokenizer, messages, max_length=len(prompt) + 3)
    assert len(short_ids) == len(prompt) + 3 and sum(y != -100 for y in short_labels) == 3


def test_shared_prefix_forward_equals_a_plain_forward(base, cloned):
    rows = [lora.encode_example(base.tokenizer, m) for m in cloned[0][:3]]
    nll, count = summed_nll(base.model, rows, base.tokenizer.pad_token_id, base.device)
    total, n = 0.0, 0
    with torch.no_grad():
        for ids, labels in rows:
            out = base.model(input_ids=torch.tensor([ids], device=base.device),
                             labels=torch.tensor([labels], device=base.device))
            k = sum(y != -100 for y in labels[1:])
            total, n = total + float(out.loss) * k, n + k
    rel = 1e-5 if base.dtype == torch.float32 else 2e-2  # bf16 on a GPU: another summation order, coarser rounding
    assert count == n and float(nll.detach()) == pytest.approx(total, rel=rel)

    prompts = [chat_ids(base.tokenizer, m[:-1]) for m in cloned[0][:3]]
    batched = greedy_generate(base.model, prompts, 6, base.tokenizer.eos_token_id,
                              base.tokenizer.pad_token_id, base.device)
    for p, (new, _) in zip(prompts, batched):
        alone = greedy_generate(base.model, [p], 6, base.tokenizer.eos_token_id,
                                base.tokenizer.pad_token_id, base.device)
        hf = base.model.generate(torch.tensor([p], device=base.device),
                                 attention_mask=torch.ones(1, len(p), dtype=torch.long, device=base.device),
                                 max_new_tokens=6, do_sample=False, pad_token_id=base.tokenizer.pad_token_id)
        assert new == alone[0][0] == [t for t in hf[0, len(p):].tolist() if t != base.tokenizer.eos_token_id]


def test_training_lowers_the_loss_and_reports_progress(base, cloned):
    from training.evaluate import eval_loss

    train, _ = cloned
    before = eval_loss(base.model, base.tokenizer, train, base.device)
    seen = []
    # The random 2-layer model moves slowly: a high learning rate and 8 epochs (0.44 nats measured).
    trained = lora.train_adapter(base, train, lora.LoraRecipe(epochs=8, batch_size=4, learning_rate=3e-2),
                                 progress=lambda step, total, loss: seen.append((step, total, loss)))
    try:
        after = eval_loss(trained.model, base.tokenizer, train, base.device)
        steps = 8 * -(-len(train) // 4)
        assert [s for s, _, _ in seen] == list(range(1, steps + 1)) and {t for _, t, _ in seen} == {steps}
        assert [loss for _, _, loss in seen] == trained.losses
        assert trained.losses[-1] < trained.losses[0] and after < before - 0.2
        assert trained.examples == len(train) and trained.trainable_params > 0 and trained.seconds > 0
    finally:
        lora.release(trained)
    _pristine(base)


def test_same_seed_gives_identical_weights(base, cloned):
    states = []
    for k, seed in enumerate((0, 0, 1)):
        torch.manual_seed(100 + k)  # the process-wide RNG plays no part (cohorts train in threads)
        trained = lora.train_adapter(base, cloned[0], lora.LoraRecipe(epochs=2, batch_size=4, learning_rate=1e-2,
                                                                       seed=seed))
        lora.release(trained)
        states.append(lora.adapter_state(trained))
    assert states[0].keys() == states[2].keys() and len(states[0]) == 8  # 2 layers x (q, v) x (A, B)
    assert all(torch.equal(states[0][k], states[1][k]) for k in states[0])
    assert not all(torch.equal(states[0][k], states[2][k]) for k in states[0])


def test_release_gives_back_a_bit_identical_base(base, cloned):
    ids = _prompt(base, cloned[1][0][:-1])
    flags = {n: p.requires_grad for n, p in base.model.named_parameters()}
    before = _logits(base.model, ids)
    trained = lora.train_adapter(base, cloned[0], FAST)
    assert not torch.equal(_logits(trained.model, ids), before)  # the adapter changes the outputs
    with pytest.raises(RuntimeError, match="release"):
        lora.train_adapter(base, cloned[0], FAST)  # one clone at a time on a base
    returned = lora.release(trained)
    assert returned is base.model and lora.release(trained) is base.model  # idempotent
    _pristine(base)
    assert torch.equal(_logits(base.model, ids), before)
    assert {n: p.requires_grad for n, p in base.model.named_parameters()} == flags


def test_a_failed_training_leaves_no_adapter_behind(base, cloned):
    ids = _prompt(base, cloned[1][0][:-1])
    before = _logits(base.model, ids)

    def interrupt(step, total, loss):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        lora.train_adapter(base, cloned[0], FAST, progress=interrupt)
    _pristine(base)
    assert torch.equal(_logits(base.model, ids), before)
    lora.release(lora.train_adapter(base, cloned[0], FAST))  # the next clone can train


def test_saved_adapter_reloads_with_the_same_logits(base, cloned, tmp_path):
    ids = _prompt(base, cloned[1][0][:-1])
    trained = lora.train_adapter(base, cloned[0], FAST)
    live = _logits(trained.model, ids)
    paths = lora.save_adapter(trained, tmp_path / "adapter")
    lora.release(trained)
    assert [p.name for p in paths] == ["adapter_config.json", "adapter_model.safetensors"]
    config = json.loads(paths[0].read_text())
    assert config["r"] == 8 and sorted(config["target_modules"]) == ["q_proj", "v_proj"]
    assert config["peft_type"] == "LORA" and config["base_model_name_or_path"] == "tiny-random"

    reloaded = PeftModel.from_pretrained(base.model, str(tmp_path / "adapter"))
    try:
        # stored in fp16: the same logits up to fp16 rounding of the LoRA weights, the same next tokens
        got = _logits(reloaded, ids)
        if base.dtype == torch.float32:
            assert torch.allclose(got, live, atol=1e-3) and torch.equal(got.argmax(-1), live.argmax(-1))
        else:  # bf16 on a GPU: the fp16-stored LoRA weights meet bf16 rounding of the activations
            assert torch.allclose(got.float(), live.float(), atol=5e-2)
    finally:
        reloaded.unload()
    # Saving after release writes the same weights (the header's key order may differ).
    again = lora.save_adapter(trained, tmp_path / "again")
    first, second = load_file(paths[1]), load_file(again[1])
    assert first.keys() == second.keys() and all(torch.equal(first[k], second[k]) for k in first)
    with safe_open(again[1], "pt") as fh:
        assert fh.metadata()["base_model"] == "tiny-random"
