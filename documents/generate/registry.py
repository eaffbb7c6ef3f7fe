"""The kinds of generated document. A new kind is a view model, a default template and one
entry in `DOCUMENT_KINDS`."""

from dataclasses import dataclass
from pathlib import Path

from documents.generate import models
from documents.generate.fields import Schema, schema_of

TEMPLATES = Path(__file__).parent / "templates"


@dataclass(frozen=True)
class DocumentKind:
    name: str
    title: str
    view_model: type
    """A frozen dataclass; its fields are the placeholders templates of this kind may use."""

    def __post_init__(self) -> None:
        schema_of(self.view_model)  # a view model that cannot be shown fails at import

    @property
    def schema(self) -> Schema:
        return schema_of(self.view_model)

    @property
    def default_template(self) -> Path:
        return TEMPLATES / f"{self.name}.docx"


DOCUMENT_KINDS: dict[str, DocumentKind] = {
    kind.name: kind
    for kind in (
        DocumentKind("partner_agreement", "Partner agreement", models.PartnerAgreement),
        DocumentKind(
            "deal_registration_confirmation",
            "Deal registration confirmation",
            models.DealRegistrationConfirmation,
        ),
        DocumentKind("lead_handoff", "Lead handoff summary", models.LeadHandoff),
    )
}


def get_kind(name: str) -> DocumentKind:
    try:
        return DOCUMENT_KINDS[name]
    except KeyError:
        raise LookupError(
            f"No kind of generated document is called {name!r}; "
            f"the kinds are {', '.join(DOCUMENT_KINDS)}"
        ) from None
