"""The mail preferences form: one choice per notification kind."""

from __future__ import annotations

from wtforms import RadioField
from wtforms.fields.choices import SelectChoice

from portal.notifications.kinds import KINDS
from portal.notifications.models import Delivery
from web.input import Form

CHOICES = [SelectChoice(delivery.value, delivery.label) for delivery in Delivery]


class PreferencesForm(Form):
    """Built with one radio group per kind (``kind_<name>``)."""

    @classmethod
    def for_kinds(cls, current: dict[str, Delivery]) -> PreferencesForm:
        fields = {
            f"kind_{kind}": RadioField(label, choices=CHOICES, default=current[kind].value)
            for kind, label in KINDS.items()
        }
        form_class = type("KindPreferencesForm", (cls,), fields)
        return form_class()

    def chosen(self) -> dict[str, Delivery]:
        return {kind: Delivery(self[f"kind_{kind}"].data) for kind in KINDS}
