"""The document library's services: uploads and versions keep bytes and rows in step, refused
files leave nothing behind, locks, attachments, sharing, search, and the access log."""

import io
import os
from decimal import Decimal
from types import SimpleNamespace

import pytest
from document_samples import MIB, add_zeros, pdf_with_text
from sqlalchemy import func, select

from documents import extraction, queries, service
from documents.models import (
    AccessAction,
    AttachedTo,
    Document,
    DocumentAccess,
    DocumentVersion,
    TextStatus,
)
from documents.service import Attachment, Details, Upload, UploadRefused
from documents.sharing import DOCUMENTS
from documents.storage import open_storage
from partners.context import Forbidden, NotFound, ServiceError
from partners.jobs import Job
from partners.models import AuditEntry
from partners.roles import OrgKind, Role, Tier
from partners.sharing import AccessLevel, access_level, explain, rules, shares, visible_records
from partners.sharing.criteria import Criteria
from partners.sharing.models import GranteeKind, GrantSource, RecordType
from partners.sharing.rules import Grantee, RuleSpec
from portal.leads.service import claim_lead
from portal.leads.sharing import share_lead
from portal.orders.service import LineInput, OrderInput, place_order

from factories import (
    context,
    create_lead,
    create_org,
    create_partnership,
    create_team,
    create_user,
    vendor_with_partner,
)

LIMIT = 5 * MIB
PDF = b"%PDF-1.7\n" + os.urandom(3000)
PNG = b"\x89PNG\r\n\x1a\n" + bytes(100)


@pytest.fixture
def world(db, tmp_path):
    vendor, partner, _partnership = vendor_with_partner(db, Tier.gold)
    silver = create_org(db, OrgKind.partner)
    create_partnership(db, vendor, silver, tier=Tier.silver)
    return SimpleNamespace(
        storage=open_storage(f"file://{tmp_path / 'store'}"),
        vendor=vendor,
        partner=partner,
        manager=create_user(db, vendor, Role.manager),
        member=create_user(db, vendor, Role.member),
        partner_user=create_user(db, partner, Role.member),
        silver_user=create_user(db, silver, Role.member),
        outsider=create_user(db, create_org(db, OrgKind.partner), Role.admin),
    )


def ctx_for(db, world, user):
    return context(db, user, storage=world.storage)


def upload(data: bytes, name: str = "Price list.pdf", limit: int = LIMIT) -> Upload:
    return Upload(io.BytesIO(data), name, max_bytes=limit)


def stored(world) -> list[str]:
    return [info.key for info in world.storage.iter_objects()]


def read(world, version: DocumentVersion) -> bytes:
    return b"".join(world.storage.open(version.sha256))


def test_upload_and_new_versions_keep_every_version_downloadable(db, world):
    ctx = ctx_for(db, world, world.manager)
    document = service.upload_document(
        ctx,
        upload(PDF),
        Details(folder=" Pricing // 2026 ", tags=("EMEA", "emea ", "Price list")),
        comment="First cut",
    )
    assert (document.title, document.folder, document.tags) == (
        "Price list",
        "Pricing/2026",
        ["emea", "price list"],
    )
    second = PDF + b"% revised\n"
    version = service.add_version(ctx, document.id, upload(second, "Price list v2.pdf"))
    assert (document.current_number, version.number, version.filename) == (
        2,
        2,
        "Price list v2.pdf",
    )
    first = service.get_version(db, world.manager, document.id, 1)
    assert (first.size, first.comment, first.uploaded_by_id) == (
        len(PDF),
        "First cut",
        world.manager.id,
    )
    assert read(world, first) == PDF and read(world, version) == second
    assert queries.stored_blobs(db) == {first.sha256, version.sha256}  # the sweeper keeps them
    assert document.current.number == 2
    actions = db.scalars(select(AuditEntry.action).where(AuditEntry.target_type == "Document"))
    assert list(actions) == ["document.uploaded", "document.version_added"]


@pytest.mark.parametrize(
    ("make", "name", "code"),
    [
        (lambda docx: PDF + bytes(LIMIT), "big.pdf", "too_large"),
        (lambda docx: PNG, "invoice.pdf", "type_mismatch"),
        (lambda docx: b"MZ\x90\x00" + bytes(200), "setup.pdf", "type_not_allowed"),
        (
            lambda docx: add_zeros(docx("Hi"), "word/media/zeros.bin", 70 * MIB),
            "bomb.docx",
            "zip_bomb",
        ),
        (lambda docx: docx("Hi")[:-200], "cut.docx", "damaged"),
        (lambda docx: b"", "empty.pdf", "empty"),
        (lambda docx: PDF, "../../etc/passwd.pdf", "path_in_filename"),
        (lambda docx: PDF, "C:\\Users\\ann\\plan.pdf", "path_in_filename"),
    ],
)
def test_refused_files_leave_no_object_and_no_row(db, world, make_docx, make, name, code):
    with pytest.raises(UploadRefused) as refused:
        service.upload_document(ctx_for(db, world, world.manager), upload(make(make_docx), name))
    assert refused.value.code == code and str(refused.value)
    assert stored(world) == []
    assert db.scalar(select(func.count()).select_from(Document)) == 0
    assert db.scalar(select(func.count()).select_from(DocumentVersion)) == 0


def test_a_refused_new_version_leaves_the_document_as_it_was(db, world):
    ctx = ctx_for(db, world, world.manager)
    document = service.upload_document(ctx, upload(PDF))
    with pytest.raises(UploadRefused):
        service.add_version(ctx, document.id, upload(PNG, "next.pdf"))
    assert document.current_number == 1 and len(stored(world)) == 1


def test_a_lock_blocks_other_peoples_versions_until_it_is_released(db, world):
    owner_ctx = ctx_for(db, world, world.member)
    document = service.upload_document(owner_ctx, upload(PDF))
    service.lock_document(owner_ctx, document.id, "Updating Q3 prices")
    colleague = ctx_for(db, world, create_user(db, world.vendor, Role.member))
    with pytest.raises(ServiceError, match="is revising this document"):
        service.add_version(colleague, document.id, upload(PDF + b"x"))
    with pytest.raises(ServiceError, match="is revising"):
        service.lock_document(colleague, document.id)
    with pytest.raises(ServiceError, match="Only the person who locked it"):
        service.unlock_document(colleague, document.id)

    service.add_version(owner_ctx, document.id, upload(PDF + b"y"))  # the holder checks in
    assert document.locked_by_id is None
    service.add_version(colleague, document.id, upload(PDF + b"z"))
    assert document.current_number == 3


def test_a_manager_may_break_a_lock(db, world):
    document = service.upload_document(ctx_for(db, world, world.member), upload(PDF))
    service.lock_document(ctx_for(db, world, world.member), document.id)
    service.unlock_document(ctx_for(db, world, world.manager), document.id)
    assert document.locked_by_id is None


def test_other_organizations_see_nothing_until_it_is_shared(db, world):
    ctx = ctx_for(db, world, world.manager)
    document = service.upload_document(ctx, upload(PDF))
    for user in (world.partner_user, world.outsider):
        with pytest.raises(NotFound):
            service.get_version(db, user, document.id, 1)
        with pytest.raises(NotFound):
            service.add_version(ctx_for(db, world, user), document.id, upload(PDF))
    share = service.share_document(ctx, document.id, organization=world.partner)
    assert service.get_version(db, world.partner_user, document.id, 1).number == 1
    assert access_level(db, world.partner_user, document) == AccessLevel.view
    with pytest.raises(NotFound):  # view does not allow new versions
        service.add_version(ctx_for(db, world, world.partner_user), document.id, upload(PDF))
    shares.unshare(ctx, share.id)
    with pytest.raises(NotFound):
        service.get_document(db, world.partner_user, document.id)


def test_sharing_with_a_tier_and_above_or_with_all_partners(db, world):
    ctx = ctx_for(db, world, world.manager)
    gold_only = service.upload_document(ctx, upload(PDF))
    everyone = service.upload_document(ctx, upload(PDF + b"all"))
    share = service.share_document(ctx, gold_only.id, tier=Tier.gold)
    service.share_document(ctx, everyone.id, all_partners=True, level=AccessLevel.edit)
    assert (share.grantee_tier, share.to_all_partners) == (Tier.gold, False)
    assert access_level(db, world.partner_user, gold_only) == AccessLevel.view
    assert access_level(db, world.silver_user, gold_only) is None
    assert access_level(db, world.silver_user, everyone) == AccessLevel.edit
    assert access_level(db, world.outsider, everyone) is None
    with pytest.raises(ServiceError, match="view it, or to edit it"):
        service.share_document(ctx, everyone.id, tier=Tier.gold, level=AccessLevel.manage)


def test_only_the_owner_shares_with_its_partners_by_tier(db, world):
    ctx = ctx_for(db, world, world.manager)
    document = service.upload_document(ctx, upload(PDF))
    service.share_document(ctx, document.id, organization=world.partner)
    partner_manager = create_user(db, world.partner, Role.manager)
    with pytest.raises(NotFound):  # view access: not theirs to share
        service.share_document(ctx_for(db, world, partner_manager), document.id, tier=Tier.gold)


def test_members_who_see_only_their_own_see_shared_documents_through_their_teams(db, world):
    """Documents are assigned to their uploader, so in a partner whose members see only their
    own records, company-wide shares reach its managers; a team share reaches the team."""
    world.partner.members_see_all_records = False
    ctx = ctx_for(db, world, world.manager)
    to_company = service.upload_document(ctx, upload(PDF))
    to_team = service.upload_document(ctx, upload(PDF + b"team"))
    service.share_document(ctx, to_company.id, organization=world.partner)
    team = create_team(db, world.partner, (world.partner_user,))
    service.share_document(ctx, to_team.id, team=team)
    partner_manager = create_user(db, world.partner, Role.manager)
    seen = visible_records(DOCUMENTS, world.partner_user).with_only_columns(Document.id)
    assert set(db.scalars(seen)) == {to_team.id}
    assert access_level(db, partner_manager, to_company) == AccessLevel.view
    assert to_company.assigned_user_id == world.manager.id


def test_a_document_attached_to_a_lead_follows_who_sees_the_lead(db, world):
    lead = create_lead(db, world.manager, publish=False)
    ctx = ctx_for(db, world, world.manager)
    document = service.upload_document(
        ctx, upload(PDF), attach=Attachment(AttachedTo.lead, lead.id)
    )
    assert access_level(db, world.partner_user, document) is None
    share_lead(ctx, lead.id, organization=world.partner, level=AccessLevel.claim)
    assert access_level(db, world.partner_user, document) == AccessLevel.view
    attached = db.scalars(queries.attachments(world.partner_user, AttachedTo.lead, lead.id))
    assert list(attached) == [document]
    reasons = [
        r for r in explain(db, world.manager, document) if r.user_id == world.partner_user.id
    ]
    assert [(r.source, r.source_id, r.level) for r in reasons] == [
        (GrantSource.attachment, lead.id, AccessLevel.view)
    ]
    with pytest.raises(NotFound):  # attachment gives view, never more
        service.add_version(ctx_for(db, world, world.partner_user), document.id, upload(PDF))

    service.attach_document(ctx, document.id, None)
    assert access_level(db, world.partner_user, document) is None


def test_attaching_needs_edit_access_to_the_record(db, world):
    lead = create_lead(db, world.manager)  # in the pool, but not shared with the partner
    ctx = ctx_for(db, world, world.partner_user)
    with pytest.raises(NotFound):
        service.upload_document(ctx, upload(PDF), attach=Attachment(AttachedTo.lead, lead.id))
    assert stored(world) == []


def test_the_claimant_attaches_its_own_document_for_the_owner_to_see(db, world):
    lead = create_lead(db, world.manager)
    share_lead(
        ctx_for(db, world, world.manager),
        lead.id,
        organization=world.partner,
        level=AccessLevel.claim,
    )
    claim_lead(context(db, world.partner_user), lead.id)
    document = service.upload_document(
        ctx_for(db, world, world.partner_user),
        upload(PDF),
        attach=Attachment(AttachedTo.lead, lead.id),
    )
    assert document.owner_org_id == world.partner.id
    assert access_level(db, world.manager, document) == AccessLevel.view
    assert access_level(db, world.silver_user, document) is None


def test_editing_details_reapplies_rules_by_folder_and_tag(db, world):
    ctx = ctx_for(db, world, world.manager)
    document = service.upload_document(ctx, upload(PDF), Details(folder="Drafts"))
    spec = RuleSpec(
        "Published collateral",
        Criteria(folders=("Collateral",)),
        Grantee(GranteeKind.all_partners),
        AccessLevel.view,
        RecordType.document,
    )
    rules.create_rule(ctx, spec)
    tagged = RuleSpec(
        "Datasheets",
        Criteria(tags=("datasheet",)),
        Grantee(GranteeKind.tier, tier=Tier.gold),
        AccessLevel.view,
        RecordType.document,
    )
    rules.create_rule(ctx, tagged)
    regional = RuleSpec(
        "By region",
        Criteria(regions=("EMEA",)),
        Grantee(GranteeKind.all_partners),
        AccessLevel.view,
        RecordType.document,
    )
    rules.create_rule(ctx, regional)  # documents have no region: matches none
    assert access_level(db, world.silver_user, document) is None

    service.edit_document(ctx, document.id, Details("Q3 prices", "Collateral", ()))
    assert access_level(db, world.silver_user, document) == AccessLevel.view
    service.edit_document(ctx, document.id, Details("Q3 prices", "Drafts", ("Datasheet",)))
    assert access_level(db, world.silver_user, document) is None
    assert access_level(db, world.partner_user, document) == AccessLevel.view


def test_search_finds_documents_by_the_text_of_a_docx_and_a_pdf(db, world, make_docx):
    ctx = ctx_for(db, world, world.manager)
    word = service.upload_document(
        ctx, upload(make_docx("Intro", table=[["SKU", "Quasar router"]]), "brief.docx")
    )
    pdf = service.upload_document(ctx, upload(pdf_with_text("Nebula switch price"), "p.pdf"))
    service.upload_document(ctx, upload(PNG, "logo.png"), Details(tags=("nebula",)))

    def found(term: str) -> set[int]:
        query = queries.library(world.manager, queries.LibraryFilters(search=term))
        return {document.id for document in db.scalars(query)}

    assert found("quasar ROUTER") == {word.id}
    assert found("nebula switch") == {pdf.id}
    assert len(found("nebula")) == 2  # the PDF's text and the image's tag
    assert found("brief") == {word.id}  # the title
    assert word.current.text_status == TextStatus.done
    assert found("100%") == set()


def found_by(db, user, term: str) -> set[str]:
    query = queries.library(user, queries.LibraryFilters(search=term))
    return {document.title for document in db.scalars(query)}


def test_search_never_reveals_documents_the_user_may_not_see(db, world):
    ctx = ctx_for(db, world, world.manager)
    shared = service.upload_document(
        ctx, upload(pdf_with_text("Zephyr pricing for partners"), "shared.pdf")
    )
    service.share_document(ctx, shared.id, organization=world.partner)
    service.upload_document(ctx, upload(pdf_with_text("Zephyr margins, internal"), "own.pdf"))
    assert found_by(db, world.manager, "zephyr") == {"shared", "own"}
    assert found_by(db, world.partner_user, "zephyr") == {"shared"}
    assert found_by(db, world.partner_user, "margins") == set()
    assert found_by(db, world.outsider, "zephyr") == set()
    count = select(func.count()).select_from(
        queries.library(world.partner_user, queries.LibraryFilters(search="zephyr")).subquery()
    )
    assert db.scalar(count) == 1


#: The full-text index is PostgreSQL's (SQLite searches with ILIKE, tested above): these run
#: on PostgreSQL only, rather than skip on SQLite.
on_postgresql = pytest.mark.parametrize("engine", ["postgresql"], indirect=True)


@on_postgresql
def test_search_matches_words_by_their_beginning_with_web_search_syntax(db, world):
    ctx = ctx_for(db, world, world.manager)
    text = "Quarterly partnership agreement for O'Neil Ltd: net-30 terms, X-ray scanners."
    service.upload_document(ctx, upload(pdf_with_text(text), "terms.pdf"))
    service.upload_document(ctx, upload(pdf_with_text("Orbit gateway datasheet"), "orbit.pdf"))
    for term in (
        "partner",  # a prefix: users type the beginning of words
        "AGREE quart",  # every word, in any order
        '"partnership agreement"',  # a phrase
        "o'neil",
        "x-ray",
        "net-30",
        "scanner",
    ):
        assert found_by(db, world.manager, term) == {"terms"}, term
    assert found_by(db, world.manager, "ship") == set()  # the beginning of a word, not any part
    assert found_by(db, world.manager, '"agreement partnership"') == set()
    assert found_by(db, world.manager, "partnership -agreement") == set()
    assert found_by(db, world.manager, "orbit or quarterly") == {"terms", "orbit"}
    assert found_by(db, world.manager, "-- ' \"") == set()  # no word: titles and tags only


@on_postgresql
def test_search_on_postgresql_reads_the_full_text_index(db, world):
    connection = db.connection()
    params = {"org": world.vendor.id}
    for statement in (  # a library of 5,000 documents with text, and fresh statistics
        "INSERT INTO document (owner_org_id, title, folder, current_number, lock_note,"
        " download_count, created_at, updated_at) SELECT %(org)s, 'Doc ' || n, '', 1, '', 0,"
        " now(), now() FROM generate_series(1, 5000) n",
        "INSERT INTO document_version (document_id, number, sha256, size, file_kind,"
        " content_type, filename, comment, uploaded_at, text_status) SELECT id, 1, md5(title),"
        " 1, 'text', 'text/plain', 'a.txt', '', now(), 'done' FROM document",
        "INSERT INTO document_text (version_id, document_id, body) SELECT id, document_id,"
        " 'Filler words for page ' || id || ' of the price list' FROM document_version",
        "SELECT gin_clean_pending_list('ix_document_text_search_vector')",  # as autovacuum does
        "ANALYZE document, document_version, document_text",
    ):
        connection.exec_driver_sql(statement, params)
    query = queries.library(world.manager, queries.LibraryFilters(search="zephyr"))
    sql = query.compile(connection, compile_kwargs={"literal_binds": True})
    plan = connection.exec_driver_sql(f"EXPLAIN {sql}", ()).scalars().all()
    assert any("ix_document_text_search_vector" in line for line in plan), "\n".join(plan)


def test_big_files_are_indexed_by_the_worker(db, world, monkeypatch):
    monkeypatch.setattr(extraction, "INLINE_BYTES", 100)
    ctx = ctx_for(db, world, world.manager)
    document = service.upload_document(ctx, upload(pdf_with_text("Orbit gateway")))
    assert document.current.text_status == TextStatus.pending
    job = db.scalar(select(Job).where(Job.kind == extraction.JOB_KIND))
    assert job.payload == {"version_id": document.current.id}
    extraction._extract_in_background(ctx, SimpleNamespace(payload=job.payload))
    query = queries.library(world.manager, queries.LibraryFilters(search="orbit"))
    assert list(db.scalars(query)) == [document]


def test_access_log_and_download_counts(db, world):
    ctx = ctx_for(db, world, world.manager)
    document = service.upload_document(ctx, upload(PDF))
    service.share_document(ctx, document.id, organization=world.partner)
    version = service.get_version(db, world.partner_user, document.id, 1)
    partner_ctx = ctx_for(db, world, world.partner_user)
    partner_ctx.ip = "203.0.113.9"
    service.record_access(partner_ctx, version, AccessAction.download)
    service.record_access(partner_ctx, version, AccessAction.download)
    service.record_access(ctx, version, AccessAction.preview)
    db.refresh(document)
    assert document.download_count == 2
    entries = queries.access_entries(db, queries.access_log(document))
    download = (world.partner_user.id, world.partner.id, AccessAction.download, 1, "203.0.113.9")
    assert [
        (e.user.id, e.organization.id, e.access.action, e.version, e.access.ip) for e in entries
    ] == [(world.manager.id, world.vendor.id, AccessAction.preview, 1, ""), download, download]
    assert queries.downloads_by_organization(db, document) == [(world.partner.name, 2)]


def test_deleting_is_for_the_owners_managers_and_ends_the_shares(db, world):
    ctx = ctx_for(db, world, world.manager)
    document = service.upload_document(ctx, upload(PDF))
    share = service.share_document(ctx, document.id, organization=world.partner)
    with pytest.raises(Forbidden):  # members may not delete
        service.delete_document(ctx_for(db, world, world.member), document.id)
    service.delete_document(ctx, document.id)
    db.flush()
    assert db.get(Document, document.id) is None
    assert share.status.value == "revoked"
    assert db.scalar(select(func.count()).select_from(DocumentAccess)) == 0
    assert queries.stored_blobs(db) == set()


def test_folders_and_tags_of_what_the_user_sees(db, world):
    ctx = ctx_for(db, world, world.manager)
    service.upload_document(ctx, upload(PDF), Details(folder="Sales/EMEA", tags=("a", "b")))
    service.upload_document(ctx, upload(PDF + b"2"), Details(folder="Legal", tags=("a",)))
    assert queries.folders(db, world.manager) == ["Legal", "Sales", "Sales/EMEA"]
    assert queries.tags(db, world.manager) == [("a", 2), ("b", 1)]
    assert queries.folders(db, world.partner_user) == []


def test_a_document_attached_to_an_order_is_viewed_by_the_orders_other_party(db, world):
    order = place_order(
        context(db, world.partner_user),
        vendor=world.vendor,
        buyer=world.partner,
        data=OrderInput("PO-1", None, [LineInput("1", Decimal(2))]),
    )
    invoice = service.upload_document(
        ctx_for(db, world, world.manager),
        upload(PDF),
        attach=Attachment(AttachedTo.order, order.id),
    )
    assert access_level(db, world.partner_user, invoice) == AccessLevel.view
    assert access_level(db, world.silver_user, invoice) is None
    with pytest.raises(NotFound):  # not a party to the order: nothing to attach to
        service.upload_document(
            ctx_for(db, world, world.silver_user),
            upload(PDF),
            attach=Attachment(AttachedTo.order, order.id),
        )
    service.attach_document(ctx_for(db, world, world.manager), invoice.id, None)
    assert access_level(db, world.partner_user, invoice) is None
