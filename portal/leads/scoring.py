"""An explainable lead score: an owner's rules give points per criterion, a lead scores their sum.

The product choices (``docs/sharing.md``, "Lead score"):

- A score runs from 0 to 100, the range sharing rules and the inbox filter by; the sum of the
  points is kept inside it, and the lead page shows the sum too when they differ.
- An owner without scoring rules scores by hand: the score typed on the form or imported stands
  and nothing recomputes it. Once the owner has rules, they set every one of its leads' scores;
  deleting the last rule leaves the scores as the rules last set them.
- Text criteria match without regard to case; a lead without an amount meets no amount criterion.

:func:`score_expression` is the only translation of rules into SQL. Over the ``lead`` table it
re-scores an owner's leads in one UPDATE; over bound values it scores a lead before it is
written and explains a stored one. So the form, the lead page and a bulk re-score cannot
disagree.
"""

from __future__ import annotations

import operator
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import reduce
from typing import Any

from sqlalchemy import ColumnElement, Select, case, func, literal, select, update
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import Integer

from partners import audit, jobs
from partners.context import NotFound, ServiceContext, ServiceError
from partners.models import Organization, User
from partners.roles import Role
from partners.sharing import grants, require_role
from partners.sharing.models import RecordType, SharingRule
from portal.leads.models import Lead, LeadScoringRule, ScoreCriterion

MIN_SCORE, MAX_SCORE = 0, 100
MAX_POINTS = 100
#: Bounds the size of the CASE sum every re-scoring UPDATE evaluates per lead.
MAX_RULES = 100

#: Criteria that list accepted values, and the lead field each one tests.
LIST_CRITERIA = {
    ScoreCriterion.industry: "industry",
    ScoreCriterion.country: "country",
    ScoreCriterion.region: "region",
    ScoreCriterion.product_line: "product_line",
    ScoreCriterion.campaign: "campaign",
}
AMOUNT_CRITERIA = {
    ScoreCriterion.amount_at_least: "at least",
    ScoreCriterion.amount_at_most: "at most",
}
#: Criteria a lead meets by having the field filled in.
PRESENCE_CRITERIA = {
    ScoreCriterion.contact_email: ("contact_email", "Contact email is given"),
    ScoreCriterion.company_domain: ("email_domain", "Company domain is known"),
}
#: Every lead field a rule may read.
FIELDS = (*LIST_CRITERIA.values(), "amount", "contact_email", "email_domain")


def _field_label(criterion: ScoreCriterion) -> str:
    return LIST_CRITERIA[criterion].replace("_", " ").capitalize()


#: How the rule form names each criterion.
CRITERION_LABELS = {
    **{criterion: f"{_field_label(criterion)} is one of…" for criterion in LIST_CRITERIA},
    **{criterion: f"Amount is {words}…" for criterion, words in AMOUNT_CRITERIA.items()},
    **{criterion: label for criterion, (_field, label) in PRESENCE_CRITERIA.items()},
}


@dataclass(frozen=True)
class ScoringRuleSpec:
    """What a scoring rule says: a criterion, and the points a lead that meets it gets."""

    criterion: ScoreCriterion
    points: int
    values: tuple[str, ...] = ()
    bound: Decimal | None = None

    @classmethod
    def of(cls, rule: LeadScoringRule) -> ScoringRuleSpec:
        return cls(rule.criterion, rule.points, tuple(rule.match_values), rule.bound)

    def checked(self) -> ScoringRuleSpec:
        """The spec keeping only what its criterion uses; ServiceError if that is missing."""
        if not -MAX_POINTS <= self.points <= MAX_POINTS or self.points == 0:
            raise ServiceError(f"Points are between -{MAX_POINTS} and {MAX_POINTS}, and not 0.")
        if self.criterion in LIST_CRITERIA:
            upper = self.criterion == ScoreCriterion.country
            typed = (value.strip() for value in self.values)
            values = tuple(dict.fromkeys(v.upper() if upper else v for v in typed if v))
            if not values:
                raise ServiceError("List the values that earn the points.")
            return ScoringRuleSpec(self.criterion, self.points, values)
        if self.criterion in AMOUNT_CRITERIA:
            if self.bound is None or self.bound < 0:
                raise ServiceError("Give the amount, 0 or more.")
            return ScoringRuleSpec(self.criterion, self.points, bound=self.bound)
        return ScoringRuleSpec(self.criterion, self.points)

    def describe(self, lead_values: Mapping[str, Any] | None = None) -> str:
        """The rule in words; given a lead's values, why that lead meets it."""
        if self.criterion in LIST_CRITERIA:
            field = LIST_CRITERIA[self.criterion]
            shown = [lead_values[field]] if lead_values else self.values
            return f"{_field_label(self.criterion)} is {' or '.join(shown)}"
        if self.criterion in AMOUNT_CRITERIA:
            return f"Amount is {AMOUNT_CRITERIA[self.criterion]} {self.bound:,.2f}"
        field, label = PRESENCE_CRITERIA[self.criterion]
        return f"{label} ({lead_values[field]})" if lead_values else label

    def columns(self) -> dict[str, Any]:
        return {
            "criterion": self.criterion,
            "match_values": list(self.values),
            "bound": self.bound,
            "points": self.points,
        }

    def snapshot(self) -> dict[str, Any]:
        """For the audit trail."""
        return {
            "criterion": self.criterion.value,
            "values": list(self.values),
            "bound": None if self.bound is None else str(self.bound),
            "points": self.points,
        }


# The one translation into SQL ----------------------------------------------------------------

Source = Mapping[str, ColumnElement[Any]]


class _Clamp(FunctionElement):
    """A score kept between MIN_SCORE and MAX_SCORE, with the sum written (and run) once."""

    type = Integer()
    inherit_cache = True
    name = "clamp_score"


@compiles(_Clamp)
def _clamp(element: _Clamp, compiler: Any, **kw: Any) -> str:
    return f"GREATEST({MIN_SCORE}, LEAST({MAX_SCORE}, {compiler.process(element.clauses, **kw)}))"


@compiles(_Clamp, "sqlite")
def _clamp_sqlite(element: _Clamp, compiler: Any, **kw: Any) -> str:
    return f"MAX({MIN_SCORE}, MIN({MAX_SCORE}, {compiler.process(element.clauses, **kw)}))"


def _lead_source() -> Source:
    return {name: getattr(Lead, name) for name in FIELDS}


def _value_source(values: Mapping[str, Any]) -> Source:
    """A lead's values as typed bound parameters, so one lead is scored by the same SQL."""
    columns = Lead.__table__.c
    return {name: literal(values.get(name), columns[name].type) for name in FIELDS}


def _condition(spec: ScoringRuleSpec, source: Source) -> ColumnElement[bool]:
    if spec.criterion in LIST_CRITERIA:
        field = source[LIST_CRITERIA[spec.criterion]]
        return func.lower(field).in_([value.lower() for value in spec.values])
    if spec.criterion == ScoreCriterion.amount_at_least:
        return source["amount"] >= spec.bound
    if spec.criterion == ScoreCriterion.amount_at_most:
        return source["amount"] <= spec.bound
    field, _label = PRESENCE_CRITERIA[spec.criterion]
    return source[field] != ""


def _points(specs: Sequence[ScoringRuleSpec], source: Source) -> list[ColumnElement[int]]:
    return [case((_condition(spec, source), spec.points), else_=0) for spec in specs]


def score_expression(specs: Sequence[ScoringRuleSpec], source: Source) -> ColumnElement[int]:
    """The points of the rules the source meets, summed and kept within 0–100."""
    return _Clamp(reduce(operator.add, _points(specs, source)))


# Scoring leads -------------------------------------------------------------------------------


def owner_rules(db: Session, owner_org_id: int) -> list[LeadScoringRule]:
    query = select(LeadScoringRule).where(LeadScoringRule.owner_org_id == owner_org_id)
    return list(db.scalars(query.order_by(LeadScoringRule.id)))


def _specs(db: Session, owner_org_id: int) -> list[ScoringRuleSpec]:
    return [ScoringRuleSpec.of(rule) for rule in owner_rules(db, owner_org_id)]


def scores_by_rules(db: Session, owner_org_id: int) -> bool:
    """Whether the owner's rules set its leads' scores (otherwise they are typed or imported)."""
    query = select(LeadScoringRule.id).where(LeadScoringRule.owner_org_id == owner_org_id)
    return db.scalar(query.limit(1)) is not None


def _take_turn(db: Session, owner_org_id: int, *, changing_rules: bool = False) -> None:
    """Scoring a lead and changing the rules of its owner take turns (on PostgreSQL; SQLite has
    one writer at a time), so no lead commits a score from rules that were just replaced.

    Scorers share a lock on the owner's organization row and a rule change takes it alone
    (``FOR NO KEY UPDATE``, which still lets leads referencing the owner be inserted).
    """
    query = select(Organization.id).where(Organization.id == owner_org_id)
    db.execute(query.with_for_update(key_share=changing_rules, read=not changing_rules))


def scored_columns(db: Session, owner_org_id: int, columns: dict[str, Any]) -> dict[str, Any]:
    """A lead's columns (as ``LeadDetails.columns()`` gives them) with the score its owner's
    rules give; without rules, the given score stands."""
    _take_turn(db, owner_org_id)
    specs = _specs(db, owner_org_id)
    if not specs:
        return columns
    score = db.scalar(select(score_expression(specs, _value_source(columns))))
    return {**columns, "score": score}


def score_leads(db: Session, owner_org_id: int, lead_ids: Select[tuple[int]] | None = None) -> int:
    """Score the owner's leads, or those of them ``lead_ids`` selects, in one set-based UPDATE
    (``SET score = <clamped CASE sum>``, writing only rows whose score changes); returns how
    many changed.

    A bulk import calls it after inserting its leads and before
    ``portal.leads.sharing.grant_new_leads``, because sharing rules with a score range read
    the score::

        new = select(Lead.id).where(Lead.import_id == batch.id)
        score_leads(db, owner_id, new)
        grant_new_leads(db, owner_id, new)

    Without scoring rules it changes nothing, so imported scores stand. Lead objects already in
    the session are not refreshed: expire them if you hold any.
    """
    _take_turn(db, owner_org_id)
    specs = _specs(db, owner_org_id)
    if not specs:
        return 0
    db.flush()
    score = score_expression(specs, _lead_source())
    query = update(Lead).where(Lead.owner_org_id == owner_org_id, Lead.score != score)
    if lead_ids is not None:
        query = query.where(Lead.id.in_(lead_ids))
    result = db.execute(query.values(score=score).execution_options(synchronize_session=False))
    return result.rowcount


@dataclass(frozen=True)
class ScoreLine:
    points: int
    reason: str


@dataclass(frozen=True)
class ScoreExplanation:
    """How a lead's score was reached. ``by_rules`` false: its owner scores by hand."""

    lines: list[ScoreLine]
    #: The sum of the points, before it is kept within 0–100.
    total: int
    score: int
    by_rules: bool


def explain(db: Session, lead: Lead) -> ScoreExplanation:
    """The rules the lead meets, best first, with the points each gave."""
    specs = _specs(db, lead.owner_org_id)
    if not specs:
        return ScoreExplanation([], lead.score, lead.score, by_rules=False)
    values = {name: getattr(lead, name) for name in FIELDS}
    earned = db.execute(select(*_points(specs, _value_source(values)))).one()
    lines = [
        ScoreLine(points, spec.describe(values))
        for spec, points in zip(specs, earned, strict=True)
        if points
    ]
    lines.sort(key=lambda line: -line.points)
    return ScoreExplanation(lines, sum(earned), lead.score, by_rules=True)


# Changing the rules --------------------------------------------------------------------------


#: Above this many leads, a rule change re-scores them in a worker job, not in the request (a
#: million leads take tens of seconds to rewrite).
INLINE_RESCORE_LIMIT = 5000
RESCORE_JOB = "leads.rescore"


@dataclass(frozen=True)
class ScoringChange:
    rule: LeadScoringRule
    #: Leads whose score the change moved; ``None`` when a job re-scores them.
    rescored: int | None


def _manager(ctx: ServiceContext) -> User:
    actor = ctx.actor
    assert actor is not None
    require_role(actor, Role.manager)
    return actor


def get_rule(db: Session, user: User, rule_id: int) -> LeadScoringRule:
    rule = db.get(LeadScoringRule, rule_id)
    if rule is None or rule.owner_org_id != user.organization_id:
        raise NotFound()
    return rule


def _rescore(db: Session, owner_org_id: int) -> int:
    """Score every lead of the owner again; where scores moved, leads may have crossed the
    bounds of a sharing rule's score range, so those rules are applied again."""
    changed = score_leads(db, owner_org_id)
    if changed:
        for rule in _score_range_rules(db, owner_org_id):
            grants.withdraw_rule(db, rule)
            grants.apply_rule(db, rule)
    return changed


def _score_range_rules(db: Session, owner_org_id: int) -> list[SharingRule]:
    rules = db.scalars(
        select(SharingRule).where(
            SharingRule.owner_org_id == owner_org_id,
            SharingRule.record_type == RecordType.lead,
            SharingRule.active.is_(True),
        )
    )
    return [rule for rule in rules if {"score_min", "score_max"} & rule.criteria.keys()]


def _change(ctx: ServiceContext, action: str, rule: LeadScoringRule, **audit_values) -> int | None:
    """Re-score the owner's leads now, or queue a job for it when they are many."""
    ctx.db.flush()
    owner_id = rule.owner_org_id
    many = select(Lead.id).where(Lead.owner_org_id == owner_id).limit(INLINE_RESCORE_LIMIT + 1)
    if ctx.db.scalar(select(func.count()).select_from(many.subquery())) > INLINE_RESCORE_LIMIT:
        jobs.enqueue(
            ctx.db,
            RESCORE_JOB,
            {"owner_org_id": owner_id},
            now=ctx.now(),
            organization_id=owner_id,
            created_by_id=ctx.actor.id if ctx.actor else None,
            message="Waiting for a worker to re-score the leads.",
        )
        rescored, outcome = None, "leads are re-scored in the background"
    else:
        rescored = _rescore(ctx.db, owner_id)
        outcome = f"{rescored} lead(s) re-scored"
    spec = ScoringRuleSpec.of(rule)
    audit.record(
        ctx,
        f"lead_scoring_rule.{action}",
        rule,
        summary=f"Scoring rule “{spec.describe()}” ({spec.points:+d}) {action}; {outcome}",
        **audit_values,
    )
    return rescored


@jobs.job_handler(RESCORE_JOB)
def _rescore_job(ctx: ServiceContext, run: jobs.JobRun) -> str:
    owner_id = run.payload["owner_org_id"]
    _take_turn(ctx.db, owner_id, changing_rules=True)
    return f"{_rescore(ctx.db, owner_id):,} lead(s) re-scored."


def create_rule(ctx: ServiceContext, spec: ScoringRuleSpec) -> ScoringChange:
    actor = _manager(ctx)
    spec = spec.checked()
    owner_id = actor.organization_id
    _take_turn(ctx.db, owner_id, changing_rules=True)
    if len(owner_rules(ctx.db, owner_id)) >= MAX_RULES:
        raise ServiceError(f"An organization has at most {MAX_RULES} scoring rules.")
    rule = LeadScoringRule(
        owner_org_id=owner_id,
        created_by_id=actor.id,
        created_at=ctx.now(),
        updated_at=ctx.now(),
        **spec.columns(),
    )
    ctx.db.add(rule)
    return ScoringChange(rule, _change(ctx, "created", rule, after=spec.snapshot()))


def update_rule(ctx: ServiceContext, rule_id: int, spec: ScoringRuleSpec) -> ScoringChange:
    actor = _manager(ctx)
    spec = spec.checked()
    _take_turn(ctx.db, actor.organization_id, changing_rules=True)
    rule = get_rule(ctx.db, actor, rule_id)
    before = ScoringRuleSpec.of(rule).snapshot()
    for column, value in spec.columns().items():
        setattr(rule, column, value)
    rule.updated_at = ctx.now()
    return ScoringChange(rule, _change(ctx, "updated", rule, before=before, after=spec.snapshot()))


def delete_rule(ctx: ServiceContext, rule_id: int) -> ScoringChange:
    actor = _manager(ctx)
    _take_turn(ctx.db, actor.organization_id, changing_rules=True)
    rule = get_rule(ctx.db, actor, rule_id)
    before = ScoringRuleSpec.of(rule).snapshot()
    ctx.db.delete(rule)
    return ScoringChange(rule, _change(ctx, "deleted", rule, before=before))
