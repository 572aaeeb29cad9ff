"""What every admin resource shares: the request body and the paging arguments."""
from __future__ import annotations

from typing import Any

from flask import abort, request


def body_items() -> list[Any]:
    data = request.get_json(silent=True)
    if data is None:
        abort(400, "请求体应为 JSON：一个对象或对象数组")
    return data if isinstance(data, list) else [data]


def page_args() -> tuple[str, int, int]:
    """(q, page, per_page) from the query string; bad numbers are a 400, not a 500."""
    try:
        page = int(request.args.get("page", 1))
        per_page = int(request.args.get("per_page", 20))
    except ValueError:
        abort(400, "page 和 per_page 应为整数")
    return request.args.get("q", "").strip(), max(page, 1), min(max(per_page, 1), 200)
