"""Refuse by default: every route declares who may use it, or the app will not start.

``@public`` marks the few routes anyone may open; ``@requires(role, kinds=…)`` demands a
signed-in user with at least ``role`` in an organization of one of ``kinds``. A route for
another kind of organization answers 404 (it does not exist for them); too low a role, 403.
Record-level checks happen in partners.sharing when the view loads the record.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any, TypeVar

from flask import Flask, abort, current_app
from flask_login import current_user

from partners.roles import OrgKind, Role
from web.extensions import login_manager

View = TypeVar("View", bound=Callable[..., Any])

PUBLIC = "public"
#: Endpoints Flask itself registers.
BUILTIN_PUBLIC = {"static"}


def public(view: View) -> View:
    view.concord_access = PUBLIC  # type: ignore[attr-defined]
    return view


def requires(
    role: Role = Role.viewer, *, kinds: Iterable[OrgKind] | None = None
) -> Callable[[View], View]:
    allowed_kinds = frozenset(kinds) if kinds else None

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if allowed_kinds and current_user.organization.kind not in allowed_kinds:
                abort(404)
            if current_user.role < role:
                abort(403)
            return view(*args, **kwargs)

        wrapper.concord_access = (role, allowed_kinds)  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate


def undeclared_endpoints(app: Flask) -> list[str]:
    return sorted(
        endpoint
        for endpoint, view in app.view_functions.items()
        if endpoint not in BUILTIN_PUBLIC and not hasattr(view, "concord_access")
    )


def enforce_declared_access(app: Flask) -> None:
    missing = undeclared_endpoints(app)
    if missing:
        raise RuntimeError(f"routes without an access declaration: {', '.join(missing)}")


def may_open(endpoint: str) -> bool:
    """Whether the signed-in user passes ``endpoint``'s declaration (role and organization
    kind): the menu and the search box offer only pages that would not answer 403 or 404."""
    view = current_app.view_functions.get(endpoint)
    access = getattr(view, "concord_access", None)
    if access is None:
        return False
    if access == PUBLIC:
        return True
    if not current_user.is_authenticated:
        return False
    role, kinds = access
    return (not kinds or current_user.organization.kind in kinds) and current_user.role >= role
