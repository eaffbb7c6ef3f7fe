"""The bell, the notifications page and the preferences form, over HTTP: the partner sees its
one notification (the shared note, not the internal one), can read it, and nobody else can."""

from sqlalchemy import select

from portal.notifications.kinds import CASE_ACTIVITY, KINDS
from portal.notifications.models import Delivery, Notification
from portal.notifications.service import preferences

from .test_notifications import case_with_notes


def test_the_bell_counts_what_waits_and_the_page_marks_it_read(client, db, people, run_consumer):
    case_with_notes(db, people)
    run_consumer()
    client.login(people["bea"].email)
    home = client.get("/home").get_data(as_text=True)
    assert "Notifications, 1 unread" in home

    page = client.get("/notifications/").get_data(as_text=True)
    assert "a new note" in page
    assert "Customer is difficult" not in page  # the internal note is named nowhere
    mine = db.scalar(select(Notification).where(Notification.user_id == people["bea"].id))

    client.logout()
    client.login(people["ben"].email)  # her colleague: someone else's notification is a 404
    assert client.post(f"/notifications/{mine.id}/read").status_code == 404
    client.logout()

    client.login(people["bea"].email)
    assert client.post(f"/notifications/{mine.id}/read").status_code == 302
    assert "Notifications, 0 unread" in client.get("/home").get_data(as_text=True)


def test_preferences_are_saved_and_a_bad_choice_changes_nothing(client, db, people):
    client.login(people["bea"].email)
    assert client.get("/account/notifications").status_code == 200
    choices = {f"kind_{kind}": Delivery.immediately.value for kind in KINDS}

    bad = client.post("/account/notifications", {**choices, f"kind_{CASE_ACTIVITY}": "hourly"})
    assert bad.status_code == 422
    assert preferences(db, people["bea"].id)[CASE_ACTIVITY] == Delivery.immediately

    saved = client.post("/account/notifications", {**choices, f"kind_{CASE_ACTIVITY}": "never"})
    assert saved.status_code == 302
    assert preferences(db, people["bea"].id)[CASE_ACTIVITY] == Delivery.never
