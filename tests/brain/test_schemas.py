"""Schemas: K-12 grades, accommodations, baselines; errors name the field."""

import pytest
from pydantic import ValidationError

from brain.schemas import (
    Accommodation,
    Baseline,
    GenerationRequest,
    LearningStyle,
    StudentProfile,
    parse_grade,
)


def _item(i, **kw):
    base = dict(item_id=f"q{i}", question="What is 1/2 + 1/4?", skill="adding fractions",
                standard="4.NF.B.3", student_answer="2/6", correct_answer="3/4", correct=False,
                seconds_taken=30.0)
    base.update(kw)
    return base


def _baseline(**kw):
    base = dict(assessment_id="b1", student={"student_id": "stu-1", "grade": 4},
                items=[_item(1), _item(2, correct=True, student_answer="3/4")])
    base.update(kw)
    return base


def _fields(exc: ValidationError) -> list[str]:
    return [".".join(str(p) for p in e["loc"]) for e in exc.errors()]


@pytest.mark.parametrize("raw, grade", [("K", 0), ("kindergarten", 0), (0, 0), ("5", 5), (12, 12),
                                        ("grade 7", 7), ("3rd", 3)])
def test_grades_k_to_12_are_accepted(raw, grade):
    assert parse_grade(raw) == grade


@pytest.mark.parametrize("raw", [19, "19", -1, "thirteen", 13, True, 4.5])
def test_grade_outside_k12_is_refused_with_a_message(raw):
    with pytest.raises(ValueError, match="grade must be K or 1-12"):
        parse_grade(raw)


def test_profile_normalises_accommodation_names_and_rejects_unknown():
    p = StudentProfile(student_id="stu-1", grade="3", accommodations=["ADHD", "ell", "Dyslexia"],
                       learning_style="Visual")
    assert p.accommodations == [Accommodation.adhd, Accommodation.english_learner, Accommodation.dyslexia]
    assert p.learning_style is LearningStyle.visual
    assert p.effective_reading_level == 3
    with pytest.raises(ValidationError) as err:
        StudentProfile(student_id="stu-1", grade=3, accommodations=["telepathy"])
    assert _fields(err.value) == ["accommodations.0"]


def test_student_id_must_be_an_opaque_id_not_an_email():
    with pytest.raises(ValidationError) as err:
        StudentProfile(student_id="alex@example.com", grade=3)
    assert _fields(err.value) == ["student_id"]


def test_valid_baseline_parses():
    b = Baseline.model_validate(_baseline())
    assert len(b.items) == 2 and b.student.grade == 4


@pytest.mark.parametrize(
    "change, field",
    [
        ({"items": []}, "items"),
        ({"student": {"student_id": "stu-1", "grade": 19}}, "student.grade"),
        ({"student": {"grade": 4}}, "student.student_id"),
        ({"items": [_item(1, seconds_taken=-3)]}, "items.0.seconds_taken"),
        ({"items": [{k: v for k, v in _item(1).items() if k != "correct_answer"}]}, "items.0.correct_answer"),
        ({"overall_score": 140}, "overall_score"),
    ],
)
def test_invalid_baseline_names_the_field(change, field):
    with pytest.raises(ValidationError) as err:
        Baseline.model_validate(_baseline(**change))
    assert field in _fields(err.value)


def test_duplicate_item_ids_are_refused():
    with pytest.raises(ValidationError, match="duplicate item_id 'q1'"):
        Baseline.model_validate(_baseline(items=[_item(1), _item(1)]))


def test_generation_request_reference_shape_and_errors():
    req = GenerationRequest.model_validate({
        "prompt": "Explain fractions to a 3rd grader",
        "context": {"student_id": "test123", "grade": "3", "subject": "Math",
                    "learning_style": "visual", "disability": "adhd"},
    })
    assert req.context.profile().accommodations == [Accommodation.adhd]
    assert req.mode.value == "explain"
    for body, field in [
        ({"prompt": "   ", "context": {"student_id": "s", "grade": 3}}, "prompt"),
        ({"prompt": "hi"}, "context"),
        ({"prompt": "hi", "context": {"student_id": "s", "grade": 3}, "temperature": 3}, "temperature"),
        ({"prompt": "hi", "context": {"student_id": "s", "grade": 3}, "max_tokens": 0}, "max_tokens"),
        ({"prompt": "hi", "context": {"student_id": "s", "grade": 3}, "mode": "sing"}, "mode"),
    ]:
        with pytest.raises(ValidationError) as err:
            GenerationRequest.model_validate(body)
        assert _fields(err.value) == [field], body
