"""What several commands share: the configuration with a `--kb` override."""
from __future__ import annotations

import argparse
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
                     "运行 .venv/bin/python -m bot kb check 查看每一处")
    return lines
