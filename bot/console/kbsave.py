"""Saving a knowledge-base change from the console: check, write, reload, re-check, record.

One path for the FAQ editor, the workbench's one-click phrasing and history's revert, so
each change is validated the same way, recorded in history (for revert) and the audit
trail, picked up at once by this process, and closes the questions it answers.
"""
from __future__ import annotations

from ..context import BotContext
from ..kb.editor import KbEditor, SaveResult
from .accounts import Accounts
from .workbench import recheck


def editor(ctx: BotContext) -> KbEditor:
    return KbEditor(ctx.knowledge.kb_dir, today=lambda: ctx.clock.now().date())


def after_save(ctx: BotContext, result: SaveResult, who: str, action: str, what: str,
               entry_id: str = "") -> list[str]:
    """Record a successful save and apply it; returns the questions it closed."""
    if not result.ok:
        return []
    if result.before is not None:
        ctx.stores.kb_history.add({"file": result.file, "text": result.before, "who": who,
                                   "at": ctx.clock.now().isoformat(timespec="seconds"),
                                   "entry": entry_id, "action": what})
    Accounts(ctx.stores, now=ctx.clock.now).audit(who, action, what)
    ctx.knowledge.reload()
    return recheck(ctx)
