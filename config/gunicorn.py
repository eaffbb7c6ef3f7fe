"""gunicorn settings for Concord: ``gunicorn -c python:config.gunicorn`` (docs/deploy.md).

Command-line flags and ``GUNICORN_CMD_ARGS`` override what is set here; the number of
processes is gunicorn's own ``--workers`` (or ``WEB_CONCURRENCY``). The access log goes to
stdout, without the load balancer's probes: a ``/healthz`` or ``/readyz`` that passes every few
seconds from every balancer would drown the requests people make. A probe that fails (503) is
still logged.
"""

from __future__ import annotations

from gunicorn.glogging import Logger

#: Paths of the health probes (app/health.py); kept here so this file needs no app import.
PROBES = frozenset({"/healthz", "/readyz"})

wsgi_app = "app:create_app()"
bind = "0.0.0.0:8000"
accesslog = "-"
#: Long enough for a large upload to a slow S3 endpoint; the balancer's timeout should match.
timeout = 120
#: On SIGTERM, requests in hand get this long to finish.
graceful_timeout = 30


class ProbeQuietLogger(Logger):
    """gunicorn's logger, leaving passing health probes out of the access log."""

    def access(self, resp, req, environ, request_time) -> None:
        if environ.get("PATH_INFO") in PROBES and str(resp.status).startswith("2"):
            return
        super().access(resp, req, environ, request_time)


logger_class = ProbeQuietLogger
