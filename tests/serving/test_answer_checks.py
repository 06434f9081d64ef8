"""Checked answers (issue 14 part 4): an answer that fails a detector is regenerated, then replaced by
the verified fallback, on every generating route; a streamed answer never emits a failing sentence.

The core (serving/answer_check.py) is tested with fake generate functions; the routes with the tiny
model's app and the engine's output faked (FakeEngine below), so the text of each try is known.
"""

import asyncio
import json

import pytest

from brain.schemas import StudentProfile
from serving.answer_check import SIMPLER, Checker, SentenceGate, checked, stats
from serving.answer_item import item_for
from tests.serving.offline import offline_service

P4 = StudentProfile(student_id="kid-1", grade=4)
FRACTIONS = "What is 3/4 + 1/8?"
REVEAL = "Make eighths first. The answer is 7/8."
GOOD = "Make eighths first. What is 3/4 written in eighths?"


def tutor_checker(prompt=FRACTIONS, profile=P4, mode="tutor"):
    return Checker(item_for(prompt, profile, mode), mode, profile=profile)


def run(coro):
    return asyncio.run(coro)


# -- the item of a request ----------------------------------------------------------------------------

@pytest.mark.parametrize("prompt, answer, student, subject", [
    ("I got 4/12 for 3/4 + 1/8. Can you help?", "7/8", "4/12", "math"),
    ("What is 20% of 50?", "10", None, "math"),
    ("Solve 2x + 3 = 11", "4", None, "math"),
    ("What is 7 x 8? I think it is 54", "56", "54", "math"),
    ("What is the plural of mouse?", "mice", None, "ela"),
    ("What's the past tense of go? I wrote goed.", "went", "goed", "ela"),
    ("What does 'reluctant' mean?", None, None, "ela"),
    ("Tell me about frogs.", None, None, None),
])
def test_the_item_of_a_request(prompt, answer, student, subject):
    item = item_for(prompt, P4, "tutor")
    assert (item.answer, item.student_answer, item.subject, item.grade) == (answer, student, subject, 4)


# -- ELA at serving time: the answer derived, or the answer's shape read -----------------------------

@pytest.mark.parametrize("prompt, mode, text, detector", [
    ("What is the plural of mouse? I wrote mouses.", "tutor", "Good try! The plural of mouse is mice.", "reveal"),
    ("What is the plural of sheep?", "explain", "The plural of sheep is sheeps.", "wrong_form"),
    ("What's the past tense of go?", "explain", "That's a great question! The past tense of go is goed.",
     "wrong_form"),
    ("What does 'reluctant' mean?", "tutor", "Reluctant means you do not want to do something.", "tells"),
    ("Which is correct: 'Me and Sam played' or 'Sam and I played'?", "tutor", "'Sam and I played' is correct.",
     "tells"),
    ("A bus has 40 seats and 13 are empty. How many people are on it?", "tutor",
     "No worries! The correct answer is 27 people.", "tells"),
    ("Is 0.25 bigger than 0.3?", "explain", "Yes! 0.25 is bigger because 25 is more than 3.", "wrong_comparison"),
])
def test_ela_and_word_problem_answers_are_checked_without_a_given_answer(prompt, mode, text, detector):
    found = tutor_checker(prompt, mode=mode).findings(text)
    assert detector in [f.detector for f in found]


@pytest.mark.parametrize("prompt, mode, text", [
    ("What is the plural of mouse? I wrote mouses.", "tutor",
     "Mouse is a special noun. Its plural changes the vowel. What could it be?"),
    ("What is the plural of sheep?", "explain", "The plural of sheep is sheep: it does not change."),
    ("What does 'reluctant' mean?", "tutor", "Look at the sentence it is in. How did the person feel about going?"),
])
def test_guiding_and_correct_ela_answers_pass(prompt, mode, text):
    assert tutor_checker(prompt, mode=mode).findings(text) == []


def test_a_defined_word_is_regenerated_then_replaced_by_a_hint():
    async def regenerate(attempt, extra):
        return "Reluctant is when you do not want to do something."

    checker = tutor_checker("What does 'reluctant' mean?")
    text, quality = run(checked("Reluctant means unwilling.", checker, regenerate))
    assert quality["retries"] == 2 and quality["fallback"] and text.strip().endswith("?")
    assert not checker.findings(text) and "unwilling" not in text


# -- the core loop --------------------------------------------------------------------------------------

def test_a_good_answer_passes_untouched():
    calls = []

    async def regenerate(attempt, extra):
        calls.append(attempt)
        return REVEAL

    text, quality = run(checked(GOOD, tutor_checker(), regenerate))
    assert text == GOOD and not calls
    assert quality["retries"] == 0 and not quality["fallback"] and quality["findings"] == []
    assert "reveal" in quality["checks"] and "level" in quality["checks"]


def test_a_failing_answer_is_regenerated_until_it_passes():
    tries = []

    async def regenerate(attempt, extra):
        tries.append((attempt, extra))
        return REVEAL if attempt == 1 else GOOD

    text, quality = run(checked(REVEAL, tutor_checker(), regenerate))
    assert text == GOOD and tries == [(1, None), (2, None)]
    assert quality["retries"] == 2 and not quality["fallback"]
    assert [f["detector"] for f in quality["findings"]] == ["reveal"]
    assert "7/8" not in json.dumps(quality)  # the findings never repeat the answer


def test_when_every_try_fails_the_verified_fallback_is_sent():
    before = stats()

    async def regenerate(attempt, extra):
        return "So 3/4 + 1/8 = 7/8."

    text, quality = run(checked(REVEAL, tutor_checker(), regenerate, tries=2))
    assert quality["fallback"] and quality["retries"] == 2
    assert "7/8" not in text and "0.875" not in text and text.endswith("?")
    assert not tutor_checker().findings(text)
    after = stats()
    assert after["retries"] - before["retries"] == 2 and after["fallbacks"] - before["fallbacks"] == 1


def test_a_level_finding_asks_for_simpler_language():
    hard = ("Photosynthesis constitutes an extraordinarily sophisticated biochemical transformation whereby "
            "chlorophyllous organisms systematically metabolize electromagnetic radiation, atmospheric carbon "
            "dioxide and environmental moisture into carbohydrate molecules.")
    plain = "Plants use sunlight to make food. They take in air and water. Then they make sugar."
    seen = []

    async def regenerate(attempt, extra):
        seen.append(extra)
        return plain

    checker = Checker(item_for("What is photosynthesis?", P4, "explain"), "explain", profile=P4)
    text, quality = run(checked(hard, checker, regenerate))
    assert seen == [SIMPLER] and text == plain and quality["findings"][0]["detector"] == "level"


ADHD4 = StudentProfile(student_id="kid-2", grade=4, accommodations=["adhd"])
RUN_ON = ("Plants need sunlight to grow tall and strong, and they also need water because their roots carry it "
          "up to every leaf, so a plant left in a dark closet for a week slowly dries out and dies.")


def test_a_run_on_for_a_child_with_adhd_is_laid_out_in_short_sentences_without_a_retry():
    async def regenerate(attempt, extra):
        raise AssertionError("a layout repair needs no new generation")

    checker = Checker(item_for("Why do plants need water?", ADHD4, "explain"), "explain", profile=ADHD4)
    assert [f.detector for f in checker.findings(RUN_ON)] == ["level"]
    text, quality = run(checked(RUN_ON, checker, regenerate))
    assert quality["retries"] == 0 and not quality["fallback"] and not quality.get("over_level")
    assert quality["repairs"] == ["level: laid out in short sentences"] and not checker.findings(text)
    assert text.split() != RUN_ON.split() and "." in text[:-1]  # the same answer, split into sentences
    assert [w.strip(".,").lower() for w in text.split()] == [w.strip(".,").lower() for w in RUN_ON.split()]


def test_a_retry_that_would_miss_the_deadline_goes_straight_to_the_fallback():
    async def regenerate(attempt, extra):
        raise AssertionError("no retry may start")

    text, quality = run(checked(REVEAL, tutor_checker(), regenerate, time_left=lambda: 1.0, attempt_s=5.0))
    assert quality["retries"] == 0 and quality["fallback"] and quality["deadline"]
    assert "7/8" not in text


def test_a_lesson_missing_parts_is_retried_then_sent_with_the_template_parts():
    async def regenerate(attempt, extra):
        return "Cut a paper strip into four equal parts."

    checker = Checker(item_for("Write a lesson on fractions", None, "lesson"), "lesson")
    text, quality = run(checked("Fold paper in halves.", checker, regenerate))
    assert quality["retries"] == 2 and not quality["fallback"] and quality["repairs"]
    assert "Cut a paper strip" in text and "Objective:" in text and "exit ticket" in text


def test_the_sentence_gate_releases_only_sentences_that_passed():
    gate = SentenceGate(tutor_checker())
    out = [gate.feed(piece) for piece in ("Make eighths ", "first. The answer", " is 7/8. ", "Yes!")]
    assert "".join(out) == "Make eighths first. " and gate.failed and gate.failed[0].detector == "reveal"
    assert gate.finish() == "" and gate.released == "Make eighths first. "
    gate = SentenceGate(tutor_checker())
    assert gate.feed("Make eighths first. ") == "Make eighths first. "
    assert gate.feed("What is 3/4 in eighths?") == "" and gate.finish() == "What is 3/4 in eighths?"
    assert gate.failed is None


# -- every generating route, the engine's text faked ----------------------------------------------------

CTX = {"student_id": "kid-1", "grade": 4}
ROUTES = {  # every route that generates for a child: (path, body, streamed)
    "generate": ("/v1/generate", {"prompt": FRACTIONS, "context": CTX, "mode": "tutor", "max_tokens": 16}, False),
    "generate_stream": ("/v1/generate/stream", {"prompt": FRACTIONS, "context": CTX, "mode": "tutor",
                                                "max_tokens": 16}, True),
    "chat": ("/v1/chat/completions", {"model": "student-kid-1", "context": CTX, "mode": "tutor", "max_tokens": 16,
                                      "messages": [{"role": "user", "content": FRACTIONS}]}, False),
    "chat_stream": ("/v1/chat/completions", {"model": "student-kid-1", "context": CTX, "mode": "tutor",
                                             "max_tokens": 16, "stream": True,
                                             "messages": [{"role": "user", "content": FRACTIONS}]}, True),
}


class FakeEngine:
    """``engine.submit`` answering each try with the next scripted text (the last one repeats), word by word."""

    def __init__(self, service, monkeypatch, script):
        self.script, self.requests = list(script), []
        monkeypatch.setattr(service.engine, "submit", self.submit)

    def submit(self, request, loop=None):
        from serving.adapters import Choice
        from serving.streams import Finished, Stream

        self.requests.append(request)
        text = self.script[min(len(self.requests), len(self.script)) - 1]
        stream = Stream(request, loop=loop)
        stream.put(("start", Choice(None, None, "base model (test)")))
        words = text.split(" ")
        for i, word in enumerate(words):
            stream.put(("text", word + (" " if i < len(words) - 1 else "")))
        stream.put(("end", Finished("stop", len(request.prompt_ids), len(words), text, 0.001, 0.01)))
        return stream


@pytest.fixture(scope="module")
def app(tmp_path_factory, model_cache):
    with offline_service(tmp_path_factory, model_cache, "answer-checks") as (client, service):
        yield service, client


REPLACED = "<replace>"  # in the pieces: a stream said to replace what was shown


def ask(client, name, **changes):
    """(what the child saw, every piece sent, the response's quality); ``changes``: prompt, mode."""
    path, body, streamed = ROUTES[name]
    body = json.loads(json.dumps(body))
    if "mode" in changes:
        body["mode"] = changes["mode"]
    if "prompt" in changes:
        if name.startswith("chat"):
            body["messages"][0]["content"] = changes["prompt"]
        else:
            body["prompt"] = changes["prompt"]
    if not streamed:
        r = client.post(path, json=body)
        assert r.status_code == 200, r.text
        data = r.json()
        text = data["choices"][0]["message"]["content"] if name == "chat" else data["response"]
        return text, [text], data["quality"]
    shown, pieces, quality = "", [], None
    with client.stream("POST", path, json=body) as r:
        assert r.status_code == 200
        for line in r.iter_lines():
            if not line.startswith("data: ") or line == "data: [DONE]":
                continue
            ev = json.loads(line[6:])
            if name == "chat_stream":
                if ev.get("aivo", {}).get("replace"):
                    shown = ev["choices"][0]["delta"]["content"]
                    pieces.append(REPLACED)
                elif ev["choices"]:
                    piece = ev["choices"][0]["delta"].get("content") or ""
                    shown, quality = shown + piece, ev.get("quality", quality)
                    pieces.append(piece)
            elif ev["type"] == "token":
                shown += ev["token"]
                pieces.append(ev["token"])
            elif ev["type"] == "replace":
                shown = ev["text"]
                pieces.append(REPLACED)
            elif ev["type"] == "done":
                quality = ev["quality"]
    return shown, pieces, quality


def health(client):
    return client.get("/health").json()["quality"]


@pytest.mark.parametrize("name", list(ROUTES))
def test_a_good_answer_goes_out_untouched(app, name, monkeypatch):
    service, client = app
    fake = FakeEngine(service, monkeypatch, [GOOD])
    text, pieces, quality = ask(client, name)
    assert text == GOOD and len(fake.requests) == 1 and REPLACED not in pieces
    assert quality["retries"] == 0 and not quality["fallback"] and quality["findings"] == []
    assert "reveal" in quality["checks"]


@pytest.mark.parametrize("name", list(ROUTES))
def test_a_revealing_answer_is_regenerated(app, name, monkeypatch):
    service, client = app
    fake = FakeEngine(service, monkeypatch, ["The answer is 7/8. Great job!", GOOD])
    before = health(client)
    text, pieces, quality = ask(client, name)
    assert text == GOOD and len(fake.requests) == 2
    assert quality["retries"] == 1 and not quality["fallback"]
    assert [f["detector"] for f in quality["findings"]] == ["reveal"]
    assert not any("7/8" in p for p in pieces)
    retry = fake.requests[1]
    assert retry.seed != fake.requests[0].seed and retry.temperature >= 0.7  # another sample, not the same
    assert health(client)["retries"] - before["retries"] == 1


@pytest.mark.parametrize("name", list(ROUTES))
def test_an_answer_failing_every_try_is_replaced_by_the_fallback(app, name, monkeypatch):
    service, client = app
    fake = FakeEngine(service, monkeypatch, ["The answer is 7/8."])
    before = health(client)
    text, pieces, quality = ask(client, name)
    assert len(fake.requests) == 3 and REPLACED not in pieces  # the answer and 2 retries
    assert quality["retries"] == 2 and quality["fallback"]
    assert "7/8" not in text and text.strip().endswith("?")
    assert not any("7/8" in p for p in pieces)
    after = health(client)
    assert after["retries"] - before["retries"] == 2 and after["fallbacks"] - before["fallbacks"] == 1
    assert after["answers"] - before["answers"] == 1


@pytest.mark.parametrize("name", list(ROUTES))
def test_a_word_answer_given_away_is_replaced_on_every_route(app, name, monkeypatch):
    service, client = app
    fake = FakeEngine(service, monkeypatch, ["The plural of goose is geese. Good job!"])
    text, pieces, quality = ask(client, name, prompt="What is the plural of goose? I wrote gooses.")
    assert len(fake.requests) == 3 and quality["retries"] == 2 and quality["fallback"]
    assert "geese" not in text.lower() and not any("geese" in p.lower() for p in pieces)
    assert [f["detector"] for f in quality["findings"]] == ["reveal"]


@pytest.mark.parametrize("name", ["generate_stream", "chat_stream"])
def test_a_stream_never_emits_a_failing_sentence(app, name, monkeypatch):
    """A sentence already sent stays; the failing one is never sent, the fallback follows it."""
    service, client = app
    FakeEngine(service, monkeypatch, ["Let's work in eighths. The answer is 7/8. Do you see why?"])
    text, pieces, quality = ask(client, name)
    assert text.startswith("Let's work in eighths. ") and "7/8" not in text and "Do you see" not in text
    assert not any("answer is" in p for p in pieces) and REPLACED not in pieces
    assert quality["fallback"] and quality["retries"] == 0  # released text is never taken back


@pytest.mark.parametrize("name", ["generate", "chat"])
def test_a_level_finding_retries_with_simpler_language(app, name, monkeypatch):
    service, client = app
    hard = ("Photosynthesis constitutes an extraordinarily sophisticated biochemical transformation whereby "
            "chlorophyllous organisms systematically metabolize electromagnetic radiation into carbohydrates.")
    fake = FakeEngine(service, monkeypatch, [hard, "Plants use sunlight to make food."])
    path, body, _ = ROUTES[name]
    body = json.loads(json.dumps(body))
    body["mode"] = "explain"
    if name == "chat":
        body["messages"][0]["content"] = "What is photosynthesis?"
    else:
        body["prompt"] = "What is photosynthesis?"
    r = client.post(path, json=body)
    assert r.status_code == 200, r.text
    assert r.json()["quality"]["retries"] == 1 and r.json()["quality"]["findings"][0]["detector"] == "level"
    system = service.brain.tokenizer.decode(fake.requests[1].prompt_ids)
    assert SIMPLER in system and SIMPLER not in service.brain.tokenizer.decode(fake.requests[0].prompt_ids)


@pytest.mark.parametrize("name", list(ROUTES))
def test_a_retry_blocked_by_moderation_ends_with_the_safety_message(app, name, monkeypatch):
    """Moderation comes first on every try: a blocked retry is not checked, its safety message is sent."""
    from brain.safety.moderator import Moderator
    from brain.safety.verdict import Verdict

    service, client = app
    real = Moderator.check

    def flag_zorp(self, text, *, direction="input"):
        if direction == "output" and "Zorp" in text:
            return Verdict(False, "block", ("violence",), "Let's talk about something else.", {}, "output")
        return real(self, text, direction=direction)

    monkeypatch.setattr(Moderator, "check", flag_zorp)
    FakeEngine(service, monkeypatch, ["The answer is 7/8.", "Zorp hits you. Zorp again."])
    text, _, quality = ask(client, name)
    assert text == "Let's talk about something else."


@pytest.mark.parametrize("name", list(ROUTES))
def test_a_lesson_missing_parts_gets_them_from_the_template(app, name, monkeypatch):
    service, client = app
    plan = "Fold paper strips into halves. Shade one part and name it."
    fake = FakeEngine(service, monkeypatch, [plan])
    text, pieces, quality = ask(client, name, mode="lesson", prompt="Write a lesson on fractions")
    assert plan in text and "Objective:" in text and "exit ticket" in text
    assert quality["repairs"] and not quality["fallback"] and REPLACED not in pieces
    if name.endswith("stream"):  # released text stays: the parts follow it, no retry
        assert text.startswith(plan) and quality["retries"] == 0 and len(fake.requests) == 1
    else:  # the plan is regenerated first, then sent with the parts added
        assert quality["retries"] == 2 and len(fake.requests) == 3


def test_an_answer_still_over_level_after_the_retries_is_sent_marked_not_replaced():
    """A style finding is not a wrong answer: the last simpler-language try goes out, marked."""
    import asyncio

    from serving.answer_check import Checker, checked
    from serving.answer_item import item_for
    from brain.schemas import StudentProfile

    profile = StudentProfile(student_id="lv-1", grade=2)
    dense = ("Photosynthesis constitutes the biochemical mechanism whereby autotrophic organisms transform "
             "electromagnetic radiation into chemically stored potential energy, simultaneously liberating "
             "molecular oxygen as a metabolic byproduct of considerable atmospheric significance.")
    checker = Checker(item_for("What is photosynthesis?", profile, "explain"), "explain",
                      prompt="What is photosynthesis?", profile=profile)
    assert [f.detector for f in checker.findings(dense)] == ["level"]

    async def regenerate(attempt, extra):
        return dense

    text, quality = asyncio.run(checked(dense, checker, regenerate))
    assert text == dense and quality["over_level"] and not quality["fallback"] and quality["retries"] == 2
