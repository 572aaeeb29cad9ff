"""What several commands share: the configuration with a `--kb` override."""
from __future__ import annotations

import argparse
import os
import shlex
import sys
from pathlib import Path

from ..config import Config, load_config
from ..context import BotContext
from ..placeholders import settings_warnings


def config_for(args: argparse.Namespace) -> Config:
    overrides = {}
    if getattr(args, "kb", None):
        overrides["knowledge"] = {"dir": str(Path(args.kb).resolve())}
    return load_config(overrides)


def print_report(report, dry_run: bool) -> int:
    """An import's report as staff read it; the exit code: 1 when any row was rejected."""
    for line in report.rejected:
        print(line)
    for line in report.warnings:
        print("提醒：" + line)
    advice = "被拒绝的行请按提示修改后重新导入（已导入的不会重复）。" if report.rejected else ""
    if dry_run:
        advice += "这是检查，没有写入任何数据。"
    print(report.summary() + "。" + advice)
    return 0 if report.ok else 1


def startup_warnings(ctx: BotContext) -> list[str]:
    """Sample values students would see (settings, links in the KB), for a start-up banner."""
    lines = settings_warnings(ctx.config)
    kb = sum(1 for p in ctx.knowledge.last_problems if p.warning)
    if kb:
        lines.append(f"{ctx.config.knowledge_dir.name}/: 提醒：知识库有 {kb} 条提醒（示例链接、过期的答案……），"
                     f"运行 {python_command()} -m bot kb check 查看每一处")
    return lines


def warn_if_kept(ctx: BotContext) -> None:
    """Say on stderr that the bot answers from the kept copy while the files have errors."""
    knowledge = ctx.knowledge
    if knowledge.serving_kept:
        print(f"  注意：知识库文件有错误，正在使用 {knowledge.serving_kept} 保存的上一个正确版本：\n"
              + "\n".join(f"    {p}" for p in knowledge.errors[:5])
              + "\n  改正并保存后几秒内自动生效。", file=sys.stderr, flush=True)


def python_command(executable: str | None = None, cwd: Path | None = None) -> str:
    """How to run this same Python in a shell here: `.venv/bin/python` when it lies under
    the current directory (a bare `python` would be the system's, without our packages),
    else its full path."""
    exe = Path(executable or sys.executable)
    here = cwd or Path.cwd()
    try:
        shown = str(exe.relative_to(here)) if exe.is_absolute() else str(exe)
    except ValueError:
        shown = str(exe)
    if os.sep not in shown:             # `python` alone would be looked up on PATH
        shown = os.path.join(".", shown)
    return shlex.quote(shown)
