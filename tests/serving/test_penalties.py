"""Repetition penalties (issue 14 part 6): frequency/presence (OpenAI) and repetition (HF/CTRL) per row.

The math on crafted logits, row isolation in a batch on both decode steps (the native one and the PyTorch
model's), and the HTTP fields: refused with a 422 naming the field, passed through to the engine, the
server's default when left out."""

import copy
import dataclasses
import math

import pytest
import torch
from fastapi.testclient import TestClient

from serving import fastdecode
from serving.adapters import Choice
from serving.app import Service, build_server
from serving.engine import Engine, EngineRequest
from serving.penalties import Seen
from tests.conftest import make_settings
from tests.serving.test_row_isolation import PROMPTS, _ids, _together

LOGITS = [2.0, -1.0, 0.5, 3.0, -2.0, 0.0]
PROMPT = [0, 1]
GENERATED = [3, 3, 1]


def _penalised(frequency=0.0, presence=0.0, repetition=1.0, prompt=PROMPT, generated=GENERATED):
    req = EngineRequest(prompt_ids=list(prompt), max_tokens=8, frequency_penalty=frequency,
                        presence_penalty=presence, repetition_penalty=repetition)
    seen = Seen.of(req)
    for t in generated:
        seen.add(t)
    return seen.apply(torch.tensor(LOGITS)).tolist()


def _dense(frequency=0.0, presence=0.0, repetition=1.0, prompt=PROMPT, generated=GENERATED):
    """The definitions, token by token over the whole vocabulary."""
    out = []
    for t, x in enumerate(LOGITS):
        if t in prompt or t in generated:
            x = x / repetition if x > 0 else x * repetition
        count = generated.count(t)
        out.append(x - frequency * count - presence * (count > 0))
    return out


def test_each_penalty_on_positive_and_negative_logits():
    # repetition 2 on prompt+generated {0, 1, 3}: 2 -> 1, -1 -> -2, 3 -> 1.5; the rest untouched
    assert _penalised(repetition=2.0) == [1.0, -2.0, 0.5, 1.5, -2.0, 0.0]
    assert _penalised(repetition=0.5) == [4.0, -0.5, 0.5, 6.0, -2.0, 0.0]  # p < 1 encourages repeating
    # frequency over the GENERATED tokens only (3 twice, 1 once; the prompt's 0 is not counted)
    assert _penalised(frequency=0.5) == [2.0, -1.5, 0.5, 2.0, -2.0, 0.0]
    assert _penalised(presence=0.25) == [2.0, -1.25, 0.5, 2.75, -2.0, 0.0]
    assert _penalised(frequency=-1.0, presence=-2.0) == [2.0, 2.0, 0.5, 7.0, -2.0, 0.0]  # negative: encourage
    # all three: repetition first, then frequency and presence (vLLM's order)
    assert _penalised(0.5, 0.25, 2.0) == [1.0, -2.75, 0.5, 0.25, -2.0, 0.0]


@pytest.mark.parametrize("pen", [dict(frequency=1.3, presence=-0.7, repetition=1.7), dict(repetition=0.3),
                                 dict(frequency=2.0, generated=[5, 5, 5, 2, 0, 4]),
                                 dict(presence=1.0, prompt=[], generated=[1])])
def test_penalties_equal_the_dense_definition(pen):
    assert _penalised(**pen) == pytest.approx(_dense(**pen), abs=1e-6)


def test_no_penalty_leaves_the_row_alone_and_extremes_stay_finite():
    assert Seen.of(EngineRequest(prompt_ids=[1], max_tokens=1)) is None  # the engine's default: nothing to do
    assert Seen.of(EngineRequest(prompt_ids=[1], max_tokens=1, repetition_penalty=1.0)) is None
    huge = Seen.of(EngineRequest(prompt_ids=[0, 1], max_tokens=1, repetition_penalty=1e-300))
    out = huge.apply(torch.tensor([3e38, -3e38, 1.0]))
    assert torch.isfinite(out).all() and int(out.argmax()) == 0


@pytest.mark.parametrize("change, field", [
    (dict(frequency_penalty=2.5), "frequency_penalty"), (dict(frequency_penalty=math.nan), "frequency_penalty"),
    (dict(frequency_penalty="1"), "frequency_penalty"), (dict(presence_penalty=-2.01), "presence_penalty"),
    (dict(presence_penalty=True), "presence_penalty"), (dict(presence_penalty=math.inf), "presence_penalty"),
    (dict(repetition_penalty=0.0), "repetition_penalty"), (dict(repetition_penalty=2.5), "repetition_penalty"),
    (dict(repetition_penalty=-1.0), "repetition_penalty"), (dict(repetition_penalty=None), "repetition_penalty"),
])
def test_penalties_the_engine_cannot_run_are_refused_at_submit(tiny, change, field):
    engine = Engine(dataclasses.replace(tiny, model=copy.deepcopy(tiny.model)), None, max_batch=2, slots=2,
                    native_decode=False)
    try:
        with pytest.raises(ValueError, match=field):
            engine.submit(EngineRequest(prompt_ids=_ids(tiny, PROMPTS[0]), max_tokens=4, **change))
    finally:
        engine.stop()


# -- in the engine: per row, both decode steps ------------------------------------------------------

HEAVY = dict(repetition_penalty=1.8, frequency_penalty=1.5, presence_penalty=0.5)


@pytest.fixture(params=["native", "pytorch"])
def engine(request, tiny):
    if request.param == "native" and (tiny.device.type != "cpu" or fastdecode.library() is None):
        pytest.skip(f"no native decode step here ({fastdecode.library_error()})")
    eng = Engine(dataclasses.replace(tiny, model=copy.deepcopy(tiny.model)), None, max_batch=8, slots=2,
                 native_decode=request.param == "native")
    assert eng.stats()["decode"] == request.param
    yield eng
    eng.stop()


def _req(tiny, prompt, **kw):
    return EngineRequest(prompt_ids=_ids(tiny, prompt), max_tokens=24, ignore_eos=True, **kw)


def test_penalised_rows_in_a_batch_answer_as_alone_and_leave_the_others_alone(tiny, engine):
    """Row A penalised, row B not, greedy: in one batch each gives the tokens it gives alone; the penalties
    act (A's answer differs from A unpenalised) and a sampled penalised row with a seed is reproducible."""
    a, b = _req(tiny, PROMPTS[0], **HEAVY), _req(tiny, PROMPTS[0])
    c, d = _req(tiny, PROMPTS[1], frequency_penalty=0.8), _req(tiny, PROMPTS[2], temperature=0.9, seed=5, **HEAVY)
    batch = _together(engine, [a, b, c, d])
    for req, (_, done) in zip([a, b, c, d], batch):
        _, alone = engine.generate(req, timeout=120)
        assert (done.text, done.completion_tokens) == (alone.text, alone.completion_tokens)
    assert batch[0][1].text != batch[1][1].text  # the same prompt, penalised or not


def test_native_and_pytorch_steps_choose_alike_with_penalties(tiny):
    if tiny.device.type != "cpu" or fastdecode.library() is None:
        pytest.skip(f"no native decode step here ({fastdecode.library_error()})")
    reqs = [_req(tiny, PROMPTS[0], **HEAVY), _req(tiny, PROMPTS[1], repetition_penalty=1.3),
            _req(tiny, PROMPTS[2], presence_penalty=1.0), _req(tiny, PROMPTS[0])]
    texts = {}
    for native in (True, False):
        eng = Engine(dataclasses.replace(tiny, model=copy.deepcopy(tiny.model)), None, max_batch=8, slots=2,
                     native_decode=native)
        try:
            texts[native] = [done.text for _, done in _together(eng, reqs)]
        finally:
            eng.stop()
    assert texts[True] == texts[False]


def test_a_row_whose_penalties_fail_ends_alone(tiny, engine, monkeypatch):
    """A penalty that raises for one row (a broken state) ends that row with the error; the others go on."""
    bad, good = _req(tiny, PROMPTS[0], presence_penalty=0.01), _req(tiny, PROMPTS[1], **HEAVY)
    real = Seen.apply

    def apply(self, logits):
        if self.presence == 0.01:
            raise RuntimeError("broken penalty state")
        return real(self, logits)

    monkeypatch.setattr(Seen, "apply", apply)
    (_, failed), (_, done) = _together(engine, [bad, good])
    assert failed.finish_reason == "error" and "broken penalty state" in failed.error
    assert done.finish_reason == "length" and done.text == engine.generate(good, timeout=120)[1].text


# -- HTTP ------------------------------------------------------------------------------------------

CTX = {"student_id": "kid-1", "grade": 4}
MSG = [{"role": "user", "content": "What is 3/4 of 12?"}]


class BaseOnly:
    """No registry here: every student is served by the base model."""

    def resolve(self, student_id):
        return None

    def choose(self, student_id):
        return Choice(None, None, "base model: no registry in this test")

    def forget(self, student_id):
        return []


@pytest.fixture(scope="module")
def app(tmp_path_factory, model_cache):
    settings = make_settings(tmp_path_factory.mktemp("penalties"), model_cache=model_cache, max_new_tokens=16,
                             mlflow_tracking_uri="http://127.0.0.1:9", s3_endpoint_url="http://127.0.0.1:9",
                             default_repetition_penalty=1.25)
    service = Service(settings)
    service.load()
    assert service.ready, service.error
    service.engine.resolver = BaseOnly()
    yield TestClient(build_server(settings, service).app, raise_server_exceptions=False), service
    service.engine.stop()


BAD = [("frequency_penalty", 2.5), ("frequency_penalty", "0.5"), ("frequency_penalty", True),
       ("presence_penalty", -3), ("presence_penalty", [1]), ("repetition_penalty", 0),
       ("repetition_penalty", 2.01), ("repetition_penalty", "1.1"), ("repetition_penalty", -1.0)]


@pytest.mark.parametrize("field, value", BAD)
def test_http_refuses_bad_penalties_naming_the_field(app, field, value):
    client, _ = app
    for path, body in (("/v1/generate", {"prompt": "hi", "context": CTX}),
                       ("/v1/chat/completions", {"model": "aivo-brain", "user": "kid-1", "messages": MSG})):
        r = client.post(path, json={**body, field: value})
        assert r.status_code == 422, (path, r.text)
        assert r.json()["error"]["param"] == field, (path, r.json())
    r = client.post("/v1/generate", content=f'{{"prompt": "hi", "context": {{"student_id": "k", "grade": 4}}, '
                    f'"{field}": NaN}}', headers={"content-type": "application/json"})
    assert r.status_code == 422


def test_http_passes_penalties_through_and_defaults_from_settings(app, monkeypatch):
    client, service = app
    sent = []
    real = service.engine.submit

    def submit(request, loop=None):
        sent.append(request)
        return real(request, loop)

    monkeypatch.setattr(service.engine, "submit", submit)
    asked = {"frequency_penalty": 0.5, "presence_penalty": -0.25, "repetition_penalty": 1}
    for path, body in (("/v1/generate", {"prompt": "hi", "context": CTX, "max_tokens": 4, "temperature": 0}),
                       ("/v1/chat/completions", {"model": "aivo-brain", "user": "kid-1", "messages": MSG,
                                                 "max_tokens": 4, "temperature": 0})):
        for extra, want in ((asked, (0.5, -0.25, 1)), ({}, (0.0, 0.0, 1.25)),
                            ({"frequency_penalty": None, "repetition_penalty": None}, (0.0, 0.0, 1.25))):
            sent.clear()
            r = client.post(path, json={**body, **extra})
            assert r.status_code == 200, r.text
            req = sent[-1]
            assert (req.frequency_penalty, req.presence_penalty, req.repetition_penalty) == want, (path, extra)


def test_openapi_describes_the_penalties(app):
    client, _ = app
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    for model in ("GenerationRequest", "ChatCompletionRequest"):
        props = schemas[model]["properties"]
        for field, low in (("frequency_penalty", "minimum"), ("presence_penalty", "minimum"),
                           ("repetition_penalty", "exclusiveMinimum")):
            number = next(s for s in props[field]["anyOf"] if s.get("type") == "number")
            assert number[low] in (-2.0, 0.0) and number["maximum"] == 2.0 and props[field]["description"]
