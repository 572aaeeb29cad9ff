"""`python -m bot …`: the command line. It parses arguments and prints; the work is done
by the modules it calls (`runtime`, `kb`, `jobs`, `push`)."""
from __future__ import annotations

import argparse
import logging
import sys
from typing import Sequence

from ..config import ConfigError
from . import backup, data, kb, processes, roster, staff


def _setup_logging(verbose: bool = False) -> None:
    logging.basicConfig(level=logging.DEBUG if verbose else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if not verbose:  # its per-job chatter drowns the bot's own log lines
        logging.getLogger("apscheduler").setLevel(logging.WARNING)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bot", description="就业助手")
    p.add_argument("-v", "--verbose", action="store_true")
    sub = p.add_subparsers(dest="command", required=True)
    processes.add_commands(sub)
    kb.add_commands(sub)
    data.add_commands(sub)
    staff.add_commands(sub)
    roster.add_commands(sub)
    backup.add_commands(sub)
    return p


QUIET_COMMANDS = ("kb", "chat", "staff")      # a conversation or a report, not a service log


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    _setup_logging(args.verbose)
    if args.command in QUIET_COMMANDS:
        logging.getLogger().setLevel(logging.WARNING)
    try:
        return args.func(args)
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
