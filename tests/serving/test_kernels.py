"""Serving kernels: packed Linear weights and fused RMSNorm change speed, never answers."""

import copy

import pytest
import torch

from serving.kernels import FusedRMSNorm, PackedLinear, fuse_norms, pack_linears, packed_enabled


@pytest.fixture(scope="module")
def model(tiny):
    return tiny.model


def _logits(model, ids):
    with torch.no_grad():
        return model(input_ids=ids).logits


def test_packed_and_fused_model_gives_the_same_logits_and_keeps_tied_weights(tiny, model):
    ids = torch.tensor([[1, 20, 300, 4000, 5], [7, 8, 9, 10, 11]], device=tiny.device)
    served = copy.deepcopy(model)
    packed = pack_linears(served)
    norms = fuse_norms(served)
    assert norms == 2 * model.config.num_hidden_layers + 1  # two per layer and the final norm
    if packed_enabled(tiny.device, tiny.dtype):
        assert packed == len([m for m in model.modules() if type(m) is torch.nn.Linear])
        assert isinstance(served.lm_head, PackedLinear)
        assert served.lm_head.weight is served.model.embed_tokens.weight  # still tied: one copy of the embedding
    assert all(isinstance(m, FusedRMSNorm) for n, m in served.named_modules() if n.endswith("norm"))
    tol = dict(atol=2e-4, rtol=1e-4) if tiny.dtype == torch.float32 else dict(atol=3e-2, rtol=2e-2)
    torch.testing.assert_close(_logits(served, ids), _logits(model, ids), **tol)


def test_packed_linear_falls_back_to_autograd_when_gradients_are_wanted(tiny):
    if not packed_enabled(torch.device("cpu"), torch.float32):
        pytest.skip("no oneDNN on this build")
    linear = torch.nn.Linear(16, 8)
    packed = PackedLinear(linear)
    x = torch.randn(3, 16, requires_grad=True)
    packed(x).sum().backward()  # the packed op has no backward: this must take F.linear
    expected = torch.nn.Linear(16, 8)
    expected.load_state_dict(linear.state_dict())
    x2 = x.detach().clone().requires_grad_(True)
    expected(x2).sum().backward()
    torch.testing.assert_close(x.grad, x2.grad)
    assert linear.weight.grad is not None
    with torch.no_grad():
        torch.testing.assert_close(packed(x), linear(x), atol=1e-5, rtol=1e-5)


def test_switches_turn_the_kernels_off(tiny, model, monkeypatch):
    monkeypatch.setenv("AIVO_SERVING_PACKED", "off")
    monkeypatch.setenv("AIVO_SERVING_FUSED_NORM", "off")
    served = copy.deepcopy(model)
    assert pack_linears(served) == 0 and fuse_norms(served) == 0
    assert not any(isinstance(m, (PackedLinear, FusedRMSNorm)) for m in served.modules())
