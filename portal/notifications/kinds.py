"""The kinds of notification a user sets a mail preference for, with their labels."""

from __future__ import annotations

LEAD_SHARED = "lead_shared"
DEAL_REGISTRATION = "deal_registration"
DEAL_DECISION = "deal_decision"
CASE_ACTIVITY = "case_activity"
CASE_ASSIGNED = "case_assigned"

#: Kind → what the preferences page calls it.
KINDS: dict[str, str] = {
    LEAD_SHARED: "A lead shared into my organization's inbox",
    DEAL_REGISTRATION: "A deal registration waiting for review",
    DEAL_DECISION: "The decision on my deal registration",
    CASE_ACTIVITY: "A case I am on: opened, a new note, a status change",
    CASE_ASSIGNED: "A case assigned to me",
}
