"""Assessment grading: exact sympy checks, the model's verdict, the overlap fallback, the request's errors."""

import time

import pytest
from pydantic import ValidationError

from brain.mathcheck import NotCheckable, parse_math
from brain.mathcompare import check_exact
from serving.assess import assess, grade_open, parse_verdict
from serving.schemas import AssessRequest

CTX = {"student_id": "stu-1", "grade": 4}


def no_model(messages, max_new_tokens):
    raise AssertionError("exact answers must not call the model")


@pytest.mark.parametrize("student, reference", [
    ("0.75", "3/4"), ("3/4", "0.75"), ("6/8", "3/4"), ("1 1/2", "3/2"), ("1 and 1/2", "1.5"), ("1½", "1.5"),
    ("75%", "0.75"), ("0.75", "75%"), ("75", "75%"), ("-3", "-3"), ("−3", "-3"), ("1,000", "1000"),
    ("12 cm", "12"), ("12", "12 cm"), ("12 centimeters", "12 cm"), ("12cm", "12 cm"), ("$3.50", "3.50 dollars"),
    ("90°", "90 degrees"), ("12 square feet", "12 ft^2"), ("12 apples", "12"),
    ("2x+3", "3+2*x"), ("x^2 - 1", "(x-1)(x+1)"), ("x(2+1)", "3x"),
    ("x=4", "4"), ("4", "x = 4"), ("y = 2x + 3", "2x+3"), ("2x + 3 = 11", "11 = 2x+3"),
    ("2, 3", "3, 2"), ("{3,2}", "2 and 3"), ("x = 2 or x = -3", "-3, 2"), ("(2,3)", "(2, 3)"),
    ("b", "B"), ("The answer is 7/8.", "7/8"),
    ("3/4 + 1/8 = 7/8", "7/8"), ("6/8 + 1/8 = 7/8 = 0.875", "7/8"),
    ("I think it's 12 cm because 3 times 4 is 12", "12 cm"),
    ("3.14", "pi"), ("1.41", "sqrt(2)"),
])
def test_equivalent_answers_are_correct(student, reference):
    result = assess(AssessRequest(question="q", student_answer=student, reference_answer=reference, context=CTX),
                    no_model)
    assert (result.correct, result.score, result.method) == (True, 1.0, "exact"), result


@pytest.mark.parametrize("student, reference, score", [
    ("2x+3", "2x+4", 0.0), ("y=4", "x=4", 0.0), ("(3, 2)", "(2, 3)", 0.0), ("3.15", "pi", 0.0),
    ("0.33", "1/3", 0.5),  # near but not exact: a rounded decimal of 1/3 is not 1/3
    ("12 m", "12 cm", 0.5),  # right number, wrong unit
    ("2", "2, 3", 0.5), ("2, 3, 4", "2, 3", round(2 / 3, 3)),  # lists: share of items right
    ("13", "12", 0.0), ("-3/4", "3/4", 0.0), ("2 + 2 = 5", "4", 0.0),
])
def test_wrong_answers_get_partial_or_no_credit(student, reference, score):
    result = assess(AssessRequest(question="q", student_answer=student, reference_answer=reference, context=CTX),
                    no_model)
    assert not result.correct and result.method == "exact"
    assert result.score == pytest.approx(score)
    assert reference in result.feedback  # after grading, the answer may be shown


def test_unsafe_or_huge_input_is_not_parsed():
    for text in ["9^9^9", "(10^1000)^1000", "(x+1)^1000", "__import__('os').system('true')", "x" * 201,
                 "lambda: 1", "0.333..."]:
        with pytest.raises(NotCheckable):
            parse_math(text)
    start = time.perf_counter()
    assert check_exact("9^9^9", "3") is None  # goes to the model, never evaluated
    assert time.perf_counter() - start < 1


def test_prose_and_repeating_decimals_go_to_the_model():
    assert check_exact("photosynthesis", "photosynthesis") is None
    assert check_exact("seven eighths", "7/8") is None
    assert check_exact("0.333...", "1/3") is None
    assert check_exact("no", "no") is None


def test_feedback_reads_at_the_students_level():
    young = assess(AssessRequest(question="q", student_answer="5", reference_answer="6",
                                 context={"student_id": "k1", "grade": "K"}), no_model)
    older = assess(AssessRequest(question="q", student_answer="5", reference_answer="6",
                                 context={"student_id": "h1", "grade": 11}), no_model)
    sentences = [s for s in young.feedback.replace("!", ".").split(".") if s.strip()]
    assert all(len(s.split()) <= 10 for s in sentences)
    assert young.feedback != older.feedback and "6" in young.feedback and "6" in older.feedback
    # a student reading below grade gets the simpler text
    low = assess(AssessRequest(question="q", student_answer="5", reference_answer="6",
                               context={"student_id": "h2", "grade": 11, "reading_level": 1}), no_model)
    assert low.feedback == young.feedback


def test_blank_answer_scores_zero_without_the_model():
    result = assess(AssessRequest(question="q", student_answer="  ", reference_answer="Paris", context=CTX), no_model)
    assert (result.score, result.correct) == (0.0, False) and "answer" in result.feedback


def test_open_answers_use_the_models_verdict():
    seen = {}

    def fake(messages, max_new_tokens):
        seen["messages"], seen["max"] = messages, max_new_tokens
        return "VERDICT: correct\nSCORE: 0.9\nFEEDBACK: You named sunlight, water and air."

    request = AssessRequest(question="What do plants need to make food?", student_answer="sun water and air",
                            reference_answer="Sunlight, water and carbon dioxide", context=CTX)
    result = assess(request, fake)
    assert (result.method, result.correct, result.score) == ("model", True, 0.9)
    assert "You named sunlight" in result.feedback
    prompt = seen["messages"][-1]["content"]
    assert "Sunlight, water and carbon dioxide" in prompt and "sun water and air" in prompt
    assert "grade 4" in seen["messages"][0]["content"] and seen["max"] > 0


@pytest.mark.parametrize("reply, score, correct", [
    ("VERDICT: incorrect\nSCORE: 0\nFEEDBACK: Look again.", 0.0, False),
    ("Verdict: partly correct\nScore: 5/10", 0.5, False),
    ("**Verdict:** Correct", 1.0, True),
    ("Correct! Well done.", 1.0, True),
    ("SCORE: 80%", 0.8, True),
    ("SCORE: 7", 0.7, True),
    ("VERDICT: correct\nSCORE: 0.1", 1.0, True),  # they disagree: the verdict wins
])
def test_verdict_parsing(reply, score, correct):
    parsed = parse_verdict(reply)
    assert parsed is not None and parsed[0] == pytest.approx(score) and parsed[1] is correct


def test_unreadable_verdict_falls_back_to_word_overlap():
    def babble(messages, max_new_tokens):
        return "Plants are green and nice."

    good = grade_open("Why do we have seasons?", "Because the earth's axis is tilted as it orbits the sun",
                      "The Earth's tilted axis as it orbits the Sun", None, 7, babble)
    bad = grade_open("Why do we have seasons?", "Because it gets cold", "The Earth's tilted axis as it orbits the Sun",
                     None, 7, babble)
    assert good.method == bad.method == "overlap" and "no verdict" in good.note
    assert good.correct and good.score >= 0.6 and not bad.correct and bad.score < 0.3


def test_rubric_only_goes_to_the_model():
    result = assess(AssessRequest(question="Explain why 2/4 = 1/2", student_answer="both are half",
                                  rubric="Says both fractions name the same part of a whole", context=CTX),
                    lambda m, n: "VERDICT: partly correct")
    assert result.method == "model" and result.score == 0.5 and result.expected is None


@pytest.mark.parametrize("body, field", [
    ({"question": "q", "student_answer": "1", "context": CTX}, "reference_answer"),
    ({"question": "q", "student_answer": "1", "reference_answer": " ", "context": CTX}, "reference_answer"),
    ({"question": " ", "student_answer": "1", "reference_answer": "1", "context": CTX}, "question"),
    ({"question": "q", "student_answer": "1", "reference_answer": "1", "context": {"student_id": "s", "grade": 19}},
     "grade"),
    ({"question": "q", "student_answer": "1", "reference_answer": "1"}, "context"),
    ({"question": "q", "student_answer": "1", "reference_answer": "1", "context": CTX, "extra": 1}, "extra"),
])
def test_bad_requests_name_the_field(body, field):
    with pytest.raises(ValidationError) as info:
        AssessRequest.model_validate(body)
    locs = [".".join(str(p) for p in e["loc"]) for e in info.value.errors()]
    assert any(loc.endswith(field) for loc in locs), locs


# -- open answers: exact rules first, the model's label scores, overlap only when the model cannot score --------

def yes_no(margin):
    """A fake label scorer whose verdict margin (log P(" Yes") - log P(" No") + LABEL_BIAS) is ``margin``."""
    from serving.assess import LABEL_BIAS

    calls = []

    def score(messages, labels, prefix):
        calls.append((messages, labels, prefix))
        return {labels[0]: -0.1, labels[1]: -0.1 - margin + LABEL_BIAS}

    score.calls = calls
    return score


def failing_scorer(messages, labels, prefix):
    raise RuntimeError("CUDA out of memory")


def _open(student, reference, question="q", score_fn=None):
    return assess(AssessRequest(question=question, student_answer=student, reference_answer=reference,
                                context=CTX), score_fn=score_fn or yes_no(-5.0))


@pytest.mark.parametrize("student, reference, question, method", [
    ("CO2", "carbon dioxide", "What gas do plants take in?", "normalized"),
    ("washington", "George Washington", "Who was the first President?", "normalized"),
    ("twelve", "12", "How many months are in a year?", "normalized"),
    ("Photosynthesis.", "photosynthesis", "q", "exact"),
])
def test_exact_rules_decide_before_the_model(student, reference, question, method):
    scorer = yes_no(-5.0)  # the model would say "No": the rule decides first
    result = _open(student, reference, question, scorer)
    assert (result.correct, result.score, result.method) == (True, 1.0, method) and not scorer.calls


def test_a_different_value_is_wrong_by_the_rule_and_another_person_goes_to_the_model():
    wrong = _open("CO", "carbon dioxide")
    assert (wrong.correct, wrong.method) == (False, "normalized") and "carbon monoxide" in wrong.note
    assert "carbon dioxide" in wrong.feedback  # the answer is shown after grading
    scorer = yes_no(-3.0)
    other = _open("Lincoln", "George Washington", "Who was the first President?", scorer)
    assert (other.correct, other.method) == (False, "model") and len(scorer.calls) == 1


def test_the_model_verdict_is_a_label_choice():
    scorer = yes_no(2.0)
    result = _open("huge", "large", "What is a synonym for big?", scorer)
    assert (result.correct, result.method) == (True, "model") and result.score == pytest.approx(0.881, abs=1e-3)
    messages, labels, prefix = scorer.calls[0]
    assert labels == [" Yes", " No"] and "large" in messages[-1]["content"] and "huge" in messages[-1]["content"]
    assert not _open("tiny", "large", "q", yes_no(-2.0)).correct


def test_overlap_only_when_the_scorer_fails():
    good = _open("the earth's axis is tilted as it orbits the sun", "The Earth's tilted axis as it orbits the Sun",
                 "Why do we have seasons?", failing_scorer)
    bad = _open("because it gets cold", "The Earth's tilted axis as it orbits the Sun", "Why?", failing_scorer)
    assert good.method == bad.method == "overlap" and "could not score" in good.note and "RuntimeError" in good.note
    assert good.correct and not bad.correct
    assert _open("because it gets cold", "The Earth's tilted axis", "Why?", yes_no(1.0)).method == "model"


def test_grader_prompt_is_bounded():
    scorer = yes_no(1.0)
    _open("word " * 390, "a long reference " * 110, "q " * 900, scorer)
    assert len(scorer.calls[0][0][-1]["content"]) < 1500


def test_label_scorer_always_reads_a_verdict_on_the_tiny_model(tiny):
    from serving.assess import GRADER_LABELS, grade_open
    from serving.label_scores import LabelScorer, PromptTooLong

    scorer = LabelScorer(tiny.model, tiny.tokenizer)
    for student, reference in [("sun water and air", "Sunlight, water and carbon dioxide"), ("huge", "large"),
                               ("asdf qwer", "the mitochondria")]:
        result = grade_open("What is it?", student, reference, None, 5, score_fn=scorer.score)
        assert result.method == "model" and 0.0 <= result.score <= 1.0 and result.feedback
    messages = [{"role": "user", "content": "Is it right?"}]
    single = scorer.score(messages, list(GRADER_LABELS), "Answer:")
    multi = scorer.score(messages, [" Yes", " No", " partly correct"], "Answer:")  # a multi-token label: batched
    assert set(single) == set(GRADER_LABELS) and all(v < 0 for v in multi.values())
    assert multi[" Yes"] == pytest.approx(single[" Yes"], abs=1e-4)  # the batched path agrees
    with pytest.raises(PromptTooLong):
        LabelScorer(tiny.model, tiny.tokenizer, max_prompt_tokens=8).score(messages, [" Yes"], "")


def test_label_scores_skip_the_engines_lora_wrappers(tiny):
    from serving.label_scores import base_view
    from serving.lora_bank import GatheredLoRALinear, LoraBank

    view = base_view(tiny.model)
    assert not any(isinstance(m, GatheredLoRALinear) for m in view.modules())
    assert view.model.embed_tokens.weight is tiny.model.model.embed_tokens.weight  # shared, not copied
    import copy

    wrapped = copy.deepcopy(tiny.model)
    LoraBank(wrapped, slots=2)
    assert not any(isinstance(m, GatheredLoRALinear) for m in base_view(wrapped).modules())


def test_label_scores_work_on_the_engines_packed_model(tiny):
    """The engine packs its Linear layers for oneDNN (opaque tensors deepcopy cannot copy): the scorer's
    base view must share them, and score as the unpacked model does."""
    import copy

    from serving.kernels import pack_linears
    from serving.label_scores import LabelScorer

    messages = [{"role": "user", "content": "Is it right?"}]
    plain = LabelScorer(tiny.model, tiny.tokenizer).score(messages, [" Yes", " No"], "Answer:")
    packed = copy.deepcopy(tiny.model)
    if not pack_linears(packed):
        pytest.skip("the packed oneDNN path does not apply on this machine")
    scores = LabelScorer(packed, tiny.tokenizer).score(messages, [" Yes", " No"], "Answer:")
    assert scores == pytest.approx(plain, abs=1e-3)
