"""The key that signs console sessions: CONSOLE_SECRET_KEY, or one kept under BOT_DATA_DIR.

Generated once and kept in a file only its owner can read, so sessions survive a restart
and every worker process on the machine signs with the same key without configuration.
The file appears whole or not at all (written aside, then hard-linked into place), so
two workers starting together agree on one key.
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path

FILE_NAME = "console_secret_key"


def console_secret(configured: str | None, data_dir: Path) -> str:
    if configured:
        return configured
    path = data_dir / FILE_NAME
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        aside = data_dir / f".{FILE_NAME}.{os.getpid()}"
        fd = os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(secrets.token_urlsafe(48))
        try:
            os.link(aside, path)
        except FileExistsError:
            pass                         # another process won; use its key
        finally:
            aside.unlink()
    return path.read_text(encoding="ascii").strip()
