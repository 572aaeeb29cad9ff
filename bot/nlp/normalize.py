"""Text normalization shared by the FAQ, commands and job matching.

Students type full-width digits, traditional characters, emoji and polite wrappers
(老师好，请问…谢谢); none of that changes what they are asking.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import opencc

_T2S = opencc.OpenCC("t2s")
_NON_WORD = re.compile(r"[\W_]+")
_SPACES = re.compile(r"\s+")

# Courtesies that carry no meaning for matching, longest first.
POLITE_PHRASES = sorted({
    "老师您好", "老师你好", "老师好", "老师们好", "您好", "你好", "哈喽", "hello", "hi",
    "我想请问一下", "想请问一下", "请问一下", "请问下", "请问", "请教一下", "请教下",
    "麻烦问一下", "麻烦问下", "麻烦您", "麻烦了", "打扰一下", "打扰了", "不好意思",
    "我想问一下", "我想问下", "想问一下", "想问下", "问一下", "问下", "我想了解一下",
    "谢谢老师", "谢谢您", "谢谢啦", "谢谢了", "谢谢", "多谢", "感谢", "thanks", "thx",
    "在吗", "在不在", "急急急", "急",
}, key=len, reverse=True)
_POLITE = re.compile("|".join(
    rf"(?<![a-z]){re.escape(p)}(?![a-z])" if p.isascii() else re.escape(p) for p in POLITE_PHRASES
))


@lru_cache(maxsize=8192)
def to_simplified(text: str) -> str:
    return _T2S.convert(text)


@lru_cache(maxsize=4096)
def fold(text: str) -> str:
    """Width, script and case folded; punctuation and emoji become single spaces.

    Cached: every command handler folds the same message while matching.
    """
    text = unicodedata.normalize("NFKC", text)
    text = to_simplified(text).lower()
    return _SPACES.sub(" ", _NON_WORD.sub(" ", text)).strip()


def strip_polite(folded: str) -> str:
    return _SPACES.sub(" ", _POLITE.sub(" ", folded)).strip()


def normalize(text: str) -> str:
    """What the FAQ matcher and the unanswered log see."""
    return strip_polite(fold(text))
