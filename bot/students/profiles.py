"""Reading, saving and describing a student's profile.

Saving always recomputes what the push matcher indexes, so a profile and its index
entry never disagree. What a student is shown never includes the priority flag or
the mentor: those are for staff.
"""
from __future__ import annotations

from ..context import BotContext
from ..people import LIST_FIELDS, Profile, RosterRecord, degree_name, profile_from_roster
from ..push.fit import profile_terms
from ..records import StudentKey

FIELD_LABELS = {"want_cities": "意向城市/地区", "want_industries": "意向行业",
                "want_keywords": "意向岗位", "degree": "学历", "major": "专业", "origin": "生源地"}
NOT_SET = "（未填写）"


def save_profile(ctx: BotContext, owner: StudentKey, profile: Profile) -> Profile:
    terms = profile_terms(profile, ctx.vocab)
    ctx.stores.profiles.put(owner, profile, terms.to_entry() if terms else None)
    return profile


def profile_of(ctx: BotContext, chat: StudentKey) -> tuple[StudentKey, Profile | None]:
    """(owner, profile) of the student writing from `chat`."""
    owner = ctx.stores.identity.owner(chat)
    return owner, ctx.stores.profiles.get(owner)


def record_of(ctx: BotContext, owner: StudentKey) -> RosterRecord | None:
    number = ctx.stores.identity.student_no(owner)
    return ctx.stores.roster.get(number) if number else None


def refresh_from_roster(ctx: BotContext, records: list[RosterRecord]) -> int:
    """After a re-import: bound students' profiles take the survey's new values, except
    the fields they set themselves. Returns how many profiles changed."""
    owners = ctx.stores.identity.owners_of_numbers([r.student_no for r in records])
    changed = 0
    for record in records:
        owner = owners.get(record.student_no)
        if owner is None:
            continue
        old = ctx.stores.profiles.get(owner)
        new = profile_from_roster(record, old)
        if new != old:
            save_profile(ctx, owner, new)
            changed += 1
    return changed


def value_text(profile: Profile, name: str) -> str:
    value = getattr(profile, name)
    if name in LIST_FIELDS:
        return "、".join(value) if value else NOT_SET
    if name == "degree":
        return degree_name(value) if value else NOT_SET
    return value or NOT_SET


def describe(profile: Profile | None, record: RosterRecord | None) -> list[str]:
    """The lines a student reads about themselves (never the priority flag or mentor)."""
    lines = []
    if record is not None:
        who = record.name + (f"（{record.class_year}）" if record.class_year else "")
        lines.append(f"姓名：{who}")
        school = " · ".join(p for p in (record.college, record.major) if p)
        if school:
            lines.append(f"学院/专业：{school}")
    profile = profile or Profile()
    if record is None and profile.major:
        lines.append(f"专业：{profile.major}")
    if profile.origin:
        lines.append(f"生源地：{profile.origin}")
    return lines


def staff_lines(profile: Profile | None, record: RosterRecord | None) -> list[str]:
    """What the staff card shows of the student (priority and mentor are added by the caller)."""
    lines = []
    if record is not None:
        lines.append(" · ".join(p for p in (record.college, record.major, record.degree,
                                            record.class_year) if p))
    if profile is not None:
        if record is None and (profile.major or profile.degree):
            lines.append(" · ".join(p for p in (profile.major, degree_name(profile.degree)) if p))
        if profile.origin:
            lines.append(f"生源地：{profile.origin}")
        wants = [f"{FIELD_LABELS[f]}：{value_text(profile, f)}" for f in LIST_FIELDS
                 if getattr(profile, f)]
        lines.extend(wants)
    return [line for line in lines if line]
