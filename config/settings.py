"""Settings read from the environment, with safe defaults for development.

Every setting has one name in the environment (``CONCORD_…``) and one attribute here, so
operators read the same list the code uses (docs/deploy.md and the README mirror it;
tests/deploy/test_deploy_docs.py checks).
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class ConfigurationError(RuntimeError):
    """The environment asks for something unsafe or incomplete."""


def _int(env: dict[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    return int(raw) if raw not in (None, "") else default


def _flag(env: dict[str, str], name: str, default: bool) -> bool:
    raw = env.get(name, "").strip().lower()
    return raw in ("1", "true", "yes", "on") if raw else default


@dataclass(frozen=True)
class Settings:
    env: str
    instance_path: Path
    database_url: str
    storage_url: str
    secret_key: str
    smtp_url: str
    #: Where flask-limiter keeps its counts: Redis when set, else per-process memory.
    rate_limit_storage: str = "memory://"
    mail_sender: str = "Concord <no-reply@concord.local>"
    base_url: str = "http://127.0.0.1:5000"
    idle_timeout: timedelta = timedelta(minutes=30)
    absolute_timeout: timedelta = timedelta(hours=12)
    invitation_ttl: timedelta = timedelta(days=7)
    password_reset_ttl: timedelta = timedelta(hours=1)
    max_upload_bytes: int = 100 * 1024 * 1024
    #: How long a presigned download URL (S3 with ``presign=1``) stays valid.
    download_url_seconds: int = 60
    #: How long a portal download link (``documents.links``: one version, one user) works.
    download_link_seconds: int = 900
    #: How many reverse proxies (load balancers) set X-Forwarded-For in front of the app.
    trusted_proxies: int = 0
    #: ``concord run`` also runs background jobs in a thread (development: no worker needed).
    run_jobs_in_process: bool = False
    #: While this file exists ``/readyz`` answers 503, so the load balancer drains the host.
    drain_file: Path = Path("draining")
    #: Hosts (``host`` or ``host:port``) webhooks may call over plain http and at private
    #: addresses: development receivers only (docs/webhooks.md).
    webhook_allowed_hosts: tuple[str, ...] = ()
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @property
    def is_development(self) -> bool:
        return self.env == "development"


def _secret_key(env: dict[str, str], instance_path: Path, app_env: str) -> str:
    """Use CONCORD_SECRET_KEY; outside production generate one into instance/ once."""
    key = env.get("CONCORD_SECRET_KEY", "")
    if key:
        return key
    if app_env == "production":
        raise ConfigurationError(
            "CONCORD_SECRET_KEY must be set when CONCORD_ENV=production "
            "(e.g. `python -c 'import secrets; print(secrets.token_urlsafe(48))'`)."
        )
    path = instance_path / "secret_key"
    if not path.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def _rate_limit_storage(env: dict[str, str], app_env: str) -> str:
    """Redis (``CONCORD_REDIS_URL``) or an explicit ``CONCORD_RATE_LIMIT_STORAGE``; in
    production never per-process memory by accident, since several processes would then each
    count failed sign-ins on their own and a guesser would get N times the attempts."""
    explicit = env.get("CONCORD_RATE_LIMIT_STORAGE", "")
    redis = env.get("CONCORD_REDIS_URL", "")
    if explicit:
        return explicit
    if redis:
        return redis
    if app_env == "production":
        raise ConfigurationError(
            "CONCORD_REDIS_URL must be set when CONCORD_ENV=production: without it every "
            "gunicorn process and host counts failed sign-ins on its own (docs/deploy.md). "
            "For a single process, opt in to per-process limits with "
            "CONCORD_RATE_LIMIT_STORAGE=memory://."
        )
    return "memory://"


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    env = dict(os.environ if environ is None else environ)
    app_env = env.get("CONCORD_ENV", "development")
    instance_path = Path(env.get("CONCORD_INSTANCE_PATH", PROJECT_ROOT / "instance")).resolve()
    return Settings(
        env=app_env,
        instance_path=instance_path,
        database_url=env.get("CONCORD_DATABASE_URL") or f"sqlite:///{instance_path / 'concord.db'}",
        storage_url=env.get("CONCORD_STORAGE_URL") or (instance_path / "documents").as_uri(),
        secret_key=_secret_key(env, instance_path, app_env),
        smtp_url=env.get("CONCORD_SMTP_URL", "log://"),
        rate_limit_storage=_rate_limit_storage(env, app_env),
        mail_sender=env.get("CONCORD_MAIL_SENDER", Settings.mail_sender),
        base_url=env.get("CONCORD_BASE_URL", Settings.base_url).rstrip("/"),
        idle_timeout=timedelta(minutes=_int(env, "CONCORD_IDLE_TIMEOUT_MINUTES", 30)),
        absolute_timeout=timedelta(hours=_int(env, "CONCORD_ABSOLUTE_TIMEOUT_HOURS", 12)),
        max_upload_bytes=_int(env, "CONCORD_MAX_UPLOAD_MB", 100) * 1024 * 1024,
        download_url_seconds=_int(env, "CONCORD_DOWNLOAD_URL_SECONDS", 60),
        download_link_seconds=_int(env, "CONCORD_DOWNLOAD_LINK_SECONDS", 900),
        trusted_proxies=_int(env, "CONCORD_TRUSTED_PROXIES", 0),
        drain_file=Path(env.get("CONCORD_DRAIN_FILE") or instance_path / "draining"),
        webhook_allowed_hosts=tuple(
            h.strip() for h in env.get("CONCORD_WEBHOOK_ALLOWED_HOSTS", "").split(",") if h.strip()
        ),
        run_jobs_in_process=_flag(
            env, "CONCORD_RUN_JOBS_IN_PROCESS", default=app_env == "development"
        ),
    )
