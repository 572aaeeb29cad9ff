"""Filling frozen dataclasses from a YAML tree, with one Chinese line per mistake.

The machinery behind `Settings.parse`: every key checked against the dataclass that
types it, text from environment variables read as YAML first, unknown keys reported
with a guess at what was meant.
"""
from __future__ import annotations

import dataclasses
import difflib
import types
import typing
from typing import Any, Literal, Mapping, Union

import yaml


class SettingsError(ValueError):
    """A settings value is missing, unknown or of the wrong type (one line, Chinese)."""


_TYPE_NAMES = {int: "整数", float: "数字", str: "文字", bool: "true 或 false"}


def _describe(tp: Any) -> str:
    origin = typing.get_origin(tp)
    if origin in (Union, types.UnionType):
        return " 或 ".join(_describe(a) for a in typing.get_args(tp))
    if origin is Literal:
        return " 或 ".join(f"“{a}”" for a in typing.get_args(tp))
    if origin is list:
        return f"列表（每项为{_describe(typing.get_args(tp)[0])}）"
    if origin is dict:
        return f"“键: {_describe(typing.get_args(tp)[1])}”的分组"
    if dataclasses.is_dataclass(tp):
        return "一个分组"
    return _TYPE_NAMES.get(tp, str(tp))


def _fail(path: str, tp: Any, value: Any) -> SettingsError:
    return SettingsError(f"配置项 {path} 应为{_describe(tp)}，现在是“{value}”："
                         f"请检查 config/settings.yaml 或环境变量 BOT_{path.upper().replace('.', '__')}")


def _parse_text(value: str, tp: Any, path: str) -> Any:
    try:
        return yaml.safe_load(value) if value.strip() else value
    except yaml.YAMLError:
        raise _fail(path, tp, value) from None


def _coerce(tp: Any, value: Any, path: str) -> Any:
    """`value` as type `tp`; text from an environment variable is parsed as YAML first."""
    origin = typing.get_origin(tp)
    if origin in (Union, types.UnionType):
        for option in typing.get_args(tp):
            try:
                return _coerce(option, value, path)
            except SettingsError:
                continue
        raise _fail(path, tp, value)
    if origin is Literal:
        if value in typing.get_args(tp):
            return value
        raise _fail(path, tp, value)
    if dataclasses.is_dataclass(tp):
        if isinstance(value, str):
            value = _parse_text(value, tp, path)
        if not isinstance(value, Mapping):
            raise _fail(path, tp, value)
        return build(tp, value, path + ".")
    if tp is str:
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            return "" if value is None else str(value)
        if value is None:
            return ""
        raise _fail(path, tp, value)
    if isinstance(value, str) and (tp in (int, float, bool) or origin in (list, dict)):
        value = _parse_text(value, tp, path)
    if tp is bool:
        if isinstance(value, bool):
            return value
        raise _fail(path, tp, value)
    if tp is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        raise _fail(path, tp, value)
    if tp is float:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        raise _fail(path, tp, value)
    if origin is list:
        if not isinstance(value, list):
            raise _fail(path, tp, value)
        item = typing.get_args(tp)[0]
        return [_coerce(item, v, f"{path}[{i}]") for i, v in enumerate(value)]
    if origin is dict:
        if value is None:
            return {}
        if not isinstance(value, Mapping):
            raise _fail(path, tp, value)
        item = typing.get_args(tp)[1]
        return {str(k): _coerce(item, v, f"{path}.{k}") for k, v in value.items()}
    raise TypeError(f"unsupported settings type {tp!r} at {path}")


def build(cls: type, tree: Mapping[str, Any], prefix: str) -> Any:
    hints = typing.get_type_hints(cls)
    names = [f.name for f in dataclasses.fields(cls)]
    for key in tree:
        if key not in names:
            guess = difflib.get_close_matches(str(key), names, n=1, cutoff=0.6)
            hint = f"，您是不是想写 {prefix}{guess[0]}？" if guess else f"。这一组可用的有：{', '.join(names)}"
            raise SettingsError(f"未知的配置项 {prefix}{key}{hint}")
    values = {}
    for name in names:
        path = prefix + name
        if name not in tree:
            raise SettingsError(f"缺少配置项 {path}：请对照项目自带的 config/settings.yaml 补上")
        values[name] = _coerce(hints[name], tree[name], path)
    return cls(**values)
