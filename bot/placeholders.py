"""Sample values that must not reach students: 010-00000000, career@example.edu.cn, links
to example.edu.cn, and push settings WeChat no longer honours.

The project ships with these so it runs at once; a school that forgets one shows students a
phone number nobody answers or a link that opens nothing. Nothing here stops the bot:
start-up (`serve`) and `kb check` print one warning line for each, naming the setting or
the file and line, so staff can fix it before students see it.
"""
from __future__ import annotations

import re
from pathlib import Path

import yaml

from .config import DEFAULTS_FILE, ROOT, Config

# Hosts reserved for examples (RFC 2606): example.com, career.example.edu.cn, …
_HOST = r"(?:[\w-]+\.)*example(?:\.[a-z]+)+"
SAMPLES = {
    "link": re.compile(rf"(?:https?://|www\.){_HOST}(?:/[^\s\]\)}}>,，。；;\"'“”]*)?", re.IGNORECASE),
    "email": re.compile(rf"[\w.+-]+@{_HOST}", re.IGNORECASE),
    "phone": re.compile(r"(?<!\d)0\d{2,3}-?0{7,8}(?!\d)"),
}
WHAT = {"link": ("链接", "学生点开是打不开的", "网址"), "email": ("邮箱", "学生写信没人收", "邮箱"),
        "phone": ("电话", "学生打过去没人接", "电话")}


def found_in(text: str) -> list[tuple[str, str]]:
    """(kind, sample) for each sample value in `text`: kind is link, email or phone."""
    return [(kind, m.group(0)) for kind, pattern in SAMPLES.items() for m in pattern.finditer(text)]


def advice(kind: str, sample: str) -> str:
    name, harm, real = WHAT[kind]
    return f"{name}“{sample}”是示例值，{harm}：请换成本校真实的{real}"


def _settings_line(path: tuple[str, ...], file: Path = DEFAULTS_FILE) -> str:
    """`config/settings.yaml:64` for a key path, or the file alone when it cannot be found."""
    name = file.relative_to(ROOT) if file.is_relative_to(ROOT) else file
    try:
        node = yaml.compose(file.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
        for part in path:
            node = next(v for k, v in node.value if k.value == part)
        return f"{name}:{node.start_mark.line + 1}"
    except (OSError, yaml.YAMLError, StopIteration, AttributeError):
        return str(name)


def settings_warnings(config: Config) -> list[str]:
    """One line per setting still holding a sample value or asking WeChat for what it ignores."""
    out = []
    contact = config.settings.contact
    for field in ("phone", "email", "place", "hours", "office"):
        for kind, sample in found_in(getattr(contact, field)):
            out.append(f"{_settings_line(('contact', field))}: 提醒：contact.{field}：{advice(kind, sample)}"
                       f"（机器人答不上来时会告诉学生；也可以设环境变量 BOT_CONTACT__{field.upper()}）")
    wechat = config.settings.push.wechat
    if wechat.mode != "custom":
        group = getattr(wechat, wechat.mode)
        for kind in ("digest", "reminder", "broadcast"):
            spec = getattr(group, kind)
            hidden = sorted(set(spec.fields) & {"first", "remark"})
            if hidden:
                out.append(f"{_settings_line(('push', 'wechat', wechat.mode, kind))}: 提醒："
                           f"push.wechat.{wechat.mode}.{kind}.fields 里的 {'、'.join(hidden)} 自 2023 年 5 月起"
                           "微信不再显示，请换成模板里的其他字段")
            if not spec.id:
                out.append(f"{_settings_line(('push', 'wechat', wechat.mode, kind))}: 提醒：push.wechat.mode 是 "
                           f"{wechat.mode}，但 push.wechat.{wechat.mode}.{kind}.id 是空的：这类通知会按客服消息发送，"
                           "只有 48 小时内发过消息的学生收得到")
    return out
