"""The one place that builds Redis keys. Every key starts with the configured namespace."""
from __future__ import annotations


class Keys:
    """Named key builders; handlers and channels never format a key themselves."""

    def __init__(self, namespace: str) -> None:
        self.ns = namespace

    def _k(self, *parts: object) -> str:
        return ":".join([self.ns, *(str(p) for p in parts)])

    # platform de-duplication
    def delivery(self, channel: str, delivery_id: str) -> str:
        return self._k("dedup", channel, delivery_id)

    def delivery_reply(self, channel: str, delivery_id: str) -> str:
        return self._k("dedup", channel, delivery_id, "reply")

    # Feishu open API: one tenant token and bot identity shared by every process
    def feishu_token(self, app_id: str) -> str:
        return self._k("feishu", app_id, "tenant_token")

    def feishu_token_lock(self, app_id: str) -> str:
        return self._k("feishu", app_id, "tenant_token", "lock")

    def feishu_bot_open_id(self, app_id: str) -> str:
        return self._k("feishu", app_id, "bot_open_id")

    # conversation state
    def choices(self, channel: str, user_id: str) -> str:
        return self._k("conv", channel, user_id, "choices")

    def more(self, channel: str, user_id: str) -> str:
        return self._k("conv", channel, user_id, "more")

    # questions the bot could not answer well
    def unanswered_counts(self) -> str:
        return self._k("unanswered", "counts")

    def unanswered_examples(self) -> str:
        return self._k("unanswered", "examples")

    def unanswered_best(self) -> str:
        return self._k("unanswered", "best")

    # FAQ statistics
    def faq_hits(self) -> str:
        return self._k("stats", "faq_hits")
