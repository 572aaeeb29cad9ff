"""`jobs import`, `fairs import` and `push run`: the data staff bring in and the pushes it makes."""
from __future__ import annotations

import argparse
import sys
import textwrap
from datetime import datetime
from pathlib import Path

from ..clock import SHANGHAI, Clock
from ..context import build_context
from ..jobs.importer import FileError
from ..platforms.preview import preview
from ..runtime import run_pass
from .common import config_for, print_report


def cmd_import(args: argparse.Namespace) -> int:
    ctx = build_context(config_for(args))
    try:
        report = ctx.catalog.import_file(args.kind, Path(args.file), Clock().now(),
                                         write=not args.dry_run)
    except FileError as exc:
        print(exc, file=sys.stderr)
        return 1
    if report.written and (report.added or report.updated):
        from ..console.accounts import Accounts
        Accounts(ctx.stores).audit("命令行", f"{args.kind}.import", report.summary())
    return print_report(report, args.dry_run)


def _parse_at(text: str) -> datetime:
    at = datetime.fromisoformat(text)
    return at.replace(tzinfo=SHANGHAI) if at.tzinfo is None else at


def cmd_push_run(args: argparse.Namespace) -> int:
    ctx = build_context(config_for(args))
    at = _parse_at(args.at) if args.at else None
    result, counts = run_pass(ctx, at, args.dry_run)
    when = (at or ctx.clock.now()).astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
    verb = "将排队" if args.dry_run else "已排队"
    if result.held_by_quiet_hours:
        print(f"{when} 在免打扰时段内：不发送，留到早上。")
    print(f"{when}：新匹配 {result.matched} 条；{verb}岗位汇总 {len(result.digests)} 条、"
          f"招聘会提醒 {len(result.reminders)} 条。")
    for n in result.digests + result.reminders:
        print(f"  {n.student.encode()}  {n.title}")
        if args.dry_run:        # what the student would get, as their channel shows it
            print(textwrap.indent(preview(n, ctx.settings.push), "    │ ", lambda line: True))
    if counts:
        print("发送结果：" + "，".join(f"{k} {v}" for k, v in sorted(counts.items())))
    return 0


def add_commands(sub: argparse._SubParsersAction) -> None:
    for kind, label in (("jobs", "岗位"), ("fairs", "招聘会")):
        g = sub.add_parser(kind, help=f"{label}数据").add_subparsers(dest=f"{kind}_command", required=True)
        i = g.add_parser("import", help=f"从 CSV / XLSX / YAML / JSON 文件导入{label}")
        i.add_argument("file")
        i.add_argument("--dry-run", action="store_true", help="只检查并列出结果，不写入")
        i.set_defaults(func=cmd_import, kind=kind)

    push = sub.add_parser("push", help="推送").add_subparsers(dest="push_command", required=True)
    r = push.add_parser("run", help="执行一轮到期的推送（岗位汇总和招聘会提醒）")
    r.add_argument("--dry-run", action="store_true", help="只列出将要发送的，不排队、不发送")
    r.add_argument("--at", help="当作此时刻执行，例如 2026-11-23T09:00（不带时区为北京时间）")
    r.set_defaults(func=cmd_push_run)
