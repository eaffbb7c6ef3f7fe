"""Bearer-token authentication for /api/v1: a token acts as its user, nothing more.

The API never accepts the browser's session cookie (it is exempt from CSRF, so cookie
authentication would let other sites post on a user's behalf); only `Authorization: Bearer`.
A request to the API that carries both (a script run from a signed-in browser, a client that
keeps cookies) is judged by its token alone: the cookie is ignored, neither refused nor
touched. The portal's pages, the other way round, count only the session cookie.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Request, g
from flask_login import current_user

from partners.api_tokens import user_for_token
from partners.models import User
from partners.roles import Role
from partners.sharing import organization_may_sign_in
from web.database import write_aside
from web.problems import is_api_path, problem
from web.services import context_for

View = TypeVar("View", bound=Callable[..., Any])


def user_from_bearer(incoming: Request) -> User | None:
    """Flask-Login's request loader: on API paths, the user of a valid bearer token."""
    if not is_api_path(incoming.path):
        return None
    header = incoming.headers.get("Authorization", "")
    scheme, _, raw = header.partition(" ")
    if scheme.lower() != "bearer" or not raw.strip():
        return None
    user = user_for_token(context_for(None), raw.strip(), record=write_aside)
    if user is None or not organization_may_sign_in(context_for(None).db, user.organization):
        return None
    g.authenticated_by_token = True
    return user


def api_access(role: Role = Role.viewer) -> Callable[[View], View]:
    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not (current_user.is_authenticated and g.get("authenticated_by_token")):
                return problem(
                    401,
                    "Send a valid API token as `Authorization: Bearer <token>`.",
                    headers={"WWW-Authenticate": 'Bearer realm="concord"'},
                )
            if current_user.role < role:
                return problem(403, f"This needs the {role.value} role in your organization.")
            return view(*args, **kwargs)

        wrapper.concord_access = ("api", role)  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate
