"""Documents as the sharing engine sees them: rules select by folder and tag, and whoever sees
the record a document is attached to may view it.

The parents are named by noun and resolved through the registry: their areas sit above
documents/, so this module names them rather than imports them.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, exists, true

from documents.models import Document, DocumentTag
from partners.sharing.grant_tables import grant_table
from partners.sharing.kinds import Attachments, SharedKind
from partners.sharing.models import RecordType
from partners.sharing.registry import register_kind

DocumentGrant = grant_table("document", Document.__tablename__)


class _TagCriterion:
    """A rule's ``tags`` criterion: the document carries one of the tags. Tags are rows, not a
    column, so this stands in for a column in ``SharedKind.list_criteria``."""

    def in_(self, tags: tuple[str, ...]) -> ColumnElement[bool]:
        return exists().where(DocumentTag.document_id == Document.id, DocumentTag.tag.in_(tags))


DOCUMENTS = register_kind(
    SharedKind(
        record_type=RecordType.document,
        model=Document,
        grant=DocumentGrant,
        list_criteria={"folders": Document.folder, "tags": _TagCriterion()},
        amount=None,
        score=None,
        rule_scope=true,
        participants=(),
        attachments=Attachments(
            Document.attached_type,
            Document.attached_id,
            ("lead", "deal", "campaign", "case", "order", "fund_request"),
        ),
    )
)
