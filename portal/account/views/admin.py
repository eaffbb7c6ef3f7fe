"""An organization admin's pages: people, teams, security policy and the audit log."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from partners import audit, people, sharing
from partners.context import ServiceError
from partners.roles import Role
from portal.account.forms import (
    ActionForm,
    AuditFilterForm,
    ChangeRoleForm,
    InviteUserForm,
    SecurityPolicyForm,
    TeamForm,
    TeamMembersForm,
    VisibilityForm,
)
from web.access import requires
from web.database import db_session
from web.pagination import paginate
from web.services import service_context

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="../templates")


def _flash_outcome(action, success: str) -> None:
    try:
        action()
    except ServiceError as error:
        db_session().rollback()
        flash(str(error), "error")
    else:
        flash(success, "success")


@bp.route("/users")
@requires(Role.admin)
def users():
    page = paginate(db_session(), sharing.colleagues(current_user))
    return render_template("partners/users.html", page=page, invite_form=InviteUserForm())


@bp.route("/users/invite", methods=["POST"])
@requires(Role.admin)
def invite():
    form = InviteUserForm()
    if form.validate_on_submit():
        try:
            user = people.invite_colleague(
                service_context(),
                email=form.email.data,
                name=form.name.data or "",
                role=Role(form.role.data),
            )
        except ServiceError as error:
            form.email.errors.append(str(error))
        else:
            flash(f"Invitation sent to {user.email}.", "success")
            return redirect(url_for("admin.users"))
    page = paginate(db_session(), sharing.colleagues(current_user))
    return render_template("partners/users.html", page=page, invite_form=form), 422


@bp.route("/users/<int:user_id>")
@requires(Role.admin)
def user(user_id: int):
    person = sharing.get_colleague(db_session(), current_user, user_id)
    role_form = ChangeRoleForm(role=person.role.value)
    return render_template(
        "partners/user.html", person=person, role_form=role_form, action_form=ActionForm()
    )


@bp.route("/users/<int:user_id>/role", methods=["POST"])
@requires(Role.admin)
def change_role(user_id: int):
    person = sharing.get_colleague(db_session(), current_user, user_id)
    form = ChangeRoleForm()
    if form.validate_on_submit():
        _flash_outcome(
            lambda: people.change_role(service_context(), person, Role(form.role.data)),
            f"{person.email} is now {Role(form.role.data).label.lower()}.",
        )
    return redirect(url_for("admin.user", user_id=user_id))


@bp.route("/users/<int:user_id>/deactivate", methods=["POST"])
@requires(Role.admin)
def deactivate(user_id: int):
    person = sharing.get_colleague(db_session(), current_user, user_id)
    if ActionForm().validate_on_submit():
        _flash_outcome(
            lambda: people.deactivate(service_context(), person),
            f"{person.email} is deactivated and signed out everywhere.",
        )
    return redirect(url_for("admin.user", user_id=user_id))


@bp.route("/users/<int:user_id>/reactivate", methods=["POST"])
@requires(Role.admin)
def reactivate(user_id: int):
    person = sharing.get_colleague(db_session(), current_user, user_id)
    if ActionForm().validate_on_submit():
        _flash_outcome(
            lambda: people.reactivate(service_context(), person), f"{person.email} is active again."
        )
    return redirect(url_for("admin.user", user_id=user_id))


@bp.route("/teams", methods=["GET", "POST"])
@requires(Role.admin)
def teams():
    form = TeamForm()
    status = 200
    if form.validate_on_submit():
        try:
            team = people.create_team(
                service_context(), form.name.data, form.description.data or ""
            )
        except ServiceError as error:
            form.name.errors.append(str(error))
            status = 422
        else:
            flash(f"Team {team.name} created.", "success")
            return redirect(url_for("admin.team", team_id=team.id))
    items = list(db_session().scalars(sharing.teams(current_user)))
    return render_template("partners/teams.html", teams=items, form=form), status


def _members_form(team, formdata=None) -> TeamMembersForm:
    form = TeamMembersForm(formdata=formdata)
    form.members.choices = [
        (u.id, u.display_name) for u in db_session().scalars(sharing.colleagues(current_user))
    ]
    if formdata is None:
        form.members.data = [m.id for m in team.members]
    return form


@bp.route("/teams/<int:team_id>", methods=["GET", "POST"])
@requires(Role.admin)
def team(team_id: int):
    db = db_session()
    item = sharing.get_team(db, current_user, team_id)
    if request.method == "POST":
        form = _members_form(item, request.form)
        if form.validate_on_submit():
            members = [sharing.get_colleague(db, current_user, uid) for uid in form.members.data]
            _flash_outcome(
                lambda: people.set_team_members(service_context(), item, members), "Members saved."
            )
            return redirect(url_for("admin.team", team_id=team_id))
    else:
        form = _members_form(item)
    return render_template("partners/team.html", team=item, form=form, delete_form=ActionForm())


@bp.route("/teams/<int:team_id>/delete", methods=["POST"])
@requires(Role.admin)
def delete_team(team_id: int):
    item = sharing.get_team(db_session(), current_user, team_id)
    if ActionForm().validate_on_submit():
        name = item.name
        _flash_outcome(lambda: people.delete_team(service_context(), item), f"Team {name} deleted.")
    return redirect(url_for("admin.teams"))


@bp.route("/security", methods=["GET", "POST"])
@requires(Role.admin)
def security():
    form = SecurityPolicyForm(require_two_factor=current_user.organization.require_two_factor)
    if form.validate_on_submit():
        people.set_require_two_factor(service_context(), bool(form.require_two_factor.data))
        flash("Security policy saved.", "success")
        return redirect(url_for("admin.security"))
    return render_template("partners/security.html", form=form)


@bp.route("/visibility", methods=["GET", "POST"])
@requires(Role.admin)
def visibility():
    see_all = current_user.organization.members_see_all_records
    form = VisibilityForm(members_see_all="all" if see_all else "own")
    if form.validate_on_submit():
        people.set_members_see_all(service_context(), form.members_see_all.data == "all")
        flash("Record visibility saved.", "success")
        return redirect(url_for("admin.visibility"))
    return render_template("partners/visibility.html", form=form)


def _day(value: str | None) -> datetime | None:
    try:
        return datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=UTC) if value else None
    except ValueError:
        return None


@bp.route("/audit")
@requires(Role.admin)
def audit_log():
    form = AuditFilterForm(request.args)
    form.validate()
    until = _day(form.until.data)
    filters = audit.AuditFilter(
        action=form.action.data or "",
        actor_email=form.actor.data or "",
        since=_day(form.since.data),
        until=until + timedelta(days=1) if until else None,
    )
    page = paginate(
        db_session(), audit.entries_for_organization(current_user.organization_id, filters), 50
    )
    return render_template("partners/audit.html", page=page, form=form)
