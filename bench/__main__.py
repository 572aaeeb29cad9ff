"""`python -m bench [NAME…]`: run the named benchmarks (all by default).

Several benchmarks run one process each, so one's memory (the FAQ run builds 5,000-entry
knowledge bases) never shows up in another's peak-memory figure.
"""
from __future__ import annotations

import importlib
import subprocess
import sys

BENCHES = ("faq", "intents", "webhook", "http", "push_match", "profile_match", "push_send", "kbsize")


def main(argv: list[str]) -> int:
    if argv[:1] == ["kbsize"]:             # takes its own arguments (sizes, --meaning)
        importlib.import_module("bench.kbsize").main(argv[1:])
        return 0
    names = argv or list(BENCHES)
    unknown = [n for n in names if n not in BENCHES]
    if unknown:
        print(f"unknown benchmark {unknown[0]!r}; choose from {', '.join(BENCHES)}")
        return 2
    if len(names) == 1:
        importlib.import_module(f"bench.{names[0]}").main()
        return 0
    failed = 0
    for name in names:
        failed |= subprocess.run([sys.executable, "-m", "bench", name]).returncode
    return 1 if failed else 0


raise SystemExit(main(sys.argv[1:]))
