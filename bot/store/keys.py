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

    # jobs and fairs
    def jobs(self) -> str:
        return self._k("jobs", "data")

    def job_terms(self) -> str:
        return self._k("jobs", "terms")

    def jobs_by_time(self) -> str:
        return self._k("jobs", "by_time")

    def jobs_unmatched(self) -> str:
        return self._k("jobs", "unmatched")

    def fairs(self) -> str:
        return self._k("fairs", "data")

    def fairs_by_start(self) -> str:
        return self._k("fairs", "by_start")

    def feed_seen(self) -> str:
        return self._k("feed", "seen")

    # subscriptions and push preferences
    def subscriptions(self, channel: str, user_id: str) -> str:
        return self._k("subs", channel, user_id)

    def subscriptions_all(self) -> str:
        return self._k("subs", "_all")

    def subscriptions_seq(self) -> str:
        return self._k("subs", "_seq")

    def push_prefs(self, channel: str, user_id: str) -> str:
        return self._k("prefs", channel, user_id)

    def pending_jobs(self, channel: str, user_id: str) -> str:
        return self._k("pending", channel, user_id)

    def pending_students(self) -> str:
        return self._k("pending", "_students")

    def sent_jobs(self, channel: str, user_id: str) -> str:
        return self._k("sent", channel, user_id)

    def fair_reminders(self, fair_id: str) -> str:
        return self._k("remind", "fair", fair_id)

    def student_reminders(self, channel: str, user_id: str) -> str:
        return self._k("remind", "student", channel, user_id)

    # delivery
    def notice_once(self, notice_id: str) -> str:
        return self._k("notice", "queued", notice_id)

    def notice_state(self, notice_id: str) -> str:
        return self._k("notice", "state", notice_id)

    def outbox(self) -> str:
        return self._k("outbox")

    def outbox_retry(self) -> str:
        return self._k("outbox", "retry")

    def held(self, channel: str, user_id: str) -> str:
        return self._k("held", channel, user_id)

    def push_stats(self) -> str:
        return self._k("stats", "push")

    def rate(self, channel: str, second: int) -> str:
        return self._k("rate", channel, second)

    def wechat_token(self) -> str:
        return self._k("wechat", "access_token")

    def wechat_token_lock(self) -> str:
        return self._k("wechat", "access_token", "lock")

    def scheduler_lock(self) -> str:
        return self._k("scheduler", "leader")
