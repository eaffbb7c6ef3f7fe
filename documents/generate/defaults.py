"""The default templates shipped in ``templates/``, written by code so they can be regenerated:

    python -m documents.generate.defaults

Each builder lays out one kind; `tests/documents/test_generate.py` checks that the checked-in
files match what the builders produce and that they show every field of their view model.
"""

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

from docx.document import Document

from documents.generate import layout
from documents.generate.layout import facts, heading, paragraph, row, table
from documents.generate.registry import DOCUMENT_KINDS, TEMPLATES


def _parties(document: Document, left: str, right: str) -> None:
    grid = table(document, [8.3, 8.3], header=[left, right])
    row(
        grid,
        ["{{ vendor.name }}\n{{ vendor.address }}", "{{ partner.name }}\n{{ partner.address }}"],
        bold=True,
    )


def partner_agreement() -> Document:
    document = layout.new_document("Partner Agreement", "Agreement {{ reference }}")
    document.add_paragraph("Reference {{ reference }}", style="Subtitle")
    paragraph(
        document,
        "This Partner Agreement (the “Agreement”) is made between {{ vendor.name }} (the "
        "“Vendor”) and {{ partner.name }} (the “Partner”) and takes effect on "
        "{{ effective_date }}.",
    )
    heading(document, "1. The parties")
    _parties(document, "Vendor", "Partner")
    heading(document, "2. The partnership")
    facts(
        document,
        [
            ("Partner tier", "{{ tier }}"),
            ("Region", "{{ region }}"),
            ("Effective date", "{{ effective_date }}"),
        ],
    )
    heading(document, "3. Terms")
    terms = table(document, [4.5, 12.1])
    row(terms, ["{{ terms.heading }}", "{{ terms.text }}"], bold={0})
    heading(document, "4. Signatures")
    paragraph(document, "Each party signs below to confirm that it agrees to these terms.")
    signatures = table(
        document, [4.6, 4.6, 4.6, 2.8], header=["Signed for", "Name and title", "Signature", "Date"]
    )
    layout.signing_space(
        row(
            signatures,
            [
                "{{ signatories.organization }}",
                "{{ signatories.name }}\n{{ signatories.title }}",
                "",
                "",
            ],
            bold=True,
        )
    )
    return document


def deal_registration_confirmation() -> Document:
    document = layout.new_document(
        "Deal Registration Confirmation", "Registration {{ registration_number }}"
    )
    document.add_paragraph("Registration {{ registration_number }}", style="Subtitle")
    _parties(document, "From", "To")
    paragraph(document)
    paragraph(document, "Dear {{ partner.name }},")
    paragraph(
        document,
        "{{ vendor.name }} has approved your registration of the opportunity below. It is "
        "protected for {{ partner.name }} until {{ protection_until }}.",
    )
    heading(document, "Registration")
    facts(
        document,
        [
            ("Registration number", "{{ registration_number }}"),
            ("Opportunity", "{{ opportunity }}"),
            ("Customer", "{{ customer.name }}\n{{ customer.address }}"),
            ("Approved on", "{{ approved_on }}"),
            ("Protected until", "{{ protection_until }}"),
        ],
    )
    heading(document, "Products")
    amounts = {2, 3}
    products = table(
        document,
        [7.6, 3.4, 2.2, 3.4],
        header=["Product", "SKU", "Quantity", "Amount ({{ currency }})"],
    )
    row(
        products,
        ["{{ lines.product }}", "{{ lines.sku }}", "{{ lines.quantity }}", "{{ lines.amount }}"],
        right=amounts,
    )
    layout.top_rule(row(products, ["Total", "", "", "{{ total }}"], bold=True, right=amounts))
    paragraph(document)
    paragraph(
        document,
        "This confirmation is addressed to {{ partner.name }} only. For questions about this "
        "registration, contact your channel manager at {{ vendor.name }}.",
        small=True,
    )
    return document


def lead_handoff() -> Document:
    document = layout.new_document("Lead Handoff Summary", "Lead handoff")
    document.add_paragraph("{{ lead.company }}", style="Subtitle")
    _parties(document, "Handed off by", "Handed off to")
    paragraph(document)
    heading(document, "Lead")
    facts(
        document,
        [
            ("Company", "{{ lead.company }}"),
            ("Contact", "{{ lead.contact_name }}\n{{ lead.contact_email }}"),
            ("Country", "{{ lead.country }}"),
            ("Industry", "{{ lead.industry }}"),
            ("Product line", "{{ lead.product_line }}"),
            ("Handed off on", "{{ handed_off_on }}"),
        ],
    )
    heading(document, "Score")
    score = table(document, [2.6, 14.0], header=["Points", "Reason"])
    row(score, ["{{ score_lines.points }}", "{{ score_lines.reason }}"], right={0})
    layout.top_rule(row(score, ["{{ score }}", "Total score"], bold=True, right={0}))
    heading(document, "Activity")
    activity = table(document, [4.4, 2.4, 3.4, 6.4], header=["When", "Activity", "By", "Note"])
    row(
        activity,
        [
            "{{ activities.at }}",
            "{{ activities.kind }}",
            "{{ activities.by }}",
            "{{ activities.note }}",
        ],
    )
    return document


_EPOCH = (1980, 1, 1, 0, 0, 0)

BUILDERS: dict[str, Callable[[], Document]] = {
    "partner_agreement": partner_agreement,
    "deal_registration_confirmation": deal_registration_confirmation,
    "lead_handoff": lead_handoff,
}


def write_defaults(directory: Path = TEMPLATES) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name in DOCUMENT_KINDS:
        path = directory / f"{name}.docx"
        path.write_bytes(_reproducible(BUILDERS[name]()))
        written.append(path)
    return written


def _reproducible(document: Document) -> bytes:
    """The saved package with fixed timestamps, so regenerating an unchanged template is no diff."""
    saved, output = io.BytesIO(), io.BytesIO()
    document.save(saved)
    with (
        zipfile.ZipFile(saved) as source,
        zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for name in source.namelist():
            target.writestr(zipfile.ZipInfo(name, _EPOCH), source.read(name), zipfile.ZIP_DEFLATED)
    return output.getvalue()


if __name__ == "__main__":
    for path in write_defaults():
        print(path)
