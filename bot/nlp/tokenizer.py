"""jieba segmentation with a per-knowledge-base dictionary.

jieba's module-level tokenizer is global; each knowledge base gets its own
`jieba.Tokenizer` so two knowledge bases in one process never share user words.
The big base dictionary is loaded once and copied, which is far cheaper than reloading.
"""
from __future__ import annotations

import logging
import threading
from typing import Iterable

import jieba

jieba.setLogLevel(logging.WARNING)

_base: jieba.Tokenizer | None = None
_base_lock = threading.Lock()

STOPWORDS = frozenset("""
的 了 吗 呢 啊 吧 呀 嘛 么 哦 哈 噢 嗯 啦 哇 呐 诶 哎 额 呃 滴 地 得 着 过 之
我 我们 你 你们 您 他 她 它 他们 咱 咱们 自己 人家 俺
是 在 有 要 想 会 能 可 可以 能够 应该 需要 得要 该 请 让 给 把 被 对 向 从 跟 和 与 及 或 或者 还是
怎么 怎么办 怎样 怎么样 如何 什么 啥 咋 咋办 咋整 哪 哪里 哪儿 哪些 哪个 什么样 多少 几 为什么 为啥 是否 是不是 能不能 可不可以 有没有 要不要 会不会
这 那 这个 那个 这些 那些 这样 那样 这种 那种 此 该 其
一下 一点 一些 一个 个 下 就 都 还 也 又 再 才 只 很 太 更 最 挺 非常 比较 特别 真的 到底 究竟 其实 然后 那么 所以 因为 但是 不过 如果 的话 现在 目前 已经 刚刚 刚
问 问题 请问 叫 啥叫 是啥 知道 告诉 了解 情况 事情 东西 一般 具体 相关 方面 关于 对于 有关
老师 同学 学长 学姐 小白 大家
ok okay
""".split())


def _base_tokenizer() -> jieba.Tokenizer:
    global _base
    with _base_lock:
        if _base is None:
            tk = jieba.Tokenizer()
            tk.initialize()
            _base = tk
        return _base


def new_tokenizer(words: Iterable[str]) -> jieba.Tokenizer:
    """A fresh tokenizer that keeps each of `words` whole."""
    base = _base_tokenizer()
    tk = jieba.Tokenizer()
    tk.FREQ = dict(base.FREQ)
    tk.total = base.total
    tk.initialized = True
    for word in sorted(set(words)):
        if len(word) >= 2 and " " not in word:
            tk.add_word(word, freq=max(tk.suggest_freq(word, False), 1000))
    return tk


def is_dictionary_word(tk: jieba.Tokenizer, word: str) -> bool:
    return tk.FREQ.get(word, 0) > 0


def all_words(tk: jieba.Tokenizer, text: str) -> list[str]:
    """Every word, stopwords included; no spaces or punctuation."""
    return [t for t in tk.lcut(text, HMM=False) if t.strip()]


def content_tokens(tk: jieba.Tokenizer, text: str) -> list[str]:
    """Words that carry meaning: no spaces, punctuation or stopwords."""
    return [t for t in all_words(tk, text) if t not in STOPWORDS]
