"""Cookie flags and the security headers every response carries."""

from __future__ import annotations

from flask import Flask, Response, request
from flask_login import current_user

from config.settings import Settings

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def configure_cookies(app: Flask, settings: Settings) -> None:
    secure = settings.env not in ("development", "testing")
    app.config.update(
        # The __Host- prefix makes browsers insist on Secure, Path=/ and no Domain.
        SESSION_COOKIE_NAME="__Host-concord" if secure else "concord_session",
        SESSION_COOKIE_SECURE=secure,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_PATH="/",
        PERMANENT_SESSION_LIFETIME=settings.absolute_timeout,
        REMEMBER_COOKIE_SECURE=secure,
        REMEMBER_COOKIE_HTTPONLY=True,
        PREFERRED_URL_SCHEME="https" if secure else "http",
    )


def install_security_headers(app: Flask, settings: Settings) -> None:
    @app.after_request
    def _headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if settings.is_production:
            headers.setdefault("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
        if current_user.is_authenticated and request.endpoint != "static":
            headers["Cache-Control"] = "no-store"
        return response
