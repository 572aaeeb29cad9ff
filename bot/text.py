"""Text hygiene every side shares: broken surrogates, emoji.

A terminal paste or a platform's JSON can carry halves of UTF-16 pairs or bytes a
terminal could not decode (Python keeps those as lone surrogates); such a string
cannot be encoded, so Redis, a log line or `print` fails on it with UnicodeEncodeError.
`clean` makes any string encodable, keeping every character that was really there.
Emoji matter twice: WeChat template fields do not show them, and a message that is
nothing but emoji (👍) is a reaction, not a question.
"""
from __future__ import annotations

import re
import unicodedata

_SURROGATE = re.compile("[\ud800-\udfff]")
_ESCAPED_BYTES = re.compile("[\udc80-\udcff]+")      # bytes a decoder kept as surrogates
# Joiners, variation selectors, keycaps and skin tones: parts of an emoji, not characters.
_EMOJI_PARTS = re.compile("[\u200d\u20e3\ufe0e\ufe0f\U0001F3FB-\U0001F3FF]")


def clean(text: str) -> str:
    """`text` made encodable: split pairs joined, undecoded bytes decoded, the rest replaced."""
    if not _SURROGATE.search(text):
        return text
    joined = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")
    recovered = _ESCAPED_BYTES.sub(
        lambda m: m.group(0).encode("utf-8", "surrogateescape").decode("utf-8", "replace"), joined)
    return _SURROGATE.sub("\ufffd", recovered)


def is_emoji(ch: str) -> bool:
    return unicodedata.category(ch) == "So" or bool(_EMOJI_PARTS.match(ch))


def strip_emoji(text: str) -> str:
    return "".join(ch for ch in text if not is_emoji(ch))


# WeChat's own faces arrive as text: [强], [微笑], /::) , /:strong
_WECHAT_FACE = re.compile(r"\[[^\[\]\s]{1,4}\]|/:[^\s/\[\]]{1,8}")


def only_emoji(text: str) -> bool:
    """A message of emoji, WeChat faces and punctuation only (👍, [强], 😂😂!)."""
    rest = _WECHAT_FACE.sub("", text)
    had_face = rest != text
    rest = "".join(ch for ch in rest if not ch.isspace()
                   and unicodedata.category(ch)[0] not in "P")
    if not rest:
        return had_face
    return all(is_emoji(ch) for ch in rest)
