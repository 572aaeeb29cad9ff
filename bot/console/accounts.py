"""Console accounts: passwords hashed with scrypt, two roles, and the audit trail.

scrypt (from the standard library) is deliberately slow and memory-hard, so a stolen copy
of the Redis data does not give the passwords away. Editors change the knowledge base,
jobs and fairs; admins also accounts and broadcasts.
"""
from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import os
import re
from datetime import datetime

from ..store import Stores
from ..store.staff import AuditEntry, StaffAccount

ROLES = ("editor", "admin")
ROLE_NAMES = {"editor": "编辑", "admin": "管理员"}
NAME = re.compile(r"[\w.\-@\u4e00-\u9fff]{2,32}")
MIN_PASSWORD = 8
# n=2**14, r=8: about 16 MB and a few tens of ms per check on a small server.
SCRYPT = {"n": 2 ** 14, "r": 8, "p": 1}


class AccountError(ValueError):
    """A request about accounts that cannot be done; the message is Chinese."""


def hash_password(password: str) -> str:
    salt = os.urandom(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, dklen=32, **SCRYPT)
    return "scrypt${n}${r}${p}${salt}${digest}".format(
        **SCRYPT, salt=base64.b64encode(salt).decode(), digest=base64.b64encode(digest).decode())


def check_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        got = hashlib.scrypt(password.encode("utf-8"), salt=base64.b64decode(salt), dklen=32,
                             n=int(n), r=int(r), p=int(p))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, base64.b64decode(digest))


@functools.lru_cache(maxsize=1)
def _dummy() -> str:
    """Checked against when the name does not exist, so a wrong name costs as long as a
    wrong password and timing does not tell which names exist."""
    return hash_password(os.urandom(8).hex())


class Accounts:
    def __init__(self, stores: Stores, now=datetime.now) -> None:
        self.stores, self.now = stores, now

    def add(self, name: str, password: str, role: str = "editor", by: str = "命令行") -> StaffAccount:
        if not NAME.fullmatch(name):
            raise AccountError("用户名应为 2–32 个字符：字母、数字、汉字或 . _ - @")
        if role not in ROLES:
            raise AccountError(f"角色只能是 {' 或 '.join(ROLES)}")
        if len(password) < MIN_PASSWORD:
            raise AccountError(f"密码至少 {MIN_PASSWORD} 位")
        account = StaffAccount(name, role, hash_password(password), self.now().isoformat())
        created = self.stores.staff.put(account)
        self.audit(by, "staff.add" if created else "staff.update",
                   f"{'新增' if created else '修改'}账号 {name}（{ROLE_NAMES[role]}）")
        return account

    def remove(self, name: str, by: str = "命令行") -> bool:
        removed = self.stores.staff.remove(name)
        if removed:
            self.audit(by, "staff.remove", f"删除账号 {name}")
        return removed

    def all(self) -> list[StaffAccount]:
        return self.stores.staff.all()

    def authenticate(self, name: str, password: str) -> StaffAccount | None:
        account = self.stores.staff.get(name)
        if account is None:
            check_password(password, _dummy())
            return None
        return account if check_password(password, account.password_hash) else None

    def audit(self, who: str, action: str, what: str) -> None:
        self.stores.audit.record(AuditEntry(self.now().isoformat(timespec="seconds"), who,
                                            action, what))
