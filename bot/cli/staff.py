"""`staff add | list | remove`: console accounts, from the server's terminal."""
from __future__ import annotations

import argparse
import getpass
import sys

from ..console.accounts import ROLE_NAMES, ROLES, AccountError, Accounts
from ..context import build_context
from .common import config_for


def _password(args: argparse.Namespace) -> str | None:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("密码（至少 8 位）：")
    if first != getpass.getpass("再输入一次："):
        print("两次输入的密码不一样，没有保存。", file=sys.stderr)
        return None
    return first


def cmd_add(args: argparse.Namespace) -> int:
    password = _password(args)
    if password is None:
        return 1
    ctx = build_context(config_for(args))
    try:
        existed = ctx.stores.staff.get(args.name) is not None
        account = Accounts(ctx.stores).add(args.name, password, args.role)
    except AccountError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"已{'更新' if existed else '新增'}账号 {account.name}（{ROLE_NAMES[account.role]}），"
          f"登录地址：/console/login")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    accounts = Accounts(build_context(config_for(args)).stores).all()
    if not accounts:
        print("还没有账号：python -m bot staff add 用户名 --role admin")
    for a in accounts:
        print(f"{a.name}\t{ROLE_NAMES[a.role]}\t{a.created_at[:16]}")
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    if not Accounts(build_context(config_for(args)).stores).remove(args.name):
        print(f"没有账号 {args.name}", file=sys.stderr)
        return 1
    print(f"已删除账号 {args.name}")
    return 0


def add_commands(sub: argparse._SubParsersAction) -> None:
    staff = sub.add_parser("staff", help="管理后台账号").add_subparsers(dest="staff_command",
                                                                   required=True)
    a = staff.add_parser("add", help="新增账号，或修改已有账号的密码和角色")
    a.add_argument("name")
    a.add_argument("--role", choices=ROLES, default="editor",
                   help="editor：维护知识库、岗位和招聘会；admin：另外可管理账号、群发通知")
    a.add_argument("--password-stdin", action="store_true", help="从标准输入读一行作为密码")
    a.set_defaults(func=cmd_add)
    staff.add_parser("list", help="列出账号").set_defaults(func=cmd_list)
    r = staff.add_parser("remove", help="删除账号")
    r.add_argument("name")
    r.set_defaults(func=cmd_remove)
