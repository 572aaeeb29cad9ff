"""Which of the bot's features a message reaches: for measuring the intent layer.

A feature may be reached by an exact command (订阅 Java, 退订, 帮助) or by a sentence
(`handlers/intents.py`); either counts. Each message is sent as a new student through
the real dispatcher, so the order of the handler table and every guard before the FAQ
are measured, not only the intent matcher.
"""
from __future__ import annotations

from collections import defaultdict

from bot.context import BotContext
from bot.dispatcher import Dispatcher
from bot.message import Message

# handler name -> the feature it serves; the intent handler says which itself.
FEATURES = {"job_search": "job-search", "subscribe": "subscribe-help", "unsubscribe": "pause-push",
            "push_settings": "pause-push", "fairs": "fairs", "reminders": "fairs",
            "my_subscriptions": "my-subscriptions", "help": "help"}
NOT_A_FEATURE = ("faq", "fallback", "greeting")


def feature_of(dispatcher: Dispatcher, text: str, user: str) -> str | None:
    """The feature `text` reaches; None when the FAQ or the fallback takes it."""
    msg = Message("wechat", user, text)
    for handler in dispatcher.handlers:
        found = handler.match(msg, dispatcher.ctx)
        if found is None or found is False:
            continue
        if handler.name == "intents":
            return str(found)
        if handler.name in NOT_A_FEATURE:
            return None
        return FEATURES.get(handler.name, handler.name)
    return None


def evaluate_features(ctx: BotContext, cases: list[dict]) -> dict:
    """Share of cases reaching the expected feature, overall and per expected feature
    (`None`: the FAQ or the fallback), and the misses."""
    dispatcher = Dispatcher(ctx)
    per: dict[str | None, list[bool]] = defaultdict(list)
    misses = []
    for k, case in enumerate(cases):
        want = case.get("expect")
        got = feature_of(dispatcher, str(case["q"]), f"feature-case-{k}")
        per[want].append(got == want)
        if got != want:
            misses.append({"q": case["q"], "expect": want, "got": got})
    total = [ok for oks in per.values() for ok in oks]
    return {"accuracy": sum(total) / len(total),
            "by_expect": {str(k): sum(v) / len(v) for k, v in per.items()},
            "misses": misses}
