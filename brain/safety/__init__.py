"""Child safety: moderation of every input and output, offline, fail-closed, child-specific.

The code, by role (import the module you need; this package imports nothing, so no circle):
``moderator.py`` (``Moderator``, ``moderate``, ``get_moderator``), ``verdict.py`` (``Verdict`` and the
policy that turns categories into an action and a message), ``messages.py`` (what a child reads
instead), ``streams.py`` (``StreamModerator``), ``escalation.py`` (safety events and the webhook),
``evaluate.py`` (the safety evaluation), ``classifier.py`` and ``fastlinear.py`` (the learned
classifier), ``rules.py`` (the categories, with their Llama Guard S-codes, and the patterns).

The data: ``evalset.jsonl`` is the labelled safety evaluation set (``python -m brain.safety eval``);
``heldout-r7-dev.jsonl``, ``heldout-r8-test.jsonl`` and ``heldout-r10-test.jsonl`` are the blind
held-out batches it also reports (see docs/safety.md); ``train.jsonl`` trains the classifier.

Run as:
    python -m brain.safety check "text to check" [--direction output]
    python -m brain.safety eval
"""
