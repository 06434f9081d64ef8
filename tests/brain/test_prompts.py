"""The student-aware system prompt carries grade language, mode and each accommodation's rules."""

import pytest

from brain.prompts import ACCOMMODATION_RULES, build_messages, build_system_prompt, chat_ids, chat_text
from brain.schemas import Accommodation, Mode, StudentProfile


def profile(**kw):
    return StudentProfile(**{"student_id": "stu-1", "grade": 4, "subjects": ["math"], **kw})


@pytest.mark.parametrize(
    "acc, must_say",
    [
        (Accommodation.adhd, ["one step at a time", "small chunks"]),
        (Accommodation.dyslexia, ["short, plain sentences", "no tables"]),
        (Accommodation.autism, ["literal", "No idioms"]),
        (Accommodation.english_learner, ["simple, common vocabulary", "avoid slang and idioms"]),
        (Accommodation.dyscalculia, ["every number step"]),
    ],
)
def test_each_accommodation_adds_its_rules(acc, must_say):
    text = build_system_prompt(profile(accommodations=[acc]))
    plain = build_system_prompt(profile())
    for phrase in must_say:
        assert phrase in text
        assert phrase not in plain
    assert ACCOMMODATION_RULES[acc] in text


def test_several_accommodations_all_apply():
    text = build_system_prompt(profile(accommodations=["adhd", "dyslexia", "autism", "ell"]))
    for acc in (Accommodation.adhd, Accommodation.dyslexia, Accommodation.autism, Accommodation.english_learner):
        assert ACCOMMODATION_RULES[acc] in text


def test_language_follows_the_grade_band():
    young = build_system_prompt(profile(grade="K"))
    middle = build_system_prompt(profile(grade=7))
    high = build_system_prompt(profile(grade=11))
    assert "kindergarten" in young and "very short sentences" in young
    assert "grade 7" in middle and "middle-school" in middle
    assert "high-school" in high
    assert len({young, middle, high}) == 3


def test_reading_level_below_grade_lowers_the_language():
    text = build_system_prompt(profile(grade=6, reading_level=2))
    assert "reads at a grade 2 level" in text
    assert "very short sentences" in text  # K-2 language, not grade 6


def test_tutor_mode_does_not_give_the_answer_and_modes_differ():
    tutor = build_system_prompt(profile(), Mode.tutor)
    assert "Do not state the final answer" in tutor
    texts = {build_system_prompt(profile(), m) for m in Mode}
    assert len(texts) == len(Mode)


def test_messages_render_with_the_tokenizer_chat_template(tiny):
    msgs = build_messages(profile(accommodations=["adhd"]), "What is 3 x 4?", Mode.tutor)
    rendered = tiny.tokenizer.apply_chat_template(msgs, tokenize=False, add_generation_prompt=True)
    assert rendered.startswith("<|im_start|>system\n")
    assert "What is 3 x 4?" in rendered and rendered.rstrip().endswith("<|im_start|>assistant")


def test_chat_encoding_is_the_tokenizer_template(tiny):
    """The one encoding training and serving share gives what the tokenizer's own template gives."""
    tok = tiny.tokenizer
    msgs = build_messages(profile(accommodations=["dyslexia"]), "Why is the sky blue?", Mode.explain)
    answered = [*msgs, {"role": "assistant", "content": "Light scatters in the air."}]
    assert chat_text(tok, msgs) == tok.apply_chat_template(msgs, tokenize=False, add_generation_prompt=True)
    assert chat_text(tok, answered, add_generation_prompt=False) == tok.apply_chat_template(answered, tokenize=False)
    assert chat_ids(tok, msgs) == tok.apply_chat_template(msgs, add_generation_prompt=True, return_dict=True)["input_ids"]
    assert chat_ids(tok, answered, add_generation_prompt=False) == tok.apply_chat_template(
        answered, return_dict=True)["input_ids"]
    assert tok.decode(chat_ids(tok, msgs)) == chat_text(tok, msgs)
