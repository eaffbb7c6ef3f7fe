"""Who is told what: an internal note tells no partner (in-app or by email), the actor is never
told of their own change, mails carry RFC 8058 one-click unsubscribe, and the digest and never
preferences hold."""

import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from partners.models import User
from portal.cases.models import NoteVisibility
from portal.cases.service import CaseDetails, add_note, open_case_with_vendor
from portal.notifications.models import Delivery, Notification
from portal.notifications.service import preferences, set_preference

from factories import context

NOW = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
UNSUBSCRIBE = re.compile(r"<http://portal\.test(/notifications/unsubscribe/[^>]+)>")


def told(db, user: User) -> list[str]:
    return list(
        db.scalars(select(Notification.text).where(Notification.user_id == user.id).order_by("id"))
    )


def _ctx(db, user):
    ctx = context(db, user)
    ctx.clock = lambda: NOW
    return ctx


def case_with_notes(db, people):
    """Bea (partner) opens a case; support writes an internal, then a shared note."""
    case = open_case_with_vendor(
        _ctx(db, people["bea"]), people["vendor"].id, CaseDetails(subject="Router reboots")
    )
    support = _ctx(db, people["support"])
    add_note(support, case.id, "Customer is difficult", NoteVisibility.internal)
    add_note(support, case.id, "Please send the logs", NoteVisibility.shared)
    return case


def test_an_internal_note_tells_no_partner_in_app_or_by_email(
    db, people, run_consumer, run_mailer, mailbox
):
    case = case_with_notes(db, people)
    run_consumer()
    title = f"Case {case.number} “Router reboots”"
    assert told(db, people["bea"]) == [f"{title}: a new note"]  # the shared one only
    assert told(db, people["ben"]) == []  # not on the case
    assert told(db, people["manager"]) == [
        f"{title}: opened",
        f"{title}: a new note",
        f"{title}: a new note",
    ]
    # On the case by the notes written since; never told of those notes, though.
    assert told(db, people["support"]) == [f"{title}: opened"]
    run_consumer()  # a replay tells nobody twice
    assert len(told(db, people["bea"])) == 1

    assert run_mailer(NOW) == 5
    [mail] = mailbox.to("bea@bluebird.example")
    assert mail["Subject"] == f"{title}: a new note"
    assert "difficult" not in mail.get_content()
    assert f"http://portal.test/cases/{case.id}" in mail.get_content()
    assert UNSUBSCRIBE.match(mail["List-Unsubscribe"])
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert len(mailbox.to("channel@acme.example")) == 3


def test_one_click_unsubscribe_needs_no_session_and_stops_that_kind(
    db, people, run_consumer, run_mailer, mailbox, client
):
    case = case_with_notes(db, people)
    run_consumer()
    run_mailer(NOW)
    path = UNSUBSCRIBE.match(mailbox.last_to("bea@bluebird.example")["List-Unsubscribe"])[1]
    response = client.post(path, {"List-Unsubscribe": "One-Click"})  # no session, no CSRF token
    assert response.status_code == 200
    assert preferences(db, people["bea"].id)["case_activity"] == Delivery.never
    assert client.post(path[:-3] + "xyz").status_code == 404  # a forged token changes nothing

    add_note(_ctx(db, people["support"]), case.id, "Any news?", NoteVisibility.shared)
    run_consumer()
    mailbox.received.clear()
    run_mailer(NOW)
    assert mailbox.to("bea@bluebird.example") == []  # still under the bell, never by mail
    assert len(told(db, people["bea"])) == 2


def test_digest_gathers_the_days_notifications_into_one_mail(
    db, people, run_consumer, run_mailer, mailbox
):
    set_preference(db, people["manager"].id, "case_activity", Delivery.digest, NOW)
    case_with_notes(db, people)
    run_consumer()
    run_mailer(NOW)
    assert mailbox.to("channel@acme.example") == []  # the day is not over
    run_mailer(NOW + timedelta(days=1))
    [digest] = mailbox.to("channel@acme.example")
    assert digest["Subject"] == "Your Concord digest: 3 notification(s)"
    assert digest.get_content().count("/cases/") == 3
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    run_mailer(NOW + timedelta(days=2))
    assert len(mailbox.to("channel@acme.example")) == 1
