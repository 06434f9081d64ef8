"""The native decode step (serving/fastdecode.py + csrc/decode.c) against the PyTorch model's own step."""

import copy
import os

import pytest
import torch
from transformers import DynamicCache, LlamaConfig, LlamaForCausalLM

from serving import fastdecode
from serving.fastdecode import FastDecoder
from serving.kernels import fuse_norms, pack_linears
from serving.lora_bank import AdapterWeights, LoraBank
from serving import weight_precision
from serving.weight_precision import dequantize, on_grid, quantize, stored_bytes

pytestmark = pytest.mark.skipif(fastdecode.library() is None,
                                reason=f"no native decode library here: {fastdecode.library_error()}")

SHAPES = {
    # SmolLM2's proportions, small: every size a multiple of 16 (the vector kernel's main loop only)
    "aligned": dict(hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=4,
                    num_key_value_heads=2),
    # sizes that are not multiples of 16 or of the 16-row blocks (the tails), one KV head, biases
    "odd": dict(hidden_size=40, intermediate_size=72, num_hidden_layers=3, num_attention_heads=5,
                num_key_value_heads=1, attention_bias=True, mlp_bias=True),
}


def _model(shape: str) -> LlamaForCausalLM:
    config = LlamaConfig(vocab_size=97, max_position_embeddings=512, tie_word_embeddings=True, **SHAPES[shape])
    with torch.random.fork_rng():
        torch.manual_seed(0)
        model = LlamaForCausalLM(config).eval()
        for name, p in model.named_parameters():
            if name.endswith("bias") or "norm" in name:  # non-trivial biases and norm weights
                p.data.uniform_(-0.5, 1.5 if "norm" in name else 0.5)
    return model


def _adapter(model, rank: int, seed: int, names: list[str]) -> AdapterWeights:
    g = torch.Generator().manual_seed(seed)
    layers = {}
    for name in names:
        mod = model.get_submodule(name)
        base = getattr(mod, "base", mod)
        layers[name] = (torch.randn(rank, base.in_features, generator=g) * 0.3,
                        torch.randn(base.out_features, rank, generator=g) * 0.3)
    return AdapterWeights(rank=rank, layers=layers)


def _prefill(model, lengths, vocab):
    width = max(lengths)
    g = torch.Generator().manual_seed(1)
    ids = torch.zeros(len(lengths), width, dtype=torch.long)
    mask = torch.zeros_like(ids)
    for i, n in enumerate(lengths):
        ids[i, width - n:] = torch.randint(0, vocab, (n,), generator=g)
        mask[i, width - n:] = 1
    pos = (mask.cumsum(-1) - 1).clamp(min=0)
    caches = []
    for _ in range(2):
        cache = DynamicCache(config=model.config)
        logits = model(input_ids=ids, attention_mask=mask, position_ids=pos, past_key_values=cache,
                       use_cache=True).logits[:, -1]
        caches.append(cache)
    return caches, mask, pos[:, -1], logits


def _drop(cache, mask, pos, keep):
    index = torch.tensor(keep)
    mask = mask.index_select(0, index)
    start = int((mask.sum(0) > 0).nonzero()[0])
    for layer in cache.layers:
        layer.keys = layer.keys.index_select(0, index)[:, :, start:]
        layer.values = layer.values.index_select(0, index)[:, :, start:]
    return mask[:, start:], pos.index_select(0, index)


# int8 at the served group size (64: one group or two, the second shorter than a vector, in these shapes), at
# 16 (several groups per row, the last one short) and at one scale per row (a group wider than any row)
@pytest.mark.parametrize("precision, group", [("fp32", None), ("bf16", None), ("int8", None), ("int8", 16),
                                              ("int8", 4096)], ids=["fp32", "bf16", "int8", "int8-g16", "int8-row"])
@pytest.mark.parametrize("shape", sorted(SHAPES))
@torch.no_grad()
def test_native_step_equals_the_pytorch_step(shape, precision, group, monkeypatch):
    """Rows of different lengths and adapters (one on the base), a row leaving mid-way, cache buffers made
    again every few steps: the native step's logits equal the PyTorch model's, step after step. At bf16 and
    int8 the reference is the PyTorch model on the weights those precisions store (weight-only: the LoRA
    deltas, norms, attention and the KV cache stay float32, so nothing else may differ)."""
    monkeypatch.setattr(fastdecode, "SPARE_COLUMNS", 3)
    if group is not None:
        monkeypatch.setattr(weight_precision, "INT8_GROUP", group)
    model = on_grid(_model(shape), precision)
    pack_linears(model)
    fuse_norms(model)
    bank = LoraBank(model, slots=4, rank=2)
    bank.write(1, _adapter(model, 2, 1, ["model.layers.0.self_attn.q_proj", "model.layers.0.self_attn.v_proj",
                                         "model.layers.1.mlp.down_proj"]))
    decoder = FastDecoder.build(model, bank, precision)
    assert decoder is not None and decoder.weights == precision
    # written after the decoder was built: a new wrapped layer and a bank grown to rank 4 are picked up
    bank.write(2, _adapter(model, 4, 2, ["model.layers.0.self_attn.q_proj", "model.layers.1.self_attn.o_proj",
                                         "model.layers.1.mlp.gate_proj", "model.layers.0.mlp.up_proj"]))
    slots = [1, 2, 0]
    (ref_cache, cache), mask, pos, logits = _prefill(model, [5, 9, 2], model.config.vocab_size)
    tokens = logits.argmax(-1)
    adapters_changed_logits = False
    for step in range(12):
        if step == 6:  # the middle row finishes: both caches drop it
            mask_ref, _ = _drop(ref_cache, mask, pos, [0, 2])
            mask, pos = _drop(cache, mask, pos, [0, 2])
            assert torch.equal(mask_ref, mask)
            slots, tokens = [1, 0], tokens[[0, 2]]
        mask = torch.cat([mask, mask.new_ones(len(slots), 1)], dim=1)
        pos = pos + 1
        bank.set_rows(slots, torch.device("cpu"))
        ref = model(input_ids=tokens[:, None], attention_mask=mask, position_ids=pos[:, None],
                    past_key_values=ref_cache, use_cache=True).logits[:, -1]
        got = decoder.step(tokens, pos, mask, cache, bank.rows.slots)
        torch.testing.assert_close(got, ref, atol=2e-5, rtol=1e-4)
        assert cache.layers[0].keys.shape == ref_cache.layers[0].keys.shape
        if step == 0:
            bank.set_rows([0] * len(slots), torch.device("cpu"))
            plain = decoder.step(tokens, pos, mask, _before_last(ref_cache), bank.rows.slots)
            adapters_changed_logits = not torch.allclose(plain[:2], got[:2], atol=1e-3)
            torch.testing.assert_close(plain[2], got[2], atol=2e-5, rtol=1e-4)  # slot 0: the base model
        tokens = ref.argmax(-1)
    assert adapters_changed_logits  # the LoRA rows really differ from the base
    assert decoder.steps == 13


@torch.no_grad()
def test_reduced_weights_are_what_the_step_reads():
    """On weights off the bf16/int8 grids, a reduced step reads fewer bytes and its logits move away from the
    fp32 step's by about what rounding the weights moves them, no more (the step reads its own copy)."""
    model = _model("aligned")
    (cache, _), mask, pos, logits = _prefill(model, [6], model.config.vocab_size)
    mask = torch.cat([mask, mask.new_ones(1, 1)], dim=1)
    tokens, pos, slots = logits.argmax(-1), pos + 1, torch.zeros(1, dtype=torch.long)
    got, size = {}, {}
    for precision in ("fp32", "bf16", "int8"):
        decoder = FastDecoder.build(model, None, precision)
        got[precision] = decoder.step(tokens, pos, mask, copy.deepcopy(cache), slots)
        size[precision] = decoder.weight_bytes
        reference = on_grid(model, precision)
        want = reference(input_ids=tokens[:, None], attention_mask=mask, position_ids=pos[:, None],
                         past_key_values=copy.deepcopy(cache), use_cache=True).logits[:, -1]
        torch.testing.assert_close(got[precision], want, atol=2e-5, rtol=1e-4)
    assert size["bf16"] * 2 == size["fp32"] and size["int8"] < size["fp32"] / 3.5
    for precision in ("bf16", "int8"):
        assert (got[precision] - got["fp32"]).abs().max() > 1e-4  # really reduced
    assert FastDecoder.build(model, None, "auto").weights in ("fp32", "int8")
    with pytest.raises(ValueError, match="AIVO_SERVING_WEIGHTS must be one of"):
        FastDecoder.build(model, None, "int4")


def test_int8_scales_are_per_group_of_a_row():
    """One outlier costs precision only in its own group of 64 weights: the rest of its row keeps a fine
    grid. The last group of a row may be shorter; its scale is its own maximum."""
    g = torch.Generator().manual_seed(0)
    w = torch.randn(3, 150, generator=g) * 0.02
    w[0, 5] = 4.0  # an outlier in row 0, group 0
    q, scale = quantize(w, "int8")
    assert q.dtype == torch.int8 and q.shape == w.shape and scale.shape == (3, 3)  # 150 = 64 + 64 + 22
    torch.testing.assert_close(scale[:, 2], w[:, 128:].abs().amax(1) / 127)
    err = (dequantize(w, "int8") - w).abs()
    assert err[0, :64].max() > 0.005  # the outlier's group: steps of 4 / 127
    assert err[0, 64:].max() < 0.0005 and err[1:].max() < 0.0005  # every other group: steps of ~0.06 / 127
    assert err.max() <= scale.max() / 2 + 1e-7
    assert stored_bytes(w, "int8") == 3 * 150 + 3 * 3 * 4 and stored_bytes(w, "bf16") == 3 * 150 * 2


def _before_last(cache):
    """A copy of the cache without its last column (the state before the step that wrote it)."""
    out = copy.deepcopy(cache)
    for layer in out.layers:
        layer.keys, layer.values = layer.keys[:, :, :-1].contiguous(), layer.values[:, :, :-1].contiguous()
    return out


def test_where_the_native_step_does_not_apply(monkeypatch):
    model = _model("aligned")
    assert FastDecoder.unsupported(model) is None
    assert "bfloat16" in FastDecoder.unsupported(_model("aligned").to(torch.bfloat16))
    monkeypatch.setenv("AIVO_SERVING_FASTDECODE", "off")
    assert FastDecoder.build(model) is None
    monkeypatch.delenv("AIVO_SERVING_FASTDECODE")
    # no compiler: the library is not built, the engine serves with the PyTorch model
    monkeypatch.setattr(fastdecode, "_compiler", lambda: None)
    with pytest.raises(RuntimeError, match="no C compiler"):
        fastdecode._build()
    monkeypatch.setattr(fastdecode, "_lib", None)
    monkeypatch.setattr(fastdecode, "_lib_error", None)
    assert FastDecoder.build(model) is None
    assert "no C compiler" in fastdecode.library_error()


def test_library_is_built_once_into_the_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("AIVO_KERNEL_CACHE", str(tmp_path))
    fastdecode._build()
    built = list(tmp_path.iterdir())
    assert len(built) == 1 and built[0].suffix == ".so"  # no temporary file left behind
    stamp = os.stat(built[0]).st_mtime_ns
    fastdecode._build()
    assert list(tmp_path.iterdir()) == built and os.stat(built[0]).st_mtime_ns == stamp
