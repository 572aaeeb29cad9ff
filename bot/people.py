"""The plain records of the people the bot knows: a roster record and a student's profile.

A roster record is what the school imported (学号, 姓名, 意向 from the survey, mentor and
the priority flag); a profile is what job matching and profile-aware answers use: the
intentions plus major, degree and 生源地, whether imported or typed by the student.
Only the fields listed here are ever kept. Like `records`, this module knows nothing of
Redis, Flask or a platform.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace

INTENTION_FIELDS = ("want_cities", "want_industries", "want_keywords", "degree")
PROFILE_FIELDS = ("major", "degree", "origin", "want_cities", "want_industries", "want_keywords")
LIST_FIELDS = ("want_cities", "want_industries", "want_keywords")

# 学历 as students and staff write it -> a rank a job's requirement is compared against.
DEGREE_WORDS = (("博士", 4), ("硕士", 3), ("研究生", 3), ("本科", 2), ("学士", 2),
                ("专科", 1), ("大专", 1), ("高职", 1))
DEGREE_NAMES = {1: "专科", 2: "本科", 3: "硕士", 4: "博士"}


def degree_rank(text: str) -> int:
    """1 专科 … 4 博士; 0 when the text names no degree (or says 不限)."""
    for word, rank in DEGREE_WORDS:
        if word in (text or ""):
            return rank
    return 0


def degree_name(text: str) -> str:
    """The degree in the one spelling the bot shows: 专科, 本科, 硕士 or 博士."""
    return DEGREE_NAMES.get(degree_rank(text), (text or "").strip())


@dataclass(frozen=True)
class RosterRecord:
    student_no: str
    name: str
    college: str = ""
    major: str = ""
    degree: str = ""
    class_year: str = ""
    origin: str = ""
    want_cities: tuple[str, ...] = ()
    want_industries: tuple[str, ...] = ()
    want_keywords: tuple[str, ...] = ()
    mentor: str = ""
    priority: bool = False          # 重点帮扶: staff only, never shown to the student

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, raw: str) -> "RosterRecord":
        data = json.loads(raw)
        for name in LIST_FIELDS:
            data[name] = tuple(data.get(name) or ())
        return cls(**data)


@dataclass(frozen=True)
class Profile:
    """What the bot knows of one student's intentions, shared by every chat they bound.

    `edited` names the fields the student set themselves: a re-imported survey updates
    the others, never those. `consent` is the student's yes to keeping what they type.
    """

    major: str = ""
    degree: str = ""
    origin: str = ""
    want_cities: tuple[str, ...] = ()
    want_industries: tuple[str, ...] = ()
    want_keywords: tuple[str, ...] = ()
    edited: tuple[str, ...] = ()
    consent: bool = False
    from_roster: bool = False

    @property
    def has_intentions(self) -> bool:
        return bool(self.want_cities or self.want_industries or self.want_keywords)

    @property
    def empty(self) -> bool:
        return not any(getattr(self, f) for f in PROFILE_FIELDS)

    def with_value(self, name: str, value: object) -> "Profile":
        """The profile with one field set by the student (remembered as theirs)."""
        if name in LIST_FIELDS:
            value = tuple(dict.fromkeys(str(v) for v in value))  # type: ignore[union-attr]
        edited = tuple(dict.fromkeys(self.edited + (name,)))
        return replace(self, **{name: value}, edited=edited)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, raw: str) -> "Profile":
        data = json.loads(raw)
        for name in LIST_FIELDS + ("edited",):
            data[name] = tuple(data.get(name) or ())
        known = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in data.items() if k in known})


def profile_from_roster(record: RosterRecord, own: Profile | None = None) -> Profile:
    """The survey's values, with whatever the student set themselves kept on top."""
    base = Profile(**{f: getattr(record, f) for f in PROFILE_FIELDS}, from_roster=True)
    if own is None:
        return base
    mine = {f: getattr(own, f) for f in own.edited if f in PROFILE_FIELDS}
    return replace(base, **mine, edited=own.edited, consent=own.consent)

