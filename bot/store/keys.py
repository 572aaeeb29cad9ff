"""The one place that builds Redis keys. Every key starts with the configured namespace."""
from __future__ import annotations

from ..records import StudentKey


class Keys:
    """Named key builders; nothing outside `bot/store` formats a key or sees this class."""

    def __init__(self, namespace: str) -> None:
        self.ns = namespace

    def _k(self, *parts: object) -> str:
        return ":".join([self.ns, *(str(p) for p in parts)])

    def pattern(self) -> str:
        """Every key of this bot, for SCAN (backup, tests)."""
        return f"{self.ns}:*"

    # platform de-duplication
    def delivery(self, channel: str, delivery_id: str) -> str:
        return self._k("dedup", channel, delivery_id)

    def delivery_reply(self, channel: str, delivery_id: str) -> str:
        return self._k("dedup", channel, delivery_id, "reply")

    # platform access tokens shared by every process, and their refresh locks
    def token(self, name: str) -> str:
        return self._k("token", name)

    def token_lock(self, name: str) -> str:
        return self._k("token", name, "lock")

    def cached_value(self, name: str) -> str:
        return self._k("cache", name)

    # conversation state
    def choices(self, student: StudentKey) -> str:
        return self._k("conv", student.channel, student.user_id, "choices")

    def more(self, student: StudentKey) -> str:
        return self._k("conv", student.channel, student.user_id, "more")

    def fair_list(self, student: StudentKey) -> str:
        return self._k("conv", student.channel, student.user_id, "fairs")

    # questions the bot could not answer well
    def unanswered_counts(self) -> str:
        return self._k("unanswered", "counts")

    def unanswered_examples(self) -> str:
        return self._k("unanswered", "examples")

    def unanswered_best(self) -> str:
        return self._k("unanswered", "best")

    def unanswered_status(self) -> str:
        return self._k("unanswered", "status")

    def unanswered_daily(self) -> str:
        return self._k("unanswered", "daily")

    def unanswered_rejected(self) -> str:
        return self._k("unanswered", "rejected")

    def unanswered_picked(self) -> str:
        return self._k("unanswered", "picked")

    # students' question vectors, shared by the bot's processes (no text, no student)
    def question_vector(self, digest: str) -> str:
        return self._k("qvec", digest)

    def rebuilt_when_missing(self, key: str) -> bool:
        """A cache any process makes again (question vectors): left out of backups."""
        return key.startswith(self._k("qvec", ""))

    # FAQ statistics
    def faq_hits(self) -> str:
        return self._k("stats", "faq_hits")

    def question_outcomes(self, day: str) -> str:
        return self._k("stats", "questions", day)

    def push_daily(self, day: str) -> str:
        return self._k("stats", "push", day)

    # students the bot has heard from (broadcast audiences)
    def students_seen(self) -> str:
        return self._k("students", "seen")

    # the staff console: accounts, login throttling, audit trail, KB history, broadcasts
    def staff_accounts(self) -> str:
        return self._k("staff", "accounts")

    def login_failures(self, who: str) -> str:
        return self._k("staff", "login_failures", who)

    def audit_log(self) -> str:
        return self._k("audit")

    def kb_history(self) -> str:
        return self._k("kb", "history")

    def kb_history_seq(self) -> str:
        return self._k("kb", "history_seq")

    def upload(self, token: str) -> str:
        return self._k("upload", token)

    def broadcasts(self) -> str:
        return self._k("broadcast", "data")

    def broadcast_seq(self) -> str:
        return self._k("broadcast", "seq")

    def broadcasts_due(self) -> str:
        return self._k("broadcast", "due")

    def broadcast_recipients(self, broadcast_id: str) -> str:
        return self._k("broadcast", "recipients", broadcast_id)

    # jobs and fairs
    def jobs(self) -> str:
        return self._k("jobs", "data")

    def job_terms(self) -> str:
        return self._k("jobs", "terms")

    def jobs_by_time(self) -> str:
        return self._k("jobs", "by_time")

    def jobs_unmatched(self) -> str:
        return self._k("jobs", "unmatched")

    def terms_vocabulary(self) -> str:
        """The fingerprint of the job vocabulary stored terms were derived with."""
        return self._k("jobs", "terms_vocab")

    def fairs(self) -> str:
        return self._k("fairs", "data")

    def fairs_by_start(self) -> str:
        return self._k("fairs", "by_start")

    def feed_seen(self) -> str:
        return self._k("feed", "seen")

    # subscriptions and push preferences
    def subscriptions(self, student: StudentKey) -> str:
        return self._k("subs", student.channel, student.user_id)

    def subscriptions_all(self) -> str:
        return self._k("subs", "_all")

    def subscriptions_seq(self) -> str:
        return self._k("subs", "_seq")

    def push_prefs(self, student: StudentKey) -> str:
        return self._k("prefs", student.channel, student.user_id)

    def pending_jobs(self, student: StudentKey) -> str:
        return self._k("pending", student.channel, student.user_id)

    def pending_students(self) -> str:
        return self._k("pending", "_students")

    def sent_jobs(self, student: StudentKey) -> str:
        return self._k("sent", student.channel, student.user_id)

    def fair_reminders(self, fair_id: str) -> str:
        return self._k("remind", "fair", fair_id)

    def student_reminders(self, student: StudentKey) -> str:
        return self._k("remind", "student", student.channel, student.user_id)

    def fair_reminders_since(self, fair_id: str) -> str:
        return self._k("remind", "since", fair_id)

    # delivery
    def notice_once(self, notice_id: str) -> str:
        return self._k("notice", "queued", notice_id)

    def notice_state(self, notice_id: str) -> str:
        return self._k("notice", "state", notice_id)

    def outbox(self) -> str:
        return self._k("outbox")

    def outbox_retry(self) -> str:
        return self._k("outbox", "retry")

    def held(self, student: StudentKey) -> str:
        return self._k("held", student.channel, student.user_id)

    def push_stats(self) -> str:
        return self._k("stats", "push")

    def rate(self, channel: str, second: int) -> str:
        return self._k("rate", channel, second)

    def scheduler_lock(self) -> str:
        return self._k("scheduler", "leader")

    # senders' liveness, and notices whose delivery is unknown
    def sender_alive(self, consumer: str) -> str:
        return self._k("sender", "alive", consumer)

    def push_uncertain(self) -> str:
        return self._k("stats", "push", "uncertain")

    # the roster, and chats bound to it (one student across channels)
    def roster(self) -> str:
        return self._k("roster", "data")

    def bound_chats(self) -> str:
        """chat -> the owner key every store of that student is kept under."""
        return self._k("bind", "chat")

    def bound_numbers(self) -> str:
        """学号 -> owner key."""
        return self._k("bind", "no")

    def person(self, owner: StudentKey) -> str:
        return self._k("bind", "person", owner.channel, owner.user_id)

    def person_chats(self, owner: StudentKey) -> str:
        return self._k("bind", "chats", owner.channel, owner.user_id)

    def bind_failures(self, kind: str, ident: str) -> str:
        return self._k("bind", "fail", kind, ident)

    # profiles (intentions) and the global copy the matcher indexes
    def profile(self, owner: StudentKey) -> str:
        return self._k("profile", owner.channel, owner.user_id)

    def profiles_all(self) -> str:
        return self._k("profile", "_all")

    def profiles_seq(self) -> str:
        return self._k("profile", "_seq")

    # conversation context beyond choices and "更多"
    def dialog(self, student: StudentKey) -> str:
        return self._k("conv", student.channel, student.user_id, "dialog")

    def turns(self, student: StudentKey) -> str:
        return self._k("conv", student.channel, student.user_id, "turns")

    def declines(self, student: StudentKey) -> str:
        return self._k("conv", student.channel, student.user_id, "declines")

    # tickets: students handed to a person
    def tickets(self) -> str:
        return self._k("tickets", "data")

    def tickets_seq(self) -> str:
        return self._k("tickets", "_seq")

    def tickets_open(self) -> str:
        return self._k("tickets", "open")

    def ticket_cards(self) -> str:
        return self._k("tickets", "card")

    def student_tickets(self, student: StudentKey) -> str:
        return self._k("tickets", "student", student.channel, student.user_id)

    def deliveries_pattern(self) -> str:
        """Every de-duplication key and saved answer, for erasure's sweep."""
        return self._k("dedup", "*")
