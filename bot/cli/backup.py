"""`backup FILE` and `restore FILE`: everything the bot keeps in Redis, to and from one file."""
from __future__ import annotations

import argparse
import os
import sys
from collections import Counter
from pathlib import Path

from ..clock import SHANGHAI
from ..context import build_context
from ..store import BackupError
from .common import config_for

AREAS = {"subs": "订阅", "prefs": "推送设置", "profile": "学生信息", "roster": "花名册",
         "bind": "绑定", "jobs": "岗位", "fairs": "招聘会", "outbox": "待发送", "notice": "通知",
         "sent": "已发送记录", "remind": "招聘会提醒", "pending": "待匹配岗位", "held": "暂缓发送",
         "stats": "统计", "unanswered": "未解决问题", "staff": "工作人员账号", "audit": "操作记录",
         "kb": "知识库修改记录", "broadcast": "群发通知", "tickets": "人工服务", "students": "学生",
         "conv": "对话状态", "dedup": "消息去重", "token": "平台凭证", "cache": "缓存",
         "scheduler": "调度", "sender": "发送进程", "rate": "限流", "feed": "岗位订阅源",
         "upload": "上传"}


def _counts(areas: Counter) -> str:
    return "、".join(f"{AREAS.get(a, a)} {n}" for a, n in sorted(areas.items(), key=lambda x: -x[1]))


def cmd_backup(args: argparse.Namespace) -> int:
    ctx = build_context(config_for(args))
    target = Path(args.file)
    tmp = target.with_name(target.name + ".part")
    created = ctx.clock.now().astimezone(SHANGHAI).isoformat(timespec="seconds")
    try:
        with open(tmp, "wb") as out:
            summary = ctx.stores.backups().write(out, created)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        print(f"无法写入备份文件 {target}：{exc.strerror or exc}", file=sys.stderr)
        return 1
    print(f"已备份 {summary.total} 个键到 {target}（{created}）：{_counts(summary.areas) or '没有数据'}。")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    source = Path(args.file)
    try:
        handle = open(source, "rb")
    except OSError as exc:
        print(f"无法读取备份文件 {source}：{exc.strerror or exc}", file=sys.stderr)
        return 1
    ctx = build_context(config_for(args))
    try:
        with handle:
            header, summary, removed = ctx.stores.backups().restore(handle, force=args.force)
    except BackupError as exc:
        print(f"没有恢复任何数据。{exc}", file=sys.stderr)
        return 1
    cleared = f"（先清空了原有的 {removed} 个键）" if removed else ""
    print(f"已从 {source}（备份于 {header.get('created_at', '?')}）恢复 {summary.total} 个键{cleared}："
          f"{_counts(summary.areas) or '没有数据'}。")
    return 0


def add_commands(sub: argparse._SubParsersAction) -> None:
    b = sub.add_parser("backup", help="把 Redis 里的全部数据备份到一个文件")
    b.add_argument("file")
    b.set_defaults(func=cmd_backup)
    r = sub.add_parser("restore", help="从备份文件恢复数据（目标须为空，或加 --force）")
    r.add_argument("file")
    r.add_argument("--force", action="store_true", help="目标里已有数据时先清空再恢复")
    r.set_defaults(func=cmd_restore)
