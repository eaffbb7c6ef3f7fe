"""Generated documents: each one opened with python-docx, values checked where they belong."""

import io
import re
import zipfile
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import docx
import pytest
from docx.document import Document
from docx.oxml.parser import parse_xml
from hypothesis import given, settings
from hypothesis import strategies as st

from documents.content import RejectedUpload
from documents.generate import (
    DOCUMENT_KINDS,
    DocumentKind,
    InvalidTemplate,
    check_template,
    get_kind,
    render,
)
from documents.generate.defaults import write_defaults
from documents.generate.fields import schema_of
from documents.generate.models import (
    ActivityEntry,
    DealRegistrationConfirmation,
    LeadDetails,
    LeadHandoff,
    LineItem,
    PartnerAgreement,
    Party,
    ScoreLine,
    Signatory,
    Term,
)
from documents.generate.wordml import printable

MIB = 1024 * 1024
VENDOR = Party("Northwind Networks", "1 Harbour Way\nBristol BS1 5TT")
PARTNER = Party("Contoso Systems", "Hauptstraße 5\n10115 Berlin")

AGREEMENT = PartnerAgreement(
    reference="PA-2025-007",
    vendor=VENDOR,
    partner=PARTNER,
    tier="Gold",
    region="EMEA",
    effective_date=date(2025, 4, 1),
    terms=(
        Term("Discount", "30% off list price on all products."),
        Term("Term", "Twelve months, renewed unless either party gives notice."),
        Term("Deal protection", "Approved registrations are protected for 90 days."),
    ),
    signatories=(
        Signatory("Northwind Networks", "Ann Lee", "Channel Director"),
        Signatory("Contoso Systems", "Jonas Weber", "Managing Director"),
    ),
)
DEAL = DealRegistrationConfirmation(
    registration_number="DR-2025-0042",
    vendor=VENDOR,
    partner=PARTNER,
    customer=Party("Fabrikam AG", "Zürich"),
    opportunity="HQ network refresh",
    approved_on=date(2025, 3, 3),
    protection_until=date(2025, 6, 30),
    currency="EUR",
    lines=(
        LineItem("Switch, 48 ports", "SW-48", 12, Decimal("18400")),
        LineItem("Support, 3 years", "SUP-3Y", 1, Decimal("5200.5")),
        LineItem("Installation", "SVC-INST", 2, Decimal("1500")),
    ),
)
BERLIN = ZoneInfo("Europe/Berlin")
HANDOFF = LeadHandoff(
    vendor=VENDOR,
    partner=PARTNER,
    lead=LeadDetails(
        "Fabrikam AG", "Maria Rossi", "maria@fabrikam.example", "CH", "Manufacturing", "Switching"
    ),
    handed_off_on=date(2025, 5, 2),
    score=72,
    score_lines=(
        ScoreLine(40, "Budget confirmed"),
        ScoreLine(25, "Decision within 3 months"),
        ScoreLine(7, "Opened 3 campaign emails"),
    ),
    activities=(
        ActivityEntry(datetime(2025, 4, 28, 9, 30, tzinfo=BERLIN), "Call", "Ann Lee", "Intro"),
        ActivityEntry(
            datetime(2025, 4, 30, 14, 5, tzinfo=BERLIN), "Email", "Ann Lee", "Sent quote"
        ),
    ),
)


def opened(data: bytes) -> Document:
    return docx.Document(io.BytesIO(data))


def table_texts(document: Document) -> list[list[list[str]]]:
    return [[[cell.text for cell in row.cells] for row in table.rows] for table in document.tables]


def template(
    body: list[list[str]] = (),
    header: list[str] = (),
    rows: list[list[list[str]]] = (),
) -> bytes:
    """A replacement template: every list of strings is one paragraph, one run per string.

    The first run of each paragraph is italic, the others bold, so a test can tell whose
    formatting a value took. `rows` become one table, a row per entry, a cell per run list.
    """
    document = docx.Document()

    def runs(paragraph, pieces):
        for number, piece in enumerate(pieces):
            run = paragraph.add_run(piece)
            run.italic, run.bold = number == 0, number > 0

    if header:
        runs(document.sections[0].header.paragraphs[0], header)
    for pieces in body:
        runs(document.add_paragraph(), pieces)
    if rows:
        grid = document.add_table(rows=len(rows), cols=len(rows[0]))
        for row, cells in zip(grid.rows, rows, strict=True):
            for cell, pieces in zip(row.cells, cells, strict=True):
                runs(cell.paragraphs[0], pieces)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# -- Default templates ------------------------------------------------------------------------


def test_partner_agreement_default_template():
    document = opened(render("partner_agreement", AGREEMENT))
    assert document.sections[0].header.paragraphs[0].text == (
        "Northwind Networks\tAgreement PA-2025-007"
    )
    assert document.paragraphs[0].text == "Partner Agreement"
    assert "takes effect on 1 April 2025." in document.paragraphs[2].text
    parties, partnership, terms, signatures = table_texts(document)
    assert parties[1] == [
        "Northwind Networks\n1 Harbour Way\nBristol BS1 5TT",
        "Contoso Systems\nHauptstraße 5\n10115 Berlin",
    ]
    assert partnership == [
        ["Partner tier", "Gold"],
        ["Region", "EMEA"],
        ["Effective date", "1 April 2025"],
    ]
    assert terms == [[term.heading, term.text] for term in AGREEMENT.terms]
    assert signatures == [
        ["Signed for", "Name and title", "Signature", "Date"],
        ["Northwind Networks", "Ann Lee\nChannel Director", "", ""],
        ["Contoso Systems", "Jonas Weber\nManaging Director", "", ""],
    ]
    assert document.core_properties.title == "Partner agreement"


def test_deal_registration_confirmation_default_template():
    document = opened(render("deal_registration_confirmation", DEAL))
    assert document.sections[0].header.paragraphs[0].text.endswith("Registration DR-2025-0042")
    body = [paragraph.text for paragraph in document.paragraphs]
    assert "Dear Contoso Systems," in body
    assert "It is protected for Contoso Systems until 30 June 2025." in "\n".join(body)
    _, registration, products = table_texts(document)
    assert registration == [
        ["Registration number", "DR-2025-0042"],
        ["Opportunity", "HQ network refresh"],
        ["Customer", "Fabrikam AG\nZürich"],
        ["Approved on", "3 March 2025"],
        ["Protected until", "30 June 2025"],
    ]
    assert products == [
        ["Product", "SKU", "Quantity", "Amount (EUR)"],
        ["Switch, 48 ports", "SW-48", "12", "18,400.00"],
        ["Support, 3 years", "SUP-3Y", "1", "5,200.50"],
        ["Installation", "SVC-INST", "2", "1,500.00"],
        ["Total", "", "", "25,100.50"],
    ]


def test_lead_handoff_default_template():
    document = opened(render("lead_handoff", HANDOFF))
    assert document.paragraphs[1].text == "Fabrikam AG"
    parties, lead, score, activity = table_texts(document)
    assert parties[0] == ["Handed off by", "Handed off to"]
    assert ["Contact", "Maria Rossi\nmaria@fabrikam.example"] in lead
    assert ["Handed off on", "2 May 2025"] in lead
    assert score == [
        ["Points", "Reason"],
        ["40", "Budget confirmed"],
        ["25", "Decision within 3 months"],
        ["7", "Opened 3 campaign emails"],
        ["72", "Total score"],
    ]
    assert activity == [
        ["When", "Activity", "By", "Note"],
        ["28 April 2025, 09:30 CEST", "Call", "Ann Lee", "Intro"],
        ["30 April 2025, 14:05 CEST", "Email", "Ann Lee", "Sent quote"],
    ]


def test_an_empty_list_leaves_no_row():
    document = opened(render("lead_handoff", replace(HANDOFF, activities=())))
    assert table_texts(document)[3] == [["When", "Activity", "By", "Note"]]


@pytest.mark.parametrize("kind", DOCUMENT_KINDS.values(), ids=lambda kind: kind.name)
def test_default_templates_show_every_field(kind):
    with kind.default_template.open("rb") as stream:
        assert check_template(kind, stream, stream.name).unused == ()


def test_default_templates_match_their_builders(tmp_path):
    """Regenerate with ``python -m documents.generate.defaults`` after changing a builder."""
    for written in write_defaults(tmp_path):
        shipped = get_kind(written.stem).default_template
        assert written.read_bytes() == shipped.read_bytes(), f"{shipped.name} is out of date"


# -- Replacement templates --------------------------------------------------------------------

REPLACEMENTS = {
    "partner_agreement": (
        AGREEMENT,
        template(
            header=["{{ ven", "dor.na", "me }} – {{ refer", "ence }}"],
            body=[["Tier: {", "{ tier }} in {{ re", "gion }}"]],
            rows=[
                [["Signed for"], ["Name"]],
                [["{{ signatories.organi", "zation }}"], ["{{ signatories.name }}"]],
            ],
        ),
        "Northwind Networks – PA-2025-007",
        "Tier: Gold in EMEA",
        [
            ["Signed for", "Name"],
            ["Northwind Networks", "Ann Lee"],
            ["Contoso Systems", "Jonas Weber"],
        ],
    ),
    "deal_registration_confirmation": (
        DEAL,
        template(
            header=["{{ registration_", "number }}"],
            body=[["Protected until {{ protection", "_until }} for {{ customer.", "name }}"]],
            rows=[
                [
                    ["{{ lines.pro", "duct }}"],
                    ["{{ lines", ".quantity }}"],
                    ["{{ currency }} {{ lines.amount }}"],
                ]
            ],
        ),
        "DR-2025-0042",
        "Protected until 30 June 2025 for Fabrikam AG",
        [
            ["Switch, 48 ports", "12", "EUR 18,400.00"],
            ["Support, 3 years", "1", "EUR 5,200.50"],
            ["Installation", "2", "EUR 1,500.00"],
        ],
    ),
    "lead_handoff": (
        HANDOFF,
        template(
            header=["{{", " lead.company ", "}}"],
            body=[["Score {{ sc", "ore }}: see below"]],
            rows=[[["{{ score_lines.points }} pts"], ["{{ score_lines.", "reason }}"]]],
        ),
        "Fabrikam AG",
        "Score 72: see below",
        [
            ["40 pts", "Budget confirmed"],
            ["25 pts", "Decision within 3 months"],
            ["7 pts", "Opened 3 campaign emails"],
        ],
    ),
}


@pytest.mark.parametrize("name", REPLACEMENTS)
def test_replacement_template_with_placeholders_split_across_runs(name):
    view_model, data, header, paragraph, rows = REPLACEMENTS[name]
    assert check_template(name, io.BytesIO(data), "ours.docx").unused
    document = opened(render(name, view_model, io.BytesIO(data)))
    assert document.sections[0].header.paragraphs[0].text == header
    assert document.paragraphs[0].text == paragraph
    assert table_texts(document) == [rows]


def test_a_value_keeps_the_formatting_of_the_run_where_its_placeholder_starts():
    data = template(body=[["{{ partner", ".name }}", " of {{ tier }}"]])
    runs = opened(render("partner_agreement", AGREEMENT, io.BytesIO(data))).paragraphs[0].runs
    assert [(run.text, run.italic, run.bold) for run in runs if run.text] == [
        ("Contoso Systems", True, False),
        (" of Gold", False, True),
    ]


def test_placeholders_inside_links_revisions_and_content_controls():
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    r = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    document = docx.Document()
    paragraph = document.add_paragraph("Dear {{ partner")
    for xml in (
        f'<w:hyperlink {w} {r} w:anchor="top"><w:r><w:t>.name }}}}</w:t></w:r></w:hyperlink>',
        f'<w:ins {w} w:id="1" w:author="A" w:date="2025-01-01T00:00:00Z">'
        "<w:r><w:t>, tier {{ ti</w:t></w:r></w:ins>",
        f"<w:sdt {w}><w:sdtContent><w:r><w:t>er }}}}</w:t></w:r></w:sdtContent></w:sdt>",
    ):
        paragraph._p.append(parse_xml(xml))
    buffer = io.BytesIO()
    document.save(buffer)
    filled = opened(render("partner_agreement", AGREEMENT, io.BytesIO(buffer.getvalue())))
    texts = filled.paragraphs[0]._p.xpath(".//w:t/text()")
    assert "".join(texts) == "Dear Contoso Systems, tier Gold"


def test_values_are_inserted_literally():
    tricky = Party('{{ vendor.name }} <b>&amp;</b> "R&D" {% if x %}', "Line one\nLine two\tTabbed")
    view_model = replace(
        DEAL, partner=tricky, lines=(LineItem("{{ lines.sku }}", "<x/>", 1, Decimal(1)),)
    )
    data = template(
        body=[["{{ partner.name }}"], ["{{ partner.address }}"]],
        rows=[[["{{ lines.product }}"], ["{{ lines.sku }}"]]],
    )
    document = opened(render("deal_registration_confirmation", view_model, io.BytesIO(data)))
    assert [paragraph.text for paragraph in document.paragraphs] == [
        tricky.name,
        "Line one\nLine two\tTabbed",
    ]
    assert table_texts(document) == [[["{{ lines.sku }}", "<x/>"]]]


# -- Refused templates ------------------------------------------------------------------------


def refusal(name: str, data: bytes, filename: str = "template.docx") -> RejectedUpload:
    with pytest.raises(RejectedUpload) as refused:
        check_template(name, io.BytesIO(data), filename)
    return refused.value


def test_unknown_placeholders_are_named():
    data = template(
        body=[["Dear {{ partner.nme }},"], ["Also registered by {{ competing_registrant.name }}"]]
    )
    refused = refusal("deal_registration_confirmation", data)
    assert isinstance(refused, InvalidTemplate)
    assert refused.code == "invalid_template"
    assert refused.problems == (
        "Unknown placeholder {{ partner.nme }} (did you mean {{ partner.name }}?)",
        "Unknown placeholder {{ competing_registrant.name }}",
    )
    assert refused.message.startswith("This template cannot be used: Unknown placeholder")


def test_template_logic_is_refused_not_printed():
    data = template(
        body=[
            ["{{ partner.name | upper }}"],
            ["{% for line in lines %}"],
            ["{{ partner.name"],
            ["{{ 1 + 1 }}"],
        ]
    )
    assert refusal("deal_registration_confirmation", data).problems == (
        "{{ partner.name | upper }} is not a placeholder: write only a field name, like "
        "{{ partner.name }} (filters and expressions are not supported)",
        "{% for line in lines %}: template logic and comments are not supported, only placeholders",
        "An opening {{ is not closed in the same paragraph",
        "{{ 1 + 1 }} is not a placeholder: write only a field name, like {{ partner.name }} "
        "(filters and expressions are not supported)",
    )


def test_list_placeholders_belong_in_one_table_row():
    data = template(
        body=[["{{ lines.product }}"]],
        rows=[[["{{ lines.product }}"], ["{{ signatories.name }}"]]],
    )
    refused = refusal("deal_registration_confirmation", data)
    assert refused.problems == (
        "{{ lines.product }} is filled in once for each item of lines, "
        "so it must be in a table row",
        "Unknown placeholder {{ signatories.name }}",
    )
    data = template(rows=[[["{{ score_lines.reason }}"], ["{{ activities.note }}"]]])
    assert refusal("lead_handoff", data).problems == (
        "A table row can repeat for one list only, not for {{ activities.… }} and "
        "{{ score_lines.… }}",
    )


def test_a_stored_template_that_no_longer_fits_is_not_rendered():
    data = template(body=[["{{ deal.amount }}"]])
    with pytest.raises(InvalidTemplate, match=r"Unknown placeholder \{\{ deal.amount \}\}"):
        render("deal_registration_confirmation", DEAL, io.BytesIO(data))


def test_macro_enabled_templates_are_refused(rezip):
    assert refusal("lead_handoff", template(), "ours.docm").code == "macros"
    with_macros = rezip(template(), {"word/vbaProject.bin": b"\xd0\xcf\x11\xe0 macro"})
    refused = refusal("lead_handoff", with_macros)
    assert refused.message.startswith("Files with macros are not accepted")
    with pytest.raises(RejectedUpload, match="macros"):
        render("lead_handoff", HANDOFF, io.BytesIO(with_macros))


def test_zip_bomb_template_is_refused():
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(template()), "r") as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            target.writestr(info, source.read(info))
        with target.open("word/media/zeros.bin", "w") as member:
            for _ in range(100):
                member.write(bytes(MIB))
    refused = refusal("lead_handoff", buffer.getvalue())
    assert refused.code == "zip_bomb"
    assert refused.message == "The document expands to more than 64 MB when opened"


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"%PDF-1.7\n" + bytes(100), "agreement.pdf", "A template must be a Word document (.docx)"),
        (b"Dear {{ partner.name }}", "letter.txt", "A template must be a Word document (.docx)"),
        (b"Dear {{ partner.name }}", "letter.docx", "This file is a plain text, but its name"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "old.doc", "This file is an old-style"),
    ],
)
def test_files_that_are_not_docx_are_refused(data, filename, message):
    assert refusal("partner_agreement", data, filename).message.startswith(message)


def test_accepted_template_lists_unused_fields_and_is_rewound():
    stream = io.BytesIO(template(body=[["{{ partner.name }} {{ score }}"]]))
    checked = check_template("lead_handoff", stream, "handoff")
    assert (checked.filename, stream.tell()) == ("handoff.docx", 0)
    assert "lead.company" in checked.unused
    assert "partner.name" not in checked.unused and "score" not in checked.unused


def test_placeholders_in_footnotes_are_refused(rezip):
    original = template()
    with zipfile.ZipFile(io.BytesIO(original)) as archive:
        types = archive.read("[Content_Types].xml").replace(
            b"</Types>",
            b'<Override PartName="/word/footnotes.xml" ContentType="application/vnd.openxmlformats'
            b'-officedocument.wordprocessingml.footnotes+xml"/></Types>',
        )
        rels = archive.read("word/_rels/document.xml.rels").replace(
            b"</Relationships>",
            b'<Relationship Id="rIdNotes" Type="http://schemas.openxmlformats.org/officeDocument'
            b'/2006/relationships/footnotes" Target="footnotes.xml"/></Relationships>',
        )
    notes = (
        b'<w:footnotes xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        b'<w:footnote w:id="1"><w:p><w:r><w:t>{{ customer.name }}</w:t></w:r></w:p></w:footnote>'
        b"</w:footnotes>"
    )
    data = rezip(
        original,
        {
            "[Content_Types].xml": types,
            "word/_rels/document.xml.rels": rels,
            "word/footnotes.xml": notes,
        },
    )
    assert refusal("deal_registration_confirmation", data).problems == (
        "{{ customer.name }} is in the footnotes, where placeholders are not filled in",
    )


def test_templates_that_load_outside_content_are_refused(rezip):
    """A remote template or linked picture would call out (or track) when the partner opens it."""
    original = template(body=[["{{ partner.name }}"]])
    with zipfile.ZipFile(io.BytesIO(original)) as archive:
        rels = archive.read("word/_rels/document.xml.rels").replace(
            b"</Relationships>",
            b'<Relationship Id="rIdPixel" Type="http://schemas.openxmlformats.org/officeDocument'
            b'/2006/relationships/image" Target="https://tracker.example/p.png"'
            b' TargetMode="External"/></Relationships>',
        )
    data = rezip(original, {"word/_rels/document.xml.rels": rels})
    assert refusal("lead_handoff", data).problems == (
        "The template loads https://tracker.example/p.png from outside the document (a linked "
        "picture, object or template); insert pictures into the document instead",
    )


def test_a_tab_or_break_inside_a_placeholder_breaks_it():
    document = docx.Document()
    paragraph = document.add_paragraph("{{ partner")
    paragraph.add_run().add_tab()
    paragraph.add_run(".name }}")
    buffer = io.BytesIO()
    document.save(buffer)
    assert refusal("lead_handoff", buffer.getvalue()).problems == (
        "An opening {{ is not closed in the same paragraph",
    )


# -- What a deal registration confirmation can reveal -----------------------------------------


def test_deal_registration_confirmation_has_no_field_for_another_registrant():
    """Adding a field here decides what every partner receives: review it, then update this."""
    assert set(get_kind("deal_registration_confirmation").schema.fields) == {
        "registration_number",
        *(
            f"{party}.{field}"
            for party in ("vendor", "partner", "customer")
            for field in ("name", "address")
        ),
        "opportunity",
        "approved_on",
        "protection_until",
        "currency",
        "lines.product",
        "lines.sku",
        "lines.quantity",
        "lines.amount",
        "total",
    }


def test_rendered_confirmation_holds_only_the_view_model_and_the_template():
    """Core properties of the template (its author, comments) do not travel to the partner."""
    source = docx.Document()
    source.add_paragraph("{{ partner.name }}")
    source.core_properties.author = "Jane at Northwind"
    source.core_properties.comments = "Remember: Initech registered this deal first"
    buffer = io.BytesIO()
    source.save(buffer)
    document = opened(render("deal_registration_confirmation", DEAL, io.BytesIO(buffer.getvalue())))
    properties = document.core_properties
    assert (properties.author, properties.comments, properties.title) == (
        "",
        "",
        "Deal registration confirmation",
    )


def test_a_view_model_of_the_wrong_kind_is_refused():
    with pytest.raises(TypeError, match="needs a DealRegistrationConfirmation"):
        render("deal_registration_confirmation", HANDOFF)
    with pytest.raises(LookupError, match="No kind of generated document is called 'memo'"):
        get_kind("memo")


# -- Adding a kind ----------------------------------------------------------------------------


@dataclass(frozen=True)
class SharedNote:
    author: str
    text: str


@dataclass(frozen=True)
class CaseReport:
    case_number: str
    opened_on: date
    notes: tuple[SharedNote, ...]
    closed_on: date | None = None


def test_a_new_kind_is_a_view_model_and_a_template():
    kind = DocumentKind("case_report", "Case report", CaseReport)
    data = template(
        body=[["Case {{ case_number }} opened {{ opened_on }}, closed {{ closed_on }}."]],
        rows=[[["{{ notes.author }}"], ["{{ notes.text }}"]]],
    )
    report = CaseReport("C-9", date(2025, 1, 2), (SharedNote("Ann", "Fixed"),))
    document = opened(render(kind, report, io.BytesIO(data)))
    assert document.paragraphs[0].text == "Case C-9 opened 2 January 2025, closed ."
    assert table_texts(document) == [[["Ann", "Fixed"]]]


@pytest.mark.parametrize(
    ("annotation", "message"),
    [
        (dict, "cannot be shown in a document"),
        (list[str], "cannot be shown in a document"),
        (tuple[str, str], "a list must be typed tuple[Item, ...]"),
        (tuple[CaseReport, ...], "lists inside list items are not supported"),
        (bool, "cannot be shown in a document"),
    ],
)
def test_view_models_hold_only_what_a_document_can_show(annotation, message):
    broken = dataclass(frozen=True)(type("Broken", (), {"__annotations__": {"field": annotation}}))
    with pytest.raises(TypeError, match=re.escape(message)):
        schema_of(broken)


# -- Any text round-trips ---------------------------------------------------------------------

LITERAL_TEXT = st.text(
    st.characters(
        exclude_categories=("Cs", "Cc"),
        exclude_characters="\ufffe\uffff",
        include_characters="\n\t",
    )
)


def xml_char(c: str) -> bool:
    """XML 1.0's Char production."""
    code = ord(c)
    return (
        c in "\t\n\r"
        or 0x20 <= code <= 0xD7FF
        or 0xE000 <= code <= 0xFFFD
        or 0x10000 <= code <= 0x10FFFF
    )


def rendered(text: str) -> tuple[str, str, str]:
    """`text` as read back from the default confirmation's header, a paragraph and a row."""
    view_model = replace(
        DEAL,
        registration_number=text,
        partner=Party(text),
        lines=(LineItem(text, "", 1, Decimal(1)),),
    )
    document = opened(render("deal_registration_confirmation", view_model))
    header = document.sections[0].header.paragraphs[0].text
    return (
        header.removeprefix("Northwind Networks\tRegistration "),
        document.paragraphs[3].text.removeprefix("Dear ").removesuffix(","),
        table_texts(document)[2][1][0],
    )


@settings(max_examples=60, deadline=None)
@given(LITERAL_TEXT)
def test_text_comes_out_literally(text):
    assert rendered(text) == (text, text, text)


@settings(max_examples=40, deadline=None)
@given(st.text())
def test_any_text_comes_out_as_xml_can_hold_it(text):
    """Control characters XML cannot carry are dropped; CR and CRLF read back as newlines."""
    shown = "".join(c for c in text.replace("\r\n", "\n").replace("\r", "\n") if xml_char(c))
    assert printable(text) == shown
    assert rendered(text) == (shown, shown, shown)
