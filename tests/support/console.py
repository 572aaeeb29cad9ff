"""A staff member at the console, through the real Flask app: log in, read the CSRF
token from the page as a browser would, post forms with it."""
from __future__ import annotations

import re
from typing import Any

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class ConsoleUser:
    def __init__(self, app: Any) -> None:
        self.http = app.test_client()
        self.token = ""

    def get(self, path: str, **kw: Any):
        response = self.http.get(path, **kw)
        found = CSRF.search(response.get_data(as_text=True))
        if found:
            self.token = found.group(1)
        return response

    def login(self, name: str, password: str):
        self.get("/console/login")
        response = self.http.post("/console/login", data={"name": name, "password": password,
                                                          "csrf_token": self.token})
        self.get("/console/")
        return response

    def post(self, path: str, data: dict | None = None, **kw: Any):
        if not self.token:
            self.get("/console/login")
        return self.http.post(path, data={"csrf_token": self.token, **(data or {})}, **kw)
