"""HTTP errors in the words staff read: the staff API's JSON and the console's pages."""
from __future__ import annotations

from werkzeug.exceptions import HTTPException

ERROR_NAMES = {400: "请求有误", 401: "未授权", 403: "没有权限", 404: "没有这个地址或记录",
               405: "这个地址不支持该请求方法", 413: "文件或请求太大", 429: "请求太频繁",
               500: "服务器内部错误"}


def chinese_message(exc: HTTPException) -> str:
    """The message the code gave, or a Chinese one in place of werkzeug's English default."""
    if exc.description and exc.description != type(exc).description:
        return exc.description
    return ERROR_NAMES.get(exc.code or 500, exc.name)
