"""Save, list and delete one's own views. A view keeps only the filters of a list page; what it
shows is decided when it is opened, by the list's own sharing, so a saved view never carries
access with it."""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from partners.context import NotFound, ServiceContext, ServiceError
from partners.models import User
from portal.saved.models import SavedView

MAX_VIEWS = 30
MAX_URL = 500


def my_views(user: User) -> Select[tuple[SavedView]]:
    return select(SavedView).where(SavedView.user_id == user.id).order_by(SavedView.name)


def save_view(ctx: ServiceContext, name: str, url: str) -> SavedView:
    """Save ``url`` (a path of this portal; the caller checks that it is a list page) as
    ``name``, replacing the user's view of that name."""
    actor, db = ctx.actor, ctx.db
    assert actor is not None
    name = " ".join(name.split())
    if not name or len(name) > 80:
        raise ServiceError("Give the view a name of up to 80 characters.")
    if not url.startswith("/") or url.startswith("//") or len(url) > MAX_URL:
        raise ServiceError("Only a page of this portal can be saved.")
    view = db.scalar(my_views(actor).where(SavedView.name == name))
    if view is None:
        if len(db.scalars(my_views(actor)).all()) >= MAX_VIEWS:
            raise ServiceError(f"You have {MAX_VIEWS} views already: delete one first.")
        view = SavedView(user_id=actor.id, name=name)
        db.add(view)
    view.url = url
    db.flush()
    return view


def delete_view(ctx: ServiceContext, view_id: int) -> None:
    assert ctx.actor is not None
    ctx.db.delete(get_view(ctx.db, ctx.actor, view_id))
    ctx.db.flush()


def get_view(db: Session, user: User, view_id: int) -> SavedView:
    view = db.get(SavedView, view_id)
    if view is None or view.user_id != user.id:
        raise NotFound()
    return view
