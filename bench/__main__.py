"""`python -m bench [NAME…]`: run the named benchmarks (all by default)."""
from __future__ import annotations

import importlib
import sys

BENCHES = ("faq", "webhook", "push_match", "push_send")


def main(argv: list[str]) -> int:
    for name in argv or BENCHES:
        if name not in BENCHES:
            print(f"unknown benchmark {name!r}; choose from {', '.join(BENCHES)}")
            return 2
        importlib.import_module(f"bench.{name}").main()
    return 0


raise SystemExit(main(sys.argv[1:]))
