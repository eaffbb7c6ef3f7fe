"""A Flask test client that behaves like a person's browser: it submits forms with their token."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

CSRF_FIELD = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
TEST_PASSWORD = "correct horse battery staple"


class PortalClient:
    def __init__(self, app: Flask) -> None:
        self.app = app
        self.http: FlaskClient = app.test_client()

    def get(self, url: str, **kwargs) -> TestResponse:
        return self.http.get(url, **kwargs)

    def csrf_token(self) -> str:
        page = self.http.get("/forgot").get_data(as_text=True)
        match = CSRF_FIELD.search(page)
        assert match, "no CSRF token on /forgot"
        return match.group(1)

    def post(
        self, url: str, data: dict | None = None, *, csrf: bool = True, **kwargs
    ) -> TestResponse:
        data = dict(data or {})
        if csrf:
            data.setdefault("csrf_token", self.csrf_token())
        return self.http.post(url, data=data, **kwargs)

    def login(self, email: str, password: str = TEST_PASSWORD) -> TestResponse:
        return self.post("/login", {"email": email, "password": password})

    def logout(self) -> TestResponse:
        return self.post("/logout")

    def cookie(self, name: str) -> str | None:
        found = self.http.get_cookie(name)
        return found.value if found else None
