"""An explainable lead score: an owner's rules give points; changing them re-scores every lead
in one UPDATE and moves leads in and out of sharing rules with a score range."""

import re
from decimal import Decimal

import pytest
from sqlalchemy import insert, select, update

from partners.jobs import Job, Worker
from partners.models import AuditEntry
from partners.roles import OrgKind, Role, Tier
from partners.sharing.models import GranteeKind
from partners.sharing.rules import Grantee
from portal.leads import scoring
from portal.leads.models import Lead, LeadScoringRule, ScoreCriterion
from portal.leads.scoring import ScoringRuleSpec
from portal.leads.service import LeadDetails, update_lead
from portal.leads.sharing import lead_inbox

from factories import context, create_lead, create_org, create_partnership, create_rule, create_user

SOFTWARE = ScoringRuleSpec(ScoreCriterion.industry, 40, ("Software", "SaaS"))
GERMAN = ScoringRuleSpec(ScoreCriterion.country, 20, ("de",))
BIG = ScoringRuleSpec(ScoreCriterion.amount_at_least, 30, bound=Decimal("10000"))
SMALL = ScoringRuleSpec(ScoreCriterion.amount_at_most, -15, bound=Decimal("1000"))
REACHABLE = ScoringRuleSpec(ScoreCriterion.contact_email, 10)
DOMAIN = ScoringRuleSpec(ScoreCriterion.company_domain, 5)
APAC = ScoringRuleSpec(ScoreCriterion.region, -50, ("APAC",))
SPRING = ScoringRuleSpec(ScoreCriterion.campaign, 25, ("SPRING",))
HARDWARE = ScoringRuleSpec(ScoreCriterion.product_line, 15, ("routers",))


@pytest.fixture
def vendor(db):
    """A vendor's manager, and a gold partner that sees the vendor's leads scoring 50 or more."""
    org = create_org(db, OrgKind.vendor, "Acme")
    manager = create_user(db, org, Role.manager)
    partner = create_org(db, OrgKind.partner, "Bluebird")
    create_partnership(db, org, partner, tier=Tier.gold)
    create_rule(db, manager, Grantee(GranteeKind.organization, partner.id), score_min=50)
    return {"manager": manager, "partner": create_user(db, partner)}


def add_rules(db, manager, *specs):
    return [scoring.create_rule(context(db, manager), spec).rule for spec in specs]


def inbox_ids(db, user) -> set[int]:
    return {lead.id for lead in db.scalars(lead_inbox(user))}


def stored_score(db, lead) -> int:
    return db.scalar(select(Lead.score).where(Lead.id == lead.id))


def test_the_score_is_the_sum_of_the_rules_a_lead_meets_and_says_how(db, vendor):
    manager = vendor["manager"]
    add_rules(db, manager, SOFTWARE, GERMAN, BIG, SMALL, REACHABLE, DOMAIN, APAC, SPRING)
    lead = create_lead(
        db,
        manager,
        company="Globex",
        industry="software",
        country="de",
        amount=Decimal("25000"),
        contact_email="Ana@Globex.example",
        score=3,  # typed, but the rules decide
    )
    assert lead.score == stored_score(db, lead) == 100  # 105 points, kept at 100
    explanation = scoring.explain(db, lead)
    assert explanation.by_rules
    assert [(line.points, line.reason) for line in explanation.lines] == [
        (40, "Industry is software"),
        (30, "Amount is at least 10,000.00"),
        (20, "Country is DE"),
        (10, "Contact email is given (ana@globex.example)"),
        (5, "Company domain is known (globex.example)"),
    ]
    assert explanation.total == 105 and explanation.score == 100


def test_the_score_is_kept_between_0_and_100(db, vendor):
    manager = vendor["manager"]
    add_rules(db, manager, SOFTWARE, GERMAN, BIG, SPRING, APAC, SMALL)
    top = create_lead(
        db, manager, industry="SaaS", country="DE", amount=Decimal(20000), campaign="spring"
    )
    bottom = create_lead(db, manager, region="APAC", amount=Decimal(10))
    nothing = create_lead(db, manager)  # no amount: meets neither amount rule
    assert (top.score, bottom.score, nothing.score) == (100, 0, 0)
    assert scoring.explain(db, top).total == 115
    assert scoring.explain(db, bottom).total == -65
    assert scoring.explain(db, nothing).lines == []


def test_without_rules_the_typed_score_stands(db, vendor):
    lead = create_lead(db, vendor["manager"], score=77)
    assert lead.score == 77
    assert scoring.explain(db, lead).by_rules is False
    assert scoring.score_leads(db, vendor["manager"].organization_id) == 0
    assert stored_score(db, lead) == 77


def test_updating_a_lead_scores_it_again_and_audits_the_new_score(db, vendor):
    manager = vendor["manager"]
    add_rules(db, manager, SOFTWARE)
    lead = create_lead(db, manager, company="Initech", industry="retail")
    assert lead.score == 0
    update_lead(context(db, manager), lead.id, LeadDetails("Initech", industry="Software"))
    assert lead.score == stored_score(db, lead) == 40
    entry = db.scalars(select(AuditEntry).where(AuditEntry.action == "lead.updated")).one()
    assert entry.before == {"industry": "retail", "score": "0"}
    assert entry.after == {"industry": "Software", "score": "40"}


def test_changing_rules_rescores_every_lead_and_moves_score_range_grants(db, vendor):
    manager, partner = vendor["manager"], vendor["partner"]
    (software,) = add_rules(db, manager, SOFTWARE)
    german = create_lead(db, manager, industry="Software", country="DE")
    french = create_lead(db, manager, industry="Software", country="FR")
    draft = create_lead(db, manager, publish=False, industry="Software", country="DE")
    assert inbox_ids(db, partner) == set()  # 40 points: below the sharing rule's 50

    change = scoring.create_rule(context(db, manager), GERMAN)
    assert change.rescored == 2  # the German leads, published or not
    db.expire_all()
    assert [stored_score(db, lead) for lead in (german, french, draft)] == [60, 40, 60]
    assert inbox_ids(db, partner) == {german.id}  # the draft is not in the pool

    french_rule = ScoringRuleSpec(ScoreCriterion.country, 20, ("FR",))
    scoring.update_rule(context(db, manager), change.rule.id, french_rule)
    db.expire_all()
    assert inbox_ids(db, partner) == {french.id}

    scoring.delete_rule(context(db, manager), change.rule.id)
    db.expire_all()
    assert inbox_ids(db, partner) == set()
    assert [stored_score(db, lead) for lead in (german, french, draft)] == [40, 40, 40]

    # Deleting the last rule leaves the scores as they are: the owner scores by hand again.
    scoring.delete_rule(context(db, manager), software.id)
    db.expire_all()
    assert stored_score(db, german) == 40
    actions = db.scalars(
        select(AuditEntry.action)
        .where(AuditEntry.action.startswith("lead_scoring_rule."))
        .order_by(AuditEntry.id)
    ).all()
    assert actions == [
        "lead_scoring_rule.created",
        "lead_scoring_rule.created",
        "lead_scoring_rule.updated",
        "lead_scoring_rule.deleted",
        "lead_scoring_rule.deleted",
    ]


def test_a_bulk_import_scores_its_leads_in_one_update(db, vendor):
    manager = vendor["manager"]
    owner_id = manager.organization_id
    add_rules(db, manager, SOFTWARE, GERMAN)
    untouched = create_lead(db, manager, industry="Software")
    db.execute(update(Lead).where(Lead.id == untouched.id).values(score=1))
    rows = [
        {
            "owner_org_id": owner_id,
            "company": f"Imported {n}",
            "industry": industry,
            "country": "DE",
        }
        for n, industry in enumerate(["software", "retail", "SaaS"])
    ]
    db.execute(insert(Lead), rows)
    batch = select(Lead.id).where(Lead.company.startswith("Imported "))
    assert scoring.score_leads(db, owner_id, batch) == 3
    scores = db.execute(select(Lead.company, Lead.score).where(Lead.id.in_(batch))).all()
    assert sorted(scores) == [("Imported 0", 60), ("Imported 1", 20), ("Imported 2", 60)]
    assert stored_score(db, untouched) == 1  # outside the batch
    assert scoring.score_leads(db, owner_id, batch) == 0  # nothing left to change


def test_one_lead_and_the_bulk_update_score_alike(db, vendor):
    """The same SQL scores bound values and the lead table: the two agree on every criterion."""
    manager = vendor["manager"]
    add_rules(db, manager, SOFTWARE, GERMAN, BIG, SMALL, REACHABLE, APAC, SPRING, HARDWARE)
    variants = [
        {},
        {"industry": "SAAS", "campaign": "Spring", "product_line": "Routers"},
        {"country": "de", "amount": Decimal("10000"), "contact_email": "x@y.example"},
        {"region": "apac", "amount": Decimal("1000")},
        {"region": "APAC", "industry": "software", "amount": Decimal("999.99")},
        {"amount": Decimal("1000.01"), "campaign": None},
        {"industry": "software", "region": "APAC", "country": "DE", "amount": Decimal(5000)},
    ]
    leads = [create_lead(db, manager, **values) for values in variants]
    one_by_one = [lead.score for lead in leads]
    db.execute(update(Lead).where(Lead.owner_org_id == manager.organization_id).values(score=50))
    scoring.score_leads(db, manager.organization_id)
    db.expire_all()
    assert [stored_score(db, lead) for lead in leads] == one_by_one
    assert one_by_one == [0, 80, 60, 0, 0, 0, 10]


# The settings pages --------------------------------------------------------------------------


def test_manager_adds_edits_and_deletes_a_rule_and_the_lead_page_explains(client, db, vendor):
    manager, partner = vendor["manager"], vendor["partner"]
    lead = create_lead(db, manager, company="Umbrella", industry="Software", country="DE")
    client.login(manager.email)
    assert "Lead scoring" in client.get("/leads/settings").get_data(as_text=True)
    empty = client.get("/leads/scoring").get_data(as_text=True)
    assert "No scoring rules yet" in empty and 'name="csrf_token"' in empty
    page = client.get(f"/leads/{lead.id}").get_data(as_text=True)
    assert "Typed by hand or imported" in page

    for spec in (
        {"criterion": "industry", "match_values": "software, SaaS", "points": "40"},
        {"criterion": "country", "match_values": "de", "points": "20"},
    ):
        response = client.post("/leads/scoring", spec)
        assert response.status_code == 302
    done = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Scoring rule “Country is DE” (+20) saved. 1 lead(s) re-scored." in done
    assert "Industry is software or SaaS" in done

    page = client.get(f"/leads/{lead.id}").get_data(as_text=True)
    assert "Score: 60" in page
    assert re.search(r"<td>\+40</td><td>Industry is Software</td>", page)
    assert re.search(r"<td>\+20</td><td>Country is DE</td>", page)
    assert "<strong>60</strong>" in page
    client.logout()
    client.login(partner.email)  # 60 ≥ 50: the score-range sharing rule now reaches it
    assert "Industry is Software" in client.get(f"/leads/{lead.id}").get_data(as_text=True)
    client.logout()

    client.login(manager.email)
    rule = db.scalars(
        select(LeadScoringRule).where(LeadScoringRule.criterion == ScoreCriterion.country)
    ).one()
    form = client.get(f"/leads/scoring/{rule.id}").get_data(as_text=True)
    assert 'value="de"' in form.lower() and 'value="20"' in form
    changed = client.post(
        f"/leads/scoring/{rule.id}", {"criterion": "country", "match_values": "FR", "points": "5"}
    )
    assert changed.status_code == 302
    db.expire_all()
    assert stored_score(db, lead) == 40
    assert client.post(f"/leads/scoring/{rule.id}/delete").status_code == 302
    assert db.scalar(select(LeadScoringRule.id).where(LeadScoringRule.id == rule.id)) is None
    entry = db.scalars(
        select(AuditEntry).where(AuditEntry.action == "lead_scoring_rule.deleted")
    ).one()
    assert entry.before["values"] == ["FR"] and entry.actor_user_id == manager.id


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"criterion": "industry", "match_values": " , ", "points": "10"}, "List the values"),
        ({"criterion": "amount_at_least", "points": "10"}, "Give the amount."),
        ({"criterion": "amount_at_most", "bound": "-5", "points": "10"}, "An amount is 0 or more."),
        ({"criterion": "contact_email", "points": "0"}, "A rule of 0 points changes nothing."),
        ({"criterion": "contact_email", "points": "500"}, "Between -100 and 100."),
        ({"criterion": "contact_email", "points": "many"}, "Not a valid integer value."),
        ({"criterion": "contact_email"}, "Give the points a matching lead earns."),
        ({"criterion": "score", "points": "5"}, "Not a valid choice."),
    ],
)
def test_the_rule_form_refuses_bad_input_with_a_message(client, db, vendor, form, message):
    client.login(vendor["manager"].email)
    response = client.post("/leads/scoring", form)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html and 'aria-invalid="true"' in html
    assert db.query(LeadScoringRule).count() == 0


def test_the_new_lead_form_has_no_score_once_rules_set_it(client, db, vendor):
    manager = vendor["manager"]
    client.login(manager.email)
    assert 'name="score"' in client.get("/leads/new").get_data(as_text=True)
    add_rules(db, manager, SOFTWARE)
    assert 'name="score"' not in client.get("/leads/new").get_data(as_text=True)
    response = client.post("/leads/new", {"company": "Hooli", "industry": "saas", "score": "5"})
    assert response.status_code == 302
    assert db.query(Lead).filter_by(company="Hooli").one().score == 40


def test_only_the_owners_managers_reach_the_scoring_pages(client, db, vendor):
    manager = vendor["manager"]
    (rule,) = add_rules(db, manager, SOFTWARE)
    urls = ("/leads/scoring", f"/leads/scoring/{rule.id}")
    delete = f"/leads/scoring/{rule.id}/delete"

    client.login(vendor["partner"].email)  # a partner: the pages do not exist for it
    for url in urls:
        assert client.get(url).status_code == 404, url
    assert client.post(delete).status_code == 404
    client.logout()

    client.login(create_user(db, manager.organization, Role.member).email)
    for url in urls:
        assert client.get(url).status_code == 403, url
    assert client.post(delete).status_code == 403
    client.logout()

    rival = create_user(db, create_org(db, OrgKind.vendor), Role.admin)
    client.login(rival.email)  # another company's manager: our rule does not exist for it
    assert client.get("/leads/scoring").status_code == 200
    assert "Industry is Software" not in client.get("/leads/scoring").get_data(as_text=True)
    assert client.get(f"/leads/scoring/{rule.id}").status_code == 404
    assert (
        client.post(
            f"/leads/scoring/{rule.id}",
            {"criterion": "region", "match_values": "NA", "points": "5"},
        ).status_code
        == 404
    )
    assert client.post(delete).status_code == 404
    db.expire_all()
    assert db.get(LeadScoringRule, rule.id).criterion == ScoreCriterion.industry
    assert db.query(AuditEntry).filter_by(action="lead_scoring_rule.deleted").count() == 0


def test_leads_of_other_owners_keep_their_scores(db, vendor):
    rival = create_user(db, create_org(db, OrgKind.vendor), Role.manager)
    theirs = create_lead(db, rival, industry="Software", score=12)
    add_rules(db, vendor["manager"], SOFTWARE)
    db.expire_all()
    assert stored_score(db, theirs) == 12


def test_many_leads_are_rescored_by_a_worker_job(db, vendor, session_factory, monkeypatch):
    manager, partner = vendor["manager"], vendor["partner"]
    add_rules(db, manager, SOFTWARE)
    german = create_lead(db, manager, industry="Software", country="DE")
    create_lead(db, manager, industry="Software", country="FR")
    monkeypatch.setattr(scoring, "INLINE_RESCORE_LIMIT", 1)

    change = scoring.create_rule(context(db, manager), GERMAN)
    assert change.rescored is None  # queued, not done in the request
    assert stored_score(db, german) == 40 and inbox_ids(db, partner) == set()
    db.commit()  # the job runs in a transaction of its own, as the worker's would
    worker = Worker(session_factory, lambda session, actor: context(session, actor))
    assert worker.run_next() is not None
    db.expire_all()
    assert stored_score(db, german) == 60 and inbox_ids(db, partner) == {german.id}
    job = db.scalars(select(Job).where(Job.kind == scoring.RESCORE_JOB)).one()
    assert job.message == "1 lead(s) re-scored."
