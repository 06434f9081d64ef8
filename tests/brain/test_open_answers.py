"""Exact normalisations of open answers (brain/open_answers.py): what they decide, and what they leave to the model."""

import pytest

from brain.open_answers import decide, edits, misspelt, numbers_to_digits

WHO = "Who was the first President of the United States?"


@pytest.mark.parametrize("student, reference, question, rule", [
    ("CO2", "carbon dioxide", "", "formula"),
    ("CO₂", "CO2", "", "same text"),
    ("co2", "CO2", "", "same text"),
    ("carbon dioxide", "CO2", "", "formula"),
    ("H2O", "water", "", "formula"),
    ("NaCl", "sodium chloride", "", "formula"),
    ("O", "oxygen", "", "formula"),
    ("heat and O2", "heat and oxygen", "", "wording"),
    ("carbon dioxide gas", "carbon dioxide", "", "formula"),
    ("washington", "George Washington", WHO, "surname"),
    ("Dr. King", "Martin Luther King Jr.", "Who gave the speech?", "surname"),
    ("Magellan", "Ferdinand Magellan's", "Whose expedition sailed around the world?", "surname"),
    ("White", "E. B. White", 'Who wrote "Charlotte\'s Web"?', "surname"),
    ("George Washinton", "George Washington", WHO, "spelling"),
    ("twelve", "12", "", "number words"),
    ("three hundred", "300", "", "number words"),
    ("one hundred twenty-five", "125", "", "number words"),
    ("seventeen seventy-six", "1776", "", "number words"),
    ("eight", "8", "", "number words"),
    ("8 planets", "eight", "", "number words"),
    ("zero degrees", "0 degrees Celsius", "", "number words"),
    ("four thousand", "4,000 (four thousands)", "", "number words"),
    ("one half", "1/2", "", "number words"),
    ("the roots", "roots", "", "wording"),
    ("Washington DC", "Washington, D.C.", "What is the capital?", "same text"),
    ("solid, liquid, gas", "solid, liquid, and gas", "", "wording"),
    ("photosynthesiss", "photosynthesis", "", "spelling"),
    ("fotosynthesis", "photosynthesis", "", "spelling"),
    ("brick", "bricks", "What did the third pig build his house with?", "wording"),
])
def test_exact_rules_accept(student, reference, question, rule):
    decision = decide(student, reference, question)
    assert decision is not None and decision.correct and decision.rule == rule, decision
    assert decision.method == ("exact" if rule == "same text" else "normalized")


@pytest.mark.parametrize("student, reference", [
    ("CO", "carbon dioxide"),  # carbon monoxide
    ("CO", "CO2"),
    ("CO2", "methane"),
    ("fifty-two", "50"),
    ("twelve", "13"),
    ("eight", "6"),
])
def test_one_value_against_another_is_decided_wrong(student, reference):
    decision = decide(student, reference)
    assert decision is not None and not decision.correct


@pytest.mark.parametrize("student, reference, question", [
    ("Lincoln", "George Washington", WHO),  # another person: the model decides
    ("Abraham Lincoln", "George Washington", WHO),
    ("Martin Luther", "Martin Luther King Jr.", "Who gave the speech?"),  # no surname
    ("Washington", "Washington, D.C.", "What is the capital of the United States?"),  # a place, not a person
    ("hundreds", "hundredths", ""),  # a real word two edits away is not a misspelling
    ("mouses", "mice", "What is the plural of mouse?"),
    ("brick", "bricks", "What is the plural of brick?"),  # plurals matter in a plural question
    ("huge", "large", ""),  # synonyms are the model's
    ("H2O2", "water", ""),
    ("Venus, Mercury, Earth", "Mercury, Venus, Earth", "Name the first three planets, in order."),
])
def test_not_decided_or_not_correct(student, reference, question):
    decision = decide(student, reference, question)
    assert decision is None or not decision.correct, decision


def test_number_words_and_spelling_helpers():
    assert numbers_to_digits("nine hundred ninety-nine") == "999"
    assert numbers_to_digits("twenty five") == "25"
    assert numbers_to_digits("two thirds of it") == "2/3 of it"
    assert edits("omnivor", "omnivore") == 1 and edits("mayflour", "mayflower") == 2
    assert misspelt("jeferson", "jefferson") and not misspelt("desert", "dessert")
    assert not misspelt("cat", "car")  # short words: never
