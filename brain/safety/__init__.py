"""Child-safety data and rules used by ``brain.moderation``.

``rules.py`` holds the categories (with their Llama Guard S-codes) and the
patterns; ``evalset.jsonl`` is the labelled safety evaluation set
(``python -m brain.moderation eval``).
"""
