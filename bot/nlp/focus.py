"""What the matcher reads of a long message.

The model's cost grows with the length of what it reads (about 1.2 ms a token on one
core): a 1,000-character paste took over a second, twice when the intents are matched
too, and a few of them at once would keep every other student past WeChat's 5 seconds.
Students' questions are short (the longest of our 1,290 test and dev questions is 87
characters), so a longer message is read as its most telling clauses, those that alone
match some entry best, in the order the student wrote them. Words read only these too:
otherwise they would weigh the question against all the chatter around it.
"""
from __future__ import annotations

from typing import Callable

FOCUS_CHARS = 96     # characters; longer than any question in our test and dev sets


def focus(text: str, limit: int, weigh: Callable[[str], float]) -> str:
    """`text` itself when it fits in `limit` characters, else its clauses (split at the
    spaces normalization leaves for punctuation) that weigh most and fit together."""
    if len(text) <= limit:
        return text
    pieces = [p[i:i + limit] for p in text.split() for i in range(0, len(p), limit)]
    parts = list(reversed(dict.fromkeys(reversed(pieces))))    # a repeated clause once, the last time
    # Heaviest first; among equals the later one, where a rambling message usually asks.
    order = sorted(range(len(parts)), key=lambda i: (-weigh(parts[i]), -i))
    keep: list[int] = []
    used = -1
    for i in order:
        if used + 1 + len(parts[i]) <= limit:
            keep.append(i)
            used += 1 + len(parts[i])
    return " ".join(parts[i] for i in sorted(keep))
