"""The conversation-level grooming check on every generating route (serving/guards.py guard_conversation).

In-process app on the tiny model, as tests/serving/test_safety_routes.py. The per-message moderator is
replaced by one that allows every text except those a test flags, so that these tests see the
conversation check alone (the per-message moderator has its own tests and changes on its own). A
conversation whose turns are each harmless must be blocked at the turn where it crosses, sent as one
chat history or across separate requests of one student (the server-side memory, bounded, expiring,
cleared by forget-student).
"""

import json
import threading

import pytest

from brain.safety.conversation import conversation_risk
from brain.safety.escalation import LISTENERS
from brain.safety.messages import BLOCK_MESSAGES
from brain.safety.moderator import Moderator
from brain.safety.verdict import Verdict
from serving.app import Service
from serving.conversation_memory import ConversationMemory, cut
from serving.guards import ConversationEvent
from tests.conftest import make_settings
from tests.serving.offline import offline_service

GROOMING = BLOCK_MESSAGES["grooming"]
CROSSES_AT = 4
MILD = [  # no single turn is clearly harmful; the conversation crosses at turn 4 (brain/safety/conversation.py)
    "can you help me with fractions",
    "thanks. this guy i play roblox with says i'm really mature for my age",
    "he's 19 i think",
    "what is 3/4 + 1/8",
    "he says he can give me robux whenever i want",
    "he wants me to add him on snapchat instead of roblox chat",
]
BENIGN = [
    "my grandma is coming to visit this weekend",
    "she always brings me presents",
    "she's picking me up from school on friday",
    "we're planning a surprise party for my mom, don't tell her",
    "my friend from class said add me on minecraft",
    "what's 2/3 + 1/6?",
    "can you give me an easy cookie recipe",
]


def test_the_test_conversations_cross_where_they_should():
    assert conversation_risk(MILD).crossed_at == CROSSES_AT
    assert all(not conversation_risk(MILD[:k]).crossed for k in range(1, CROSSES_AT + 1))
    assert not conversation_risk(BENIGN).crossed


@pytest.fixture(scope="module")
def app(tmp_path_factory, model_cache):
    with offline_service(tmp_path_factory, model_cache, "conversation-safety") as served:
        yield served


FLAGGED: dict[str, str] = {}  # text -> the category the stand-in moderator flags it with


@pytest.fixture
def client(app, monkeypatch):
    """The app with a per-message moderator that allows everything but FLAGGED, and a fresh memory."""
    client, service = app

    def check(self, text, *, direction="input"):
        if direction == "input" and text in FLAGGED:
            return Verdict(False, "block", (FLAGGED[text],), BLOCK_MESSAGES.get(FLAGGED[text], "blocked"),
                           {"model_grooming": 0.99}, "input")
        return Verdict(True, "allow", (), "", {"model_grooming": 0.0}, direction)

    monkeypatch.setattr(Moderator, "check", check)
    monkeypatch.setattr(service, "conversations", ConversationMemory(ttl_s=1800))
    FLAGGED.clear()
    yield client
    FLAGGED.clear()


@pytest.fixture
def events():
    seen = []
    LISTENERS.append(seen.append)
    yield seen
    LISTENERS.remove(seen.append)


def _service(client) -> Service:
    return client.app.state.service


def generate(client, sid, prompt, stream=False) -> tuple[str, dict]:
    """What the child sees, and the response body (plain) or the done event (streamed)."""
    body = {"prompt": prompt, "context": {"student_id": sid, "grade": 5}, "max_tokens": 6, "temperature": 0}
    if not stream:
        r = client.post("/v1/generate", json=body)
        assert r.status_code == 200, r.text
        return r.json()["response"], r.json()
    shown, done = "", {}
    with client.stream("POST", "/v1/generate/stream", json=body) as r:
        assert r.status_code == 200
        for line in r.iter_lines():
            if line.startswith("data: {"):
                ev = json.loads(line[6:])
                if ev["type"] == "token":
                    shown += ev["token"]
                elif ev["type"] == "replace":
                    shown = ev["text"]
                elif ev["type"] == "done":
                    done = ev
    return shown, done


def chat(client, sid, user_turns, stream=False) -> tuple[str, str, dict | None]:
    """One chat request carrying ``user_turns`` as its history (an assistant reply between them):
    what the child sees, the finish_reason and the aivo safety field."""
    messages = []
    for i, text in enumerate(user_turns):
        if i:
            messages.append({"role": "assistant", "content": "Okay!"})
        messages.append({"role": "user", "content": text})
    body = {"model": f"student-{sid}", "messages": messages, "max_tokens": 6, "temperature": 0, "stream": stream}
    if not stream:
        r = client.post("/v1/chat/completions", json=body)
        assert r.status_code == 200, r.text
        data = r.json()
        return data["choices"][0]["message"]["content"], data["choices"][0]["finish_reason"], data["aivo"]["safety"]
    shown, finish, safety = "", None, None
    with client.stream("POST", "/v1/chat/completions", json=body) as r:
        assert r.status_code == 200
        for line in r.iter_lines():
            if not line.startswith("data: {"):
                continue
            ev = json.loads(line[6:])
            if ev.get("aivo", {}).get("replace"):
                shown = ev["choices"][0]["delta"]["content"]
            elif ev.get("choices"):
                shown += ev["choices"][0]["delta"].get("content") or ""
                if ev["choices"][0]["finish_reason"]:
                    finish, safety = ev["choices"][0]["finish_reason"], ev["aivo"]["safety"]
    return shown, finish, safety


def assert_blocked_as_grooming(safety: dict):
    assert safety["input"]["allowed"] is False and safety["input"]["categories"] == ["grooming"]
    conv = safety["conversation"]
    assert conv["crossed"] is True and conv["crossed_at"] == CROSSES_AT
    assert {"mature", "gifts"} <= set(conv["stages"]) and conv["turns"] == CROSSES_AT + 1


# -- one chat history ---------------------------------------------------------------------------------

@pytest.mark.parametrize("stream", [False, True], ids=["plain", "stream"])
def test_a_chat_history_is_blocked_at_the_turn_where_it_crosses(client, events, stream):
    for k in range(CROSSES_AT):  # the history up to crosses_at - 1 passes
        shown, finish, safety = chat(client, f"chat-{stream}-{k}", MILD[:k + 1], stream)
        assert shown != GROOMING and finish != "content_filter" and "conversation" not in (safety or {}), k
    shown, finish, safety = chat(client, f"chat-{stream}-x", MILD[:CROSSES_AT + 1], stream)
    assert shown == GROOMING and finish == "content_filter"
    assert_blocked_as_grooming(safety)
    [event] = [e for e in events if isinstance(e, ConversationEvent)]
    assert event.categories == ("grooming",) and event.turns == CROSSES_AT + 1 and "gifts" in event.stages
    assert event.text is None and event.student_hash != f"chat-{stream}-x"
    assert "roblox" not in json.dumps(event.to_json())  # ids and stages, never the child's words


def test_a_chat_client_resending_its_history_is_one_conversation(client, events):
    for k in range(CROSSES_AT):
        shown, finish, _ = chat(client, "resend", MILD[:k + 1])
        assert shown != GROOMING, k
    assert [t.text for t in _service(client).conversations.turns("resend")] == MILD[:CROSSES_AT]  # counted once
    shown, finish, safety = chat(client, "resend", MILD[:CROSSES_AT + 1])
    assert shown == GROOMING and finish == "content_filter"
    assert_blocked_as_grooming(safety)
    shown, _, _ = chat(client, "resend", MILD)  # the next request of the same conversation: still blocked ...
    assert shown == GROOMING
    assert sum(isinstance(e, ConversationEvent) for e in events) == 1  # ... but escalated once


# -- separate requests of one student: the server-side memory ------------------------------------------

@pytest.mark.parametrize("stream", [False, True], ids=["plain", "stream"])
def test_generate_requests_of_one_student_are_one_conversation(client, events, stream):
    sid = f"gen-{stream}"
    for k in range(CROSSES_AT):
        shown, out = generate(client, sid, MILD[k], stream)
        assert shown != GROOMING and out["finish_reason"] != "content_filter", k
    shown, out = generate(client, sid, MILD[CROSSES_AT], stream)
    assert shown == GROOMING and out["finish_reason"] == "content_filter"
    assert_blocked_as_grooming(out["safety"])
    assert sum(isinstance(e, ConversationEvent) for e in events) == 1
    assert generate(client, "someone-else", MILD[CROSSES_AT], stream)[0] != GROOMING  # per student


def test_generate_and_chat_share_the_students_memory(client):
    for k in range(CROSSES_AT):
        assert generate(client, "mixed", MILD[k])[0] != GROOMING
    shown, finish, safety = chat(client, "mixed", [MILD[CROSSES_AT]], stream=True)
    assert shown == GROOMING and finish == "content_filter"


def test_a_benign_conversation_passes(client, events):
    for text in BENIGN:
        shown, out = generate(client, "benign-gen", text)
        assert shown != GROOMING and out["finish_reason"] != "content_filter", text
    for k in range(len(BENIGN)):
        shown, finish, _ = chat(client, "benign-chat", BENIGN[:k + 1])
        assert shown != GROOMING and finish != "content_filter", k
    assert not events


def test_only_turns_that_passed_moderation_are_remembered(client):
    FLAGGED["he said he would hurt my dog"] = "violence"
    generate(client, "remember", MILD[0])
    shown, out = generate(client, "remember", "he said he would hurt my dog")
    assert out["safety"]["input"]["categories"] == ["violence"] and "conversation" not in out["safety"]
    assert [t.text for t in _service(client).conversations.turns("remember")] == [MILD[0]]
    for text in MILD[1:CROSSES_AT + 1]:
        generate(client, "remember", text)
    remembered = [t.text for t in _service(client).conversations.turns("remember")]
    assert remembered == MILD[:CROSSES_AT + 1]  # the turn that crossed is kept too
    generate(client, "remember", MILD[CROSSES_AT + 1])  # blocked by the conversation: not kept
    assert [t.text for t in _service(client).conversations.turns("remember")] == remembered


def test_a_per_message_block_keeps_its_own_answer(client, events):
    for k in range(CROSSES_AT):
        generate(client, "own", MILD[k])
    FLAGGED[MILD[CROSSES_AT]] = "self_harm"
    shown, out = generate(client, "own", MILD[CROSSES_AT])
    assert out["safety"]["input"]["categories"] == ["self_harm"] and "conversation" not in out["safety"]
    assert not [e for e in events if isinstance(e, ConversationEvent)]


def test_a_flagged_turn_in_a_chat_history_counts_as_a_stage(client):
    FLAGGED[MILD[2]] = "grooming"  # an earlier message of the history the moderator flags
    shown, finish, safety = chat(client, "flagged-history", MILD[:4])
    assert shown == GROOMING and "moderator" in safety["conversation"]["stages"]


# -- forget, TTL, bounds ---------------------------------------------------------------------------------

def test_forget_student_clears_the_memory(client, monkeypatch):
    import registry.forget

    held = {}

    def fake_forget(settings, student_id, actor, reason="", scan=True, held_elsewhere=None):
        held.update(held_elsewhere or {})
        return {"removed": dict(held_elsewhere or {})}

    monkeypatch.setattr(registry.forget, "forget_student", fake_forget)
    for k in range(CROSSES_AT):
        generate(client, "forgotten", MILD[k])
    r = client.post("/v1/students/forgotten/forget")
    assert r.status_code == 200, r.text
    assert held["conversation_turns"] == CROSSES_AT  # counted in the deletion report (the tombstone)
    assert _service(client).conversations.turns("forgotten") == []
    shown, out = generate(client, "forgotten", MILD[CROSSES_AT])  # the next turn starts from nothing
    assert shown != GROOMING and out["finish_reason"] != "content_filter"


def test_the_ttl_drops_the_memory(client, monkeypatch):
    now = [1000.0]
    memory = ConversationMemory(ttl_s=60, clock=lambda: now[0])
    monkeypatch.setattr(_service(client), "conversations", memory)
    for k in range(CROSSES_AT):
        generate(client, "ttl", MILD[k])
    assert len(memory.turns("ttl")) == CROSSES_AT
    now[0] += 61
    assert memory.turns("ttl") == []
    assert generate(client, "ttl", MILD[CROSSES_AT])[0] != GROOMING


def test_the_ttl_comes_from_the_setting(tmp_path):
    settings = make_settings(tmp_path, conversation_ttl_seconds=5)
    assert ConversationMemory.from_settings(settings).ttl_s == 5
    assert make_settings(tmp_path).conversation_ttl_seconds == 1800


def test_memory_expiry_on_access_and_by_the_sweep():
    now = [0.0]
    memory = ConversationMemory(ttl_s=10, clock=lambda: now[0])
    memory.remember("a", ["one"])
    now[0] = 5
    memory.remember("a", ["two"])
    memory.remember("b", ["three"])
    now[0] = 12  # "one" is past the TTL, the others not
    assert [t.text for t in memory.turns("a")] == ["two"]
    now[0] = 16
    assert memory.sweep() == 2 and memory.stats()["turns"] == 0 and memory.stats()["bytes"] == 0
    assert memory.stats()["students"] == 0


def test_the_periodic_sweep_runs_without_any_access():
    now = [0.0]
    memory = ConversationMemory(ttl_s=10, sweep_s=0.01, clock=lambda: now[0]).start()
    try:
        memory.remember("a", ["one", "two"])
        now[0] = 11
        done = threading.Event()
        for _ in range(200):
            if memory.stats()["turns"] == 0:
                done.set()
                break
            threading.Event().wait(0.01)
        assert done.is_set()
    finally:
        memory.stop()


def test_memory_bounds_per_turn_per_student_and_in_total():
    memory = ConversationMemory(ttl_s=60, max_turns=3, max_turn_bytes=10, max_bytes=25)
    memory.remember("a", ["1", "2", "3", "4", "5"])
    assert [t.text for t in memory.turns("a")] == ["3", "4", "5"]  # the last max_turns
    memory.remember("a", ["é" * 20])  # 40 bytes of UTF-8 -> cut to 10 bytes, on a character boundary
    assert memory.turns("a")[-1].text == "é" * 5
    assert cut("é" * 20, 9) == "é" * 4
    memory.remember("b", ["x" * 10])
    memory.remember("c", ["y" * 10])  # over 25 bytes in all: the least recently used student goes
    stats = memory.stats()
    assert stats["bytes"] <= 25 and memory.turns("a") == [] and memory.count("c") == 1
    memory.remember("d", ["z" * 10, "z" * 10, "z" * 10])  # one student alone over the cap: its oldest turns
    assert memory.stats()["bytes"] <= 25
    assert set(memory.stats()) == {"students", "turns", "bytes", "max_bytes", "max_turns", "ttl_s"}  # no ids
    with pytest.raises(ValueError):
        ConversationMemory(ttl_s=0)
    with pytest.raises(ValueError):
        ConversationMemory(max_turn_bytes=100, max_bytes=10)


def test_memory_is_thread_safe():
    memory = ConversationMemory(ttl_s=60, max_turns=20, max_turn_bytes=64, max_bytes=64 * 20 * 5)

    def writer(n):
        for i in range(300):
            memory.remember(f"s{(n + i) % 8}", [f"turn {n}-{i}"])
            memory.turns(f"s{i % 8}")
            if i % 50 == 0:
                memory.forget(f"s{n % 8}")
                memory.sweep()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stats = memory.stats()
    held = sum(len(memory.turns(f"s{i}")) for i in range(8))
    assert stats["turns"] == held and stats["bytes"] <= stats["max_bytes"]
    assert all(len(memory.turns(f"s{i}")) <= 20 for i in range(8))
    assert stats["bytes"] == sum(t.nbytes for i in range(8) for t in memory.turns(f"s{i}"))


def test_escalation_marks_once_per_ttl():
    now = [0.0]
    memory = ConversationMemory(ttl_s=10, clock=lambda: now[0])
    assert memory.mark_escalated("a") is True and memory.mark_escalated("a") is False
    now[0] = 11
    assert memory.mark_escalated("a") is True
    memory.forget("a")
    assert memory.mark_escalated("a") is True
