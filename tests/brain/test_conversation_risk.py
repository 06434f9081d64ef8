"""Conversation-level grooming risk (brain/safety/conversation.py): stages, decay, crossing, look-alikes, speed.

No model and no moderator here: the stages alone (the per-message moderator's signals are passed in
by hand where a test needs them). The dev-set figures are in-sample (docs/safety.md "Conversations").
"""

import dataclasses
import statistics
import time

import pytest
import yaml

from brain.safety import conversation as C
from brain.safety.conversation import (
    CONFIG, ConversationDataError, ConversationRisk, TurnSignals, conversation_risk, load_config, score, turn_stages,
)


def stages_of(text: str) -> set[str]:
    return set(turn_stages(text).weights)


# -- stages ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, stage", [
    ("he says i'm really mature for my age", "mature"),
    ("ella dice que soy muy madura para mi edad", "mature"),
    ("he said not to tell my mom about him", "secrecy"),
    ("dice que es nuestro secreto", "secrecy"),
    ("he wants me to add him on snapchat", "platform"),
    ("quiere que hablemos por whatsapp", "platform"),
    ("he keeps sending me robux", "gifts"),
    ("me quiere regalar diamantes", "gifts"),
    ("he asked me to send a selfie", "photos"),
    ("quiere que le mande una foto", "photos"),
    ("he wants to meet up in person this weekend", "meeting"),
    ("he asked how old i am", "age"),
    ("he says he's the only one who really gets me", "trust"),
    ("he told me my parents don't understand me", "isolation"),
    ("a guy from roblox messaged me", "contact"),
    ("he's 22", "contact"),
])
def test_each_stage_has_signals_in_english_and_spanish(text, stage):
    assert stage in stages_of(text), turn_stages(text)


@pytest.mark.parametrize("text", [
    "what's 3/4 + 1/8?",
    "can you explain photosynthesis",
    "don't tell my sister about her gift",
    "we're planning a surprise party for mom, it's a secret",
    "my friend from class said add me on minecraft",
    "i need to take a photo of the moon for science class",
    "what should i do if a stranger online asks for my address",
])
def test_ordinary_turns_have_no_stage_that_counts(text):
    ts = turn_stages(text)
    framed = {s for s in ts.weights if s in CONFIG.framed}
    assert not framed or ts.frame in ("peer", "family", "supervised", "safety"), ts


def test_hits_name_signals_never_text():
    ts = turn_stages("he said it's our little secret")
    assert ts.hits and all(h.count(".") == 1 and " " not in h for h in ts.hits)


# -- decay and crossing ------------------------------------------------------------------------------

def test_a_stage_decays_turn_by_turn():
    risk = conversation_risk(["he said don't tell your parents", "ok", "what is 7 x 8", "thanks"])
    s = risk.turn_scores
    assert s[0] > 0 and s[1] == pytest.approx(s[0] * CONFIG.decay, abs=1e-3)
    assert s[3] == pytest.approx(s[0] * CONFIG.decay ** 3, abs=1e-3)
    assert not risk.crossed and risk.crossed_at is None


def test_a_stage_counts_once_however_often_it_comes():
    once = conversation_risk(["he said i'm so pretty"]).score
    many = conversation_risk(["he said i'm so pretty"] * 6)
    assert many.score == pytest.approx(once) and not many.crossed


MILD = [  # no single turn is clearly harmful; the conversation crosses when the gifts arrive (turn 4)
    "can you help me with fractions",
    "thanks. this guy i play roblox with says i'm really mature for my age",
    "he's 19 i think",
    "what is 3/4 + 1/8",
    "he says he can give me robux whenever i want",
    "he wants me to add him on snapchat instead of roblox chat",
]


def test_a_mild_turns_grooming_conversation_crosses_at_the_right_turn():
    risk = conversation_risk(MILD)
    assert risk.crossed and risk.crossed_at == 4, risk
    assert {"mature", "gifts", "platform"} <= set(risk.stages)
    assert risk.reasons and all("roblox" not in r for r in risk.reasons)  # reasons name stages, not text
    for k in range(len(MILD)):  # the prefix up to crosses_at-1 does not cross; from crosses_at on, it does
        assert conversation_risk(MILD[:k + 1]).crossed == (k >= 4)


def test_secrecy_with_a_platform_move_is_enough():
    risk = conversation_risk(["he wants to talk on telegram", "and he said don't tell your parents"])
    assert risk.crossed and risk.crossed_at == 1 and any("secrecy + platform" in r for r in risk.reasons)


def test_stages_far_apart_decay_below_the_line():
    spread = (["he says i'm really mature for my age"] + ["what's 12 x 12?"] * 12 + ["he sends me robux"]
              + ["how do volcanoes work"] * 12 + ["he wants to talk on discord"])
    assert not conversation_risk(spread).crossed
    assert conversation_risk(["he says i'm really mature for my age", "he sends me robux",
                              "he wants to talk on discord"]).crossed


def test_the_moderator_flag_is_a_stage_not_a_verdict_by_default():
    texts = ["hi", "can you give me one more", "thanks"]
    flagged = [None, TurnSignals(("grooming",), 0.9), None]
    risk = conversation_risk(texts, flagged)
    assert "moderator" in risk.stages and not risk.crossed
    strict = dataclasses.replace(CONFIG, flag_crosses=True)
    assert score([turn_stages(t) for t in texts], flagged, strict).crossed_at == 1
    with_more = conversation_risk(["he sends me gift cards", "he said i'm his favorite person"], [
        None, TurnSignals(("grooming",), 0.9)])
    assert with_more.crossed


def test_signals_must_match_the_turns():
    with pytest.raises(ValueError):
        conversation_risk(["a", "b"], [None])


def test_an_empty_conversation_is_no_risk():
    assert conversation_risk([]) == ConversationRisk(0.0, [], False, None, [], [])


# -- benign look-alikes ------------------------------------------------------------------------------

LOOKALIKES = {
    "surprise party": ["we're planning a surprise party for my mom", "it's a secret so don't tell her haha",
                       "my dad is picking up the cake", "we'll all meet at my aunt's house at 5",
                       "what games can we play at the party"],
    "sister's gift": ["i bought my sister a bracelet for her birthday", "don't tell my sister about her gift",
                      "can you help me write a card", "should i wrap it in pink paper"],
    "library project": ["we have a group project on the solar system",
                        "my classmates and i are meeting at the library saturday",
                        "what should each person research", "can you make a schedule for us"],
    "minecraft classmates": ["my friend from class said add me on minecraft",
                             "how do i make a redstone door", "we're gonna build a castle together after school",
                             "what blocks are best for walls"],
    "kind coach": ["my soccer coach said i'm his best defender", "he got us new jerseys for the tournament",
                   "practice is at 4 on tuesday", "he said our team is like a family"],
    "grandparent visit": ["my grandma is coming to visit this weekend", "she always brings me presents",
                          "she's picking me up from school on friday", "we video call her every sunday",
                          "can you give me an easy cookie recipe"],
    "safety homework": ["we're learning about online safety", "what should you do if a stranger asks for your address",
                        "why shouldn't you send photos to people you don't know", "what if they say it's a secret",
                        "who should i tell"],
    "a story": ["write a story about a girl who finds a dragon", "the dragon gives her a gold coin",
                "she has to keep the dragon secret from the king", "they meet every night in the cave",
                "how does the story end"],
    "spanish surprise": ["estamos planeando una fiesta sorpresa para mi abuela", "es un secreto, no le digas",
                         "nos vamos a ver en la casa de mi tía", "qué juegos podemos hacer"],
}


@pytest.mark.parametrize("name", list(LOOKALIKES))
def test_benign_lookalikes_do_not_cross(name):
    risk = conversation_risk(LOOKALIKES[name])
    assert not risk.crossed, (name, risk)


# -- the dev set (in-sample) ---------------------------------------------------------------------------

def test_dev_set_shape_and_in_sample_figures():
    rows = C.load_dev()
    groom = [r for r in rows if r["labels"] == ["grooming"]]
    benign = [r for r in rows if r["labels"] == []]
    assert len(groom) >= 60 and len(benign) >= 100 and len(groom) + len(benign) == len(rows)
    assert all(4 <= len(r["turns"]) <= 12 for r in rows)
    assert all(r["crosses_at"] is None for r in benign)
    assert all(0 <= r["crosses_at"] < len(r["turns"]) for r in groom)
    spanish = sum("-es-" in r["id"] for r in rows) / len(rows)
    assert 0.12 <= spanish <= 0.2
    result = C.evaluate(rows)  # stages alone; in-sample: the lexicon was written on these
    assert result["recall"] >= 0.90 and result["benign_flagged"] <= 0.05
    assert result["mean_abs_turn_error"] <= 1.0


# -- the data file -------------------------------------------------------------------------------------

def _broken(tmp_path, mutate) -> str:
    data = yaml.safe_load(C.DATA_FILE.read_text(encoding="utf-8"))
    mutate(data)
    path = tmp_path / "stages.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ConversationDataError) as err:
        load_config(path)
    return str(err.value)


def test_the_data_file_is_checked_at_load(tmp_path):
    assert load_config().stages == CONFIG.stages
    assert "regex does not compile" in _broken(tmp_path, lambda d: d["stages"]["secrecy"]["signals"][0].update(
        pattern="(unclosed"))
    assert "unknown fragment" in _broken(tmp_path, lambda d: d["stages"]["gifts"]["signals"][0].update(
        pattern="{nope}"))
    assert "unknown stage" in _broken(tmp_path, lambda d: d["pairs"].append(["secrecy", "teleport"]))
    assert "decay" in _broken(tmp_path, lambda d: d.update(decay=1.5))
    assert "weight" in _broken(tmp_path, lambda d: d["stages"]["photos"]["signals"][0].update(weight=0))
    assert "unknown keys" in _broken(tmp_path, lambda d: d.update(extra=1))
    assert "unused fragments" in _broken(tmp_path, lambda d: d["fragments"].update(spare="x"))


def test_the_normalisation_is_brain_safetys():
    assert C.NORMALIZE in ("brain.safety.normalize.normalize", "brain.safety.rules.normalize")
    assert C.fold("Dice que soy MUY madura, papá") == "dice que soy muy madura, papa"


# -- speed ---------------------------------------------------------------------------------------------

def test_twenty_turns_score_in_under_5_ms():
    rows = C.load_dev()
    texts = [t for r in rows if r["labels"] for t in r["turns"]][:20]
    assert len(texts) == 20
    conversation_risk(texts)  # warm
    runs = []
    for _ in range(15):
        start = time.perf_counter()
        conversation_risk(texts)
        runs.append((time.perf_counter() - start) * 1000)
    assert min(runs) < 5.0, f"20 turns: min {min(runs):.2f} ms, median {statistics.median(runs):.2f} ms"
