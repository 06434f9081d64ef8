"""Moderation of every input and output: offline, fail-closed, child-specific.

The command line of ``brain.safety``: ``check`` moderates one text and prints its verdict (JSON);
``eval`` runs the safety evaluation (``brain/safety/evaluate.py``), prints the report and writes
``benchmarks/results/safety.{json,md}``; it exits 1 when the shipped set misses its targets.

Run as:
    python -m brain.safety check "text to check" [--direction output]
    python -m brain.safety eval        # the shipped safety set (pass/fail) + the held-out sets (r7, r8 dev; r10 test), see docs/safety.md
"""

from __future__ import annotations

import argparse
import json

from brain.safety.evaluate import evaluate, evaluate_heldout, print_report, write_report
from brain.safety.moderator import Moderator, moderate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m brain.safety", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check", help="moderate one text and print the verdict")
    check.add_argument("text")
    check.add_argument("--direction", choices=["input", "output"], default="input")
    ev = sub.add_parser("eval", help="run the safety evaluation set; write benchmarks/results/safety.{json,md}")
    ev.add_argument("--set", dest="path", default=None, help="JSONL evaluation set (default: the shipped one)")
    ev.add_argument("--out", default="benchmarks/results", help="directory for safety.json and safety.md")
    ev.add_argument("--show-misses", action="store_true", help="print the ids and texts of misses")
    ev.add_argument("--no-heldout", action="store_true",
                    help="skip the blind held-out sets (brain/safety/heldout-*.jsonl); they never change the exit code")
    args = parser.parse_args(argv)

    if args.command == "check":
        verdict = moderate(args.text, args.direction)
        print(json.dumps({**verdict.to_dict(), "rules": list(verdict.rules), "scores": verdict.scores,
                          "message": verdict.message}, indent=2))
        return 0

    moderator = Moderator()
    result = evaluate(args.path, moderator=moderator)
    if args.path is None and not args.no_heldout:  # the shipped set, with the blind sets beside it
        result["heldout"] = evaluate_heldout(moderator)
    print_report(result, show_misses=args.show_misses)
    paths = write_report(result, args.out)
    print("wrote " + ", ".join(str(p) for p in paths))
    return 0 if result["targets_met"] else 1  # the shipped set's targets only


if __name__ == "__main__":
    raise SystemExit(main())
