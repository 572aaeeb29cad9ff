"""Office hours: whether someone is at the desk now, and when someone will be next."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from ..clock import SHANGHAI
from ..settings import OfficeHoursSettings

WEEKDAY_NAMES = "一二三四五六日"


@dataclass(frozen=True)
class OfficeHours:
    weekdays: frozenset[int]                    # 1 = Monday
    periods: tuple[tuple[time, time], ...]

    @classmethod
    def from_settings(cls, s: OfficeHoursSettings) -> "OfficeHours":
        periods = []
        for text in s.periods:
            start, _, end = text.partition("-")
            periods.append((time.fromisoformat(start.strip().zfill(5)),
                            time.fromisoformat(end.strip().zfill(5))))
        return cls(frozenset(s.weekdays), tuple(sorted(periods)))

    def open_at(self, now: datetime) -> bool:
        local = now.astimezone(SHANGHAI)
        if local.isoweekday() not in self.weekdays:
            return False
        return any(start <= local.time() < end for start, end in self.periods)

    def next_open(self, now: datetime) -> datetime | None:
        """When the desk next opens after `now` (None: never, e.g. no periods configured)."""
        local = now.astimezone(SHANGHAI)
        for days in range(8):
            day = (local + timedelta(days=days)).date()
            if day.isoweekday() not in self.weekdays:
                continue
            for start, _ in self.periods:
                at = datetime.combine(day, start, tzinfo=SHANGHAI)
                if at > local:
                    return at
        return None


def when_text(at: datetime, now: datetime) -> str:
    """“今天 14:00”, “明天 8:30”, or “周一 8:30”, as a student reads it."""
    local, at = now.astimezone(SHANGHAI), at.astimezone(SHANGHAI)
    clock = f"{at.hour}:{at.minute:02d}"
    days = (at.date() - local.date()).days
    if days == 0:
        return f"今天 {clock}"
    if days == 1:
        return f"明天 {clock}"
    return f"周{WEEKDAY_NAMES[at.weekday()]} {clock}"
