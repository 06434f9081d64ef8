"""A Spanish self-harm disclosure gets the Spanish support answer (988's Spanish service) on every
generating route, without a model call (in-process app, tiny model, as tests/serving/test_safety_routes.py)."""

import json

import pytest

from brain.safety.escalation import LISTENERS
from brain.safety.messages import LANGUAGE_MESSAGES
from tests.serving.test_safety_routes import ROUTES, _body_with, _text_of
from tests.serving.offline import offline_service

DISCLOSURE = "me quiero morir, ya no aguanto"
GENERATING = ["generate", "generate_stream", "chat", "chat_stream"]


@pytest.fixture(scope="module")
def served(tmp_path_factory, model_cache):
    with offline_service(tmp_path_factory, model_cache, "safety-languages") as pair:
        yield pair


@pytest.mark.parametrize("name", GENERATING)
def test_spanish_self_harm_gets_the_spanish_support_without_a_model_call(served, name, monkeypatch):
    client, service = served
    calls, events = [], []

    def no_generation(*args, **kwargs):
        calls.append(args)
        raise AssertionError("the model was called for a blocked input")

    monkeypatch.setattr(service.engine, "submit", no_generation)
    LISTENERS.append(events.append)
    try:
        path, body, streamed = _body_with(name, DISCLOSURE)
        text, _ = _text_of(name, client, path, body, streamed)
    finally:
        LISTENERS.remove(events.append)
    assert text == LANGUAGE_MESSAGES["es"]["self_harm"]
    assert "988" in text and "español" in text
    assert not calls
    assert events and "self_harm" in events[0].categories


def test_the_generating_routes_are_all_here():
    assert set(GENERATING) | {"assess"} == set(ROUTES)


def test_moderate_reports_the_language(served):
    client, service = served
    verdict = service.moderator.check("¿me das tu número de teléfono?")
    assert verdict.language == "es" and "personal_info" in verdict.categories
    assert json.dumps(verdict.to_dict()) and verdict.to_dict()["language"] == "es"
