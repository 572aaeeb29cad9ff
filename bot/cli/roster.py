"""`roster import FILE` and `roster erase 学号`: the student roster staff keep."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..context import build_context
from ..jobs.importer import FileError
from ..students import roster
from ..students.erase import erase_number
from .common import config_for, print_report


def cmd_import(args: argparse.Namespace) -> int:
    ctx = build_context(config_for(args))
    try:
        report = roster.import_file(ctx, Path(args.file), write=not args.dry_run)
    except FileError as exc:
        print(exc, file=sys.stderr)
        return 1
    return print_report(report, args.dry_run)


def cmd_erase(args: argparse.Namespace) -> int:
    ctx = build_context(config_for(args))
    done = erase_number(ctx, roster.normalize_number(args.student_no))
    if done is None:
        print(f"名单和绑定记录里都没有学号 {args.student_no}。", file=sys.stderr)
        return 1
    print(f"已删除该学生的全部信息：{done.chats} 个聊天账号，{done.tickets} 个工单，"
          f"{done.notices} 条待发送的推送。请同时从名单表格里删掉这一行，否则下次导入会重新加入名单。")
    return 0


def add_commands(sub: argparse._SubParsersAction) -> None:
    g = sub.add_parser("roster", help="学生名单").add_subparsers(dest="roster_command", required=True)
    i = g.add_parser("import", help="从 CSV / XLSX / YAML / JSON 文件导入学生名单（按学号更新）")
    i.add_argument("file")
    i.add_argument("--dry-run", action="store_true", help="只检查并报告，不写入")
    i.set_defaults(func=cmd_import)
    e = g.add_parser("erase", help="按学生要求删除其全部个人信息")
    e.add_argument("student_no")
    e.set_defaults(func=cmd_erase)
