"""Child-safety data and rules used by ``brain.moderation``.

``rules.py`` holds the categories (with their Llama Guard S-codes) and the
patterns; ``evalset.jsonl`` is the labelled safety evaluation set
(``python -m brain.moderation eval``); ``heldout-r7-dev.jsonl`` and
``heldout-r8-test.jsonl`` are the blind held-out batches it also reports (see docs/safety.md);
``train.jsonl`` trains the classifier and ``fastlinear.py`` scores the linear models quickly.
"""
