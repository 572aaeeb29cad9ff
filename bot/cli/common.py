"""What several commands share: the configuration with a `--kb` override."""
from __future__ import annotations

import argparse
from pathlib import Path

from ..config import Config, load_config


def config_for(args: argparse.Namespace) -> Config:
    overrides = {}
    if getattr(args, "kb", None):
        overrides["knowledge"] = {"dir": str(Path(args.kb).resolve())}
    return load_config(overrides)
