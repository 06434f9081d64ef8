"""Conversation-level grooming risk (brain/safety/conversation*.py): stages, the per-turn learned model,
decay, crossing, look-alikes, speed.

No per-message moderator here (its signals are passed in by hand where a test needs them); the
per-turn model is the shipped one, trained once per process at first use. The dev and fresh-a figures
are in-sample (docs/safety.md "Conversations"); fresh-b is the first-pass check, never trained on and
never a target here.
"""

import dataclasses

import pytest
import yaml

from brain.safety import conversation as C
from brain.safety import conversation_data as D
from brain.safety import conversation_eval as E
from brain.safety import conversation_model as M
from brain.safety.conversation import ConversationRisk, TurnSignals, conversation_risk, score, turn_stages
from brain.safety.conversation_data import CONFIG, ConversationDataError, TurnStages, load_config

LEXICON_ALONE = dataclasses.replace(CONFIG, learned_weight=0.0)


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


NEW_WORDING = [  # none of it in the lexicon's words: the learned stage carries it (crosses at the gift, turn 3)
    "can you check my spelling homework",
    "there's a man who plays chess with me online every night",
    "he told me i think like a grown up, not a kid",
    "he mailed me a new headset as a present",
    "he wants our games to be something only the two of us know about",
    "what's the plural of mouse",
]


def test_new_wording_crosses_through_the_learned_stage():
    assert not conversation_risk(NEW_WORDING, None, LEXICON_ALONE).crossed  # the lexicon alone misses it
    risk = conversation_risk(NEW_WORDING)
    assert risk.crossed and risk.crossed_at == 3 and "learned" in risk.stages, risk
    assert any("learned" in r for r in risk.reasons) and all("headset" not in r for r in risk.reasons)
    for k in range(len(NEW_WORDING)):
        assert conversation_risk(NEW_WORDING[:k + 1]).crossed == (k >= 3)


def test_the_learned_stage_adds_only_what_the_lexicon_did_not_count():
    ev = C._learned_evidence
    p = 0.9
    full = (p - CONFIG.learned_min) / (1 - CONFIG.learned_min) * CONFIG.learned_weight
    assert ev(TurnStages({}, (), None, p, "a"), {}, None, 0.85, set(), CONFIG) == pytest.approx(full)
    # a turn whose own stage already counts as much as the model saw adds nothing more
    assert ev(TurnStages({"mature": 1.0}, (), None, p, "a"), {"mature": 1.0}, None, 0.85, set(), CONFIG) == 0.0
    # a relative's turn is scaled like the contact-like stages; a repeated turn adds nothing
    family = ev(TurnStages({}, (), "family", p, "a"), {}, "family", 0.2, set(), CONFIG)
    assert family == pytest.approx(full / CONFIG.learned_weight * 0.2 * CONFIG.learned_weight)
    assert ev(TurnStages({}, (), None, p, "a"), {}, None, 0.85, {"a"}, CONFIG) == 0.0
    assert ev(TurnStages({}, (), None, CONFIG.learned_min, "b"), {}, None, 0.85, set(), CONFIG) == 0.0
    assert ev(TurnStages({}, (), None, p, "a"), {}, None, 0.85, set(), LEXICON_ALONE) == 0.0


def test_the_lexicon_alone_never_asks_the_model():
    ts = turn_stages("he mailed me a new headset as a present", LEXICON_ALONE)
    assert ts.learned == 0.0 and ts.key
    assert turn_stages("he mailed me a new headset as a present").learned > 0.5


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
    "online friend the parents know": [
        "my online friend lily lives in ohio", "our moms met in a facebook group and they talk every week",
        "she sent me a bracelet she made", "we want to video call saturday with our moms",
        "what games can we play on a call"],
    "roblox classmate": [
        "a kid in my class asked me to add him on roblox", "we're both 10", "he sent me a friend request",
        "his mom and my mom are friends", "what's a fun obby to play together"],
    "travel team coach": [
        "my soccer coach said i have a really strong kick", "he asked my dad if i can join the travel team",
        "the team bought me new cleats because i grew", "my mom drives me to practice"],
    "grandpa's fishing trip": [
        "my grandpa says i'm his favorite fishing buddy", "he bought me a new rod for my birthday",
        "we're going to the lake just the two of us on saturday", "my mom packed us lunch"],
}


@pytest.mark.parametrize("name", list(LOOKALIKES))
def test_benign_lookalikes_do_not_cross(name):
    risk = conversation_risk(LOOKALIKES[name])
    assert not risk.crossed, (name, risk)


# -- the dev set (in-sample) ---------------------------------------------------------------------------

def test_dev_set_shape_and_in_sample_figures():
    rows = D.load_dev()
    groom = [r for r in rows if r["labels"] == ["grooming"]]
    benign = [r for r in rows if r["labels"] == []]
    assert len(groom) >= 60 and len(benign) >= 100 and len(groom) + len(benign) == len(rows)
    assert all(4 <= len(r["turns"]) <= 12 for r in rows)
    assert all(r["crosses_at"] is None for r in benign)
    assert all(0 <= r["crosses_at"] < len(r["turns"]) for r in groom)
    spanish = sum("-es-" in r["id"] for r in rows) / len(rows)
    assert 0.12 <= spanish <= 0.2
    result = E.evaluate(rows)  # in-sample: the lexicon was written on these, the model trained on them
    assert result["recall"] >= 0.95 and result["benign_flagged"] <= 0.02
    assert result["mean_abs_turn_error"] <= 1.0
    lexicon = E.evaluate(rows, None, LEXICON_ALONE)
    assert lexicon["recall"] >= 0.90 and lexicon["benign_flagged"] <= 0.05


@pytest.mark.parametrize("path, grooming, benign", [(D.FRESH_A, 40, 72), (D.FRESH_B, 40, 60)])
def test_the_fresh_batches(path, grooming, benign):
    rows = D.load_dev(path)
    assert sum(bool(r["labels"]) for r in rows) == grooming and sum(not r["labels"] for r in rows) == benign
    assert all(4 <= len(r["turns"]) <= 10 for r in rows)
    assert all((r["crosses_at"] is None) == (not r["labels"]) for r in rows)
    assert 0.12 <= sum("-es-" in r["id"] for r in rows) / len(rows) <= 0.2
    if path == D.FRESH_A:  # hand-marked grooming moves train the model
        for r in rows:
            if r["labels"]:
                marks = r["signal_turns"]
                assert marks and all(0 <= i < len(r["turns"]) for i in marks) and r["crosses_at"] >= min(marks)


def test_the_model_never_trains_on_fresh_b():
    assert D.FRESH_B not in D.TRAIN_CONVERSATIONS and D.FRESH_A in D.TRAIN_CONVERSATIONS
    texts, labels = M.training_turns()
    assert len(texts) == len(labels) == M.get_turn_model().size
    # what fresh-b shares with the training texts is there on its own ("dice que es un secreto entre los
    # dos" is in dev-conversations.jsonl too); its conversations are not
    fresh_b = [t for r in D.load_dev(D.FRESH_B) for t in r["turns"] if len(t) > 30]
    shared = set(texts).intersection(fresh_b)
    dev_turns = {t for path in D.TRAIN_CONVERSATIONS for r in D.load_dev(path) for t in r["turns"]}
    assert len(shared) <= 2 and shared <= dev_turns


def test_turn_labels():
    rows = {r["id"]: r for r in D.load_dev()}
    # derived from the lexicon: homework, "hes 17 i think" (a bare age) are not grooming moves
    assert M.turn_labels(rows["groom-en-001"]) == [0, 0, 1, 0, 1, 1]
    assert M.turn_labels(rows["benign-en-001"]) == [0] * len(rows["benign-en-001"]["turns"])
    marked = {"turns": ["a", "b", "c", "d"], "labels": ["grooming"], "crosses_at": 2, "signal_turns": [1, 2, 3]}
    assert M.turn_labels(marked) == [0, 1, 1, 1]


def test_the_learned_model_scores_as_scikit_learn_does():
    model = M.get_turn_model()
    texts = [t for r in D.load_dev()[:60] for t in r["turns"]] + ["", "ok", "¿me mandas una foto?"]
    fast = [model.probability(D.fold(t)) for t in texts]
    assert max(abs(a - b) for a, b in zip(fast, model.predict_sklearn(texts), strict=True)) < 1e-9


# -- the data file -------------------------------------------------------------------------------------

def _broken(tmp_path, mutate) -> str:
    data = yaml.safe_load(D.DATA_FILE.read_text(encoding="utf-8"))
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
    assert "learned needs min, weight" in _broken(tmp_path, lambda d: d["learned"].pop("weight"))
    assert "learned.min must be below 1" in _broken(tmp_path, lambda d: d["learned"].update(min=1.0))
    assert "missing keys" in _broken(tmp_path, lambda d: d.pop("learned"))


def test_the_normalisation_is_brain_safetys():
    assert D.NORMALIZE in ("brain.safety.normalize.normalize", "brain.safety.rules.normalize")
    assert D.fold("Dice que soy MUY madura, papá") == "dice que soy muy madura, papa"


# -- scoring is pure ----------------------------------------------------------------------------------
# (Its speed, about 4 ms for 20 turns, is reported by `python -m brain.safety.conversation_eval`, not asserted.)

def test_twenty_turns_score_the_same_every_time():
    rows = D.load_dev()
    texts = [t for r in rows if r["labels"] for t in r["turns"]][:20]
    assert len(texts) == 20
    first = conversation_risk(texts)
    assert all(conversation_risk(texts) == first for _ in range(3))


def test_the_model_trains_once():
    model = M.get_turn_model()
    assert M.get_turn_model() is model and model.size > 7000
