"""Flask extensions, created unbound and initialised in :func:`app.create_app`."""

from __future__ import annotations

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf import CSRFProtect

csrf = CSRFProtect()
login_manager = LoginManager()
#: No default limits: routes opt in; the login throttle uses its storage directly.
limiter = Limiter(key_func=get_remote_address, default_limits=[])
