"""Clearly synthetic demo data, for demo mode and tests. Deterministic for a seed.

Every region adopts the plan's national template actions and gets metric values for
twelve quarters, projects, feedback and meetings. The national core metrics are the
illustrative ones of seed/reference.py, loaded here and nowhere else: production starts
with none. Nothing here describes a real person or a real figure.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from sqlalchemy import Engine, delete, select, update
from sqlalchemy.orm import Session

from core.disclosure import DEFAULT_THRESHOLD
from core.entities import Entity
from core.passwords import hash_password
from core.periods import Period, format_period, quarters_between
from core.statuses import FEEDBACK_SOURCES
from db import models as m
from db.engine import writer
from seed import reference as ref
from seed.demo_boards import add_board_meetings, add_issued_report
from seed.demo_equity import seed_demo_equity
from seed.demo_forum import add_forum_demo
from seed.demo_reviews import add_review_demo
from seed.load import ensure_reference_data

FIRST_QUARTER = date(2023, 10, 1)  # Q3 2023/24
LAST_QUARTER = date(2026, 7, 1)  # Q2 2026/27
TARGET_DATE = date(2027, 4, 1)  # Q1 2027/28

DEMO_USERS = (
    ("national.lead", "demo-national", "Nadia Okafor (demo)", "national_lead", None),
    ("london.lead", "demo-london", "Leon Mensah (demo)", "regional_lead", "london"),
    ("northwest.lead", "demo-northwest", "Priya Shah (demo)", "regional_lead", "north_west"),
    ("london.forum", "demo-forum", "Femi Adeyemi (demo)", "forum_member", "london"),
    ("admin", "demo-admin", "Alex Morgan (demo)", "admin", None),
)

FEEDBACK_SUMMARIES = (
    "Information about the service is not available in community languages.",
    "People would like a quiet space for prayer at the drop-in.",
    "Carers asked for evening sessions so they can attend after work.",
    "Food at group sessions does not meet cultural or religious needs.",
    "Staff did not seem to understand the family's cultural background.",
    "A partner asked to be involved earlier when services are planned.",
    "Young Black men said they do not know the service exists.",
    "People asked for aftercare that continues after discharge.",
    "Forum members asked for plain-English updates on the plan.",
    "An interpreter was not offered at a first appointment.",
)
PROJECT_IDEAS = (
    ("Barbershop conversations", "barbershops and hair salons", "Black African and Caribbean men"),
    ("Faith and mental health network", "mosques, gurdwaras and churches", "faith communities"),
    ("Community language wellbeing cafe", "community centre", "Bangladeshi and Pakistani women"),
    ("Gypsy and Traveller outreach", "Traveller sites", "Gypsy, Roma and Traveller communities"),
    ("Refugee and asylum support hub", "refugee drop-in", "refugees and people seeking asylum"),
)
PARTNER_KINDS = (
    "Ethnically led VCSE",
    "Faith group",
    "Community group",
    "Local authority",
    "ICB",
    "Other",
)


#: The invented coproduction record of the illustrative national metrics (demo only).
ILLUSTRATIVE_AGREED_WITH = "National team with the Lived Experience Advisory Board"
ILLUSTRATIVE_AGREED_AT = "Advancing Mental Health Equalities Practice Forum"
ILLUSTRATIVE_AGREED_ON = date(2023, 9, 7)


def add_illustrative_national_metrics(session: Session) -> list[m.Metric]:
    """The illustrative national core metrics of seed/reference.py, with their invented
    coproduction record, in the reference order; for demo data and tests only.

    They are not Rethink's agreed metrics, so production never loads them
    (seed/load.py). A metric whose code is already there is kept as it is (a database
    made before they became demo-only has them already) and returned.
    """
    themes = {t.code: t.id for t in session.scalars(select(m.Theme))}
    existing = {
        metric.code: metric
        for metric in session.scalars(select(m.Metric).where(m.Metric.scope == "national"))
    }
    metrics = []
    for spec in ref.NATIONAL_METRICS:
        metric = existing.get(spec.code)
        if metric is None:
            metric = m.Metric(
                code=spec.code,
                name=spec.name,
                definition=spec.definition,
                theme_id=themes[spec.theme],
                unit=spec.unit,
                counts_people=spec.counts_people,
                direction=spec.direction,
                scope="national",
                frequency=spec.frequency,
                limit_value=spec.limit,
                data_source=spec.data_source,
                disaggregated_by=spec.disaggregated_by,
                coproduced_with=ILLUSTRATIVE_AGREED_WITH,
                coproduced_at=ILLUSTRATIVE_AGREED_AT,
                coproduced_on=ILLUSTRATIVE_AGREED_ON,
            )
            session.add(metric)
        metrics.append(metric)
    session.flush()
    return metrics


def seed_demo_if_empty(
    engine: Engine, seed: int = 2024, threshold: int = DEFAULT_THRESHOLD
) -> bool:
    """Load reference and demo data into an empty database; True when it did."""
    ensure_reference_data(engine)
    # BEGIN IMMEDIATE on SQLite: two processes starting at once seed it only once.
    with Session(writer(engine)) as session, session.begin():
        if session.scalar(select(m.User.id).limit(1)) is not None:
            return False
        DemoBuilder(session, random.Random(seed)).build()
    # Built from the committed figures, as a real board report is.
    add_issued_report(engine, threshold)
    return True


class DemoBuilder:
    def __init__(self, session: Session, rng: random.Random) -> None:
        self.session = session
        self.rng = rng
        self.quarters = quarters_between(FIRST_QUARTER, LAST_QUARTER)
        self.regions = list(session.scalars(select(m.Region).order_by(m.Region.id)))
        self.themes = {t.code: t for t in session.scalars(select(m.Theme))}
        self.groups = {
            c.code: [g.name for g in c.groups if not g.is_missing and g.parent_code is None]
            for c in session.scalars(select(m.Characteristic))
        }

    def build(self) -> None:
        self.users = self._users()
        self._actions()
        self._metrics()
        self._projects()
        self._feedback()
        self._meetings()
        self._quarter_reviews()
        add_forum_demo(self.session, self.users)
        add_review_demo(self.session, self.users)
        add_board_meetings(self.session, self.users)
        seed_demo_equity(self.session, self.rng)

    def _users(self) -> dict[str, m.User]:
        codes = {r.code: r.id for r in self.regions}
        users = {}
        for username, password, name, role, region in DEMO_USERS:
            user = m.User(
                username=username,
                display_name=name,
                email=f"{username}@example.org",
                password_hash=hash_password(password),
                role=role,
                region_id=codes[region] if region else None,
            )
            self.session.add(user)
            users[username] = user
        self.session.flush()
        return users

    def _lead_for(self, region: m.Region) -> m.User:
        for user in self.users.values():
            if user.role == "regional_lead" and user.region_id == region.id:
                return user
        return self.users["national.lead"]

    def _when(self, day: date, hour: int = 10) -> datetime:
        return datetime(day.year, day.month, day.day, hour, self.rng.randint(0, 59))

    def _audit(
        self,
        user: m.User,
        entity: str,
        entity_id: int,
        action: str,
        region: m.Region,
        at: datetime,
        after: dict | None = None,
    ) -> None:
        self.session.add(
            m.AuditEvent(
                occurred_at=at,
                user_id=user.id,
                username=user.username,
                entity_type=entity,
                entity_id=entity_id,
                region_id=region.id,
                action=action,
                after=after,
                reason="Synthetic demo data",
            )
        )

    # -- actions ---------------------------------------------------------------
    def _actions(self) -> None:
        templates = list(
            self.session.scalars(select(m.PlanAction).where(m.PlanAction.region_id.is_(None)))
        )
        owners = ("Regional lead", "Service manager", "Involvement lead", "Team leader")
        statuses = ("not_started", "on_track", "on_track", "at_risk", "off_track", "complete")
        for region in self.regions:
            lead = self._lead_for(region)
            for template in templates:
                status = self.rng.choice(statuses)
                action = m.PlanAction(
                    code=template.code,
                    region_id=region.id,
                    template_id=template.id,
                    action_area_id=template.action_area_id,
                    title=template.title,
                    description=template.description,
                    owner=self.rng.choice(owners),
                    due_date=date(2026, self.rng.choice((3, 6, 9, 12)), 28)
                    + timedelta(days=365 * self.rng.randint(0, 1)),
                    status=status,
                    themes=list(template.themes),
                )
                self.session.add(action)
                self.session.flush()
                self._action_updates(action, lead, region, status)
        self._keep_organisation_wide_once(templates)

    def _keep_organisation_wide_once(self, templates: list[m.PlanAction]) -> None:
        """Organisation-wide actions are kept once, by national leads, not adopted by
        each region. Every template was copied above only so that the random draws (and
        with them the rest of the demo) stay the same; the copies of organisation-wide
        actions are removed here, and the national action takes the first region's
        status, due date and progress updates, as posted by the national lead."""
        national = self.users["national.lead"]
        for template in templates:
            if not template.organisation_wide:
                continue
            copies = list(
                self.session.scalars(
                    select(m.PlanAction)
                    .where(m.PlanAction.template_id == template.id)
                    .order_by(m.PlanAction.id)
                )
            )
            if not copies:
                continue
            kept, ids = copies[0], [c.id for c in copies]
            template.status, template.due_date = kept.status, kept.due_date
            self.session.execute(
                update(m.ActionUpdate)
                .where(m.ActionUpdate.action_id == kept.id)
                .values(action_id=template.id, author_id=national.id)
            )
            self.session.execute(
                update(m.AuditEvent)
                .where(
                    m.AuditEvent.entity_type == Entity.PLAN_ACTION,
                    m.AuditEvent.entity_id == kept.id,
                )
                .values(
                    entity_id=template.id,
                    region_id=None,
                    user_id=national.id,
                    username=national.username,
                )
            )
            for copy in copies:
                self.session.expunge(copy)
            self.session.execute(delete(m.ActionUpdate).where(m.ActionUpdate.action_id.in_(ids)))
            self.session.execute(
                delete(m.AuditEvent).where(
                    m.AuditEvent.entity_type == Entity.PLAN_ACTION, m.AuditEvent.entity_id.in_(ids)
                )
            )
            self.session.execute(
                delete(m.plan_action_theme).where(m.plan_action_theme.c.action_id.in_(ids))
            )
            self.session.execute(delete(m.PlanAction).where(m.PlanAction.id.in_(ids)))

    def _action_updates(
        self, action: m.PlanAction, lead: m.User, region: m.Region, final: str
    ) -> None:
        if final == "not_started":
            return
        day = date(2024, 1, 15) + timedelta(days=self.rng.randint(0, 300))
        path = ["on_track", final] if final != "on_track" else ["on_track"]
        previous = "not_started"
        for status in path:
            self.session.add(
                m.ActionUpdate(
                    action_id=action.id,
                    update_date=day,
                    status_from=previous,
                    status_to=status,
                    note=f"Synthetic update: status moved to {status.replace('_', ' ')}.",
                    author_id=lead.id,
                    created_at=self._when(day),
                )
            )
            self._audit(
                lead,
                Entity.PLAN_ACTION,
                action.id,
                "update",
                region,
                self._when(day),
                {"status": status},
            )
            previous = status
            day += timedelta(days=self.rng.randint(60, 200))

    # -- metrics ---------------------------------------------------------------
    def _metrics(self) -> None:
        national = add_illustrative_national_metrics(self.session)
        baselines = {d.code: d for d in ref.NATIONAL_METRICS}
        for metric in national:
            spec = baselines[metric.code]
            metric.baseline_period = FIRST_QUARTER
            metric.baseline_value = spec.baseline_value
            metric.target_value = spec.target_value
            metric.target_date = TARGET_DATE
            metric.start_period = FIRST_QUARTER
        for region in self.regions:
            for metric in national:
                spec = baselines[metric.code]
                self._values(metric, region, spec.baseline_value, spec.target_value)
            for template in ref.LOCAL_METRIC_EXAMPLES:
                metric = self._local_metric(region, template)
                self._values(metric, region, template.baseline_value, template.target_value)

    def _local_metric(self, region: m.Region, template: ref.LocalMetricTemplate) -> m.Metric:
        copro = template.coproduction
        metric = m.Metric(
            code=f"{region.code.upper()}-{template.code_suffix}",
            name=template.name,
            definition=template.definition,
            theme_id=self.themes[template.theme].id,
            unit=template.unit,
            counts_people=template.counts_people,
            direction=template.direction,
            scope="local",
            region_id=region.id,
            frequency=template.frequency,
            limit_value=template.limit,
            data_source=template.data_source,
            disaggregated_by=template.disaggregated_by,
            baseline_period=FIRST_QUARTER,
            baseline_value=template.baseline_value,
            target_value=template.target_value,
            target_date=TARGET_DATE,
            start_period=FIRST_QUARTER,
            coproduced_with=copro.agreed_with if copro else "",
            coproduced_at=copro.where.format(region=region.name) if copro else "",
            coproduced_on=date(2023, 9, 14) if copro else None,
        )
        self.session.add(metric)
        self.session.flush()
        return metric

    def _series(self, base: float, target: float, unit: str) -> list[float]:
        """A synthetic path from the baseline: some regions near the target's pace,
        some slower, some going the wrong way, with noise."""
        pace = self.rng.choice((1.1, 0.9, 0.6, 0.3, -0.2))
        steps = len(self.quarters) - 1
        per_quarter = (target - base) / (len(self.quarters) + 2)
        values = []
        for i in range(steps + 1):
            noise = self.rng.gauss(0, abs(target - base) * 0.04)
            value = base + pace * per_quarter * i + (noise if i else 0)
            value = min(max(value, 0.0), 100.0) if unit == "percentage" else max(value, 0.0)
            values.append(round(value) if unit == "count" else round(value, 1))
        return values

    def _values(self, metric: m.Metric, region: m.Region, base: float, target: float) -> None:
        lead = self._lead_for(region)
        series = self._series(base, target, metric.unit)
        for quarter, value in zip(self.quarters, series, strict=True):
            entered = self._when(Period(quarter).end + timedelta(days=self.rng.randint(10, 40)))
            numerator = denominator = None
            if metric.unit == "percentage":
                denominator = float(self.rng.randint(80, 400))
                numerator = float(round(denominator * value / 100))
                value = round(100 * numerator / denominator, 1)
            row = m.MetricValue(
                metric_id=metric.id,
                region_id=region.id,
                period_start=quarter,
                value=value,
                numerator=numerator,
                denominator=denominator,
                entered_by_id=lead.id,
                entered_at=entered,
            )
            self.session.add(row)
            if metric.disaggregated_by:
                self._group_values(metric, region, quarter, value, lead, entered)
            self.session.flush()
            self._audit(
                lead, Entity.METRIC_VALUE, row.id, "create", region, entered, {"value": value}
            )

    def _group_values(
        self,
        metric: m.Metric,
        region: m.Region,
        quarter: date,
        overall: float,
        lead: m.User,
        entered: datetime,
    ) -> None:
        groups = self.groups.get(metric.disaggregated_by or "", [])
        for index, group in enumerate(groups):
            gap = (index - len(groups) / 2) * 1.5
            if metric.unit == "percentage":
                denominator = float(self.rng.randint(3, 120))
                share = min(max(overall + gap + self.rng.gauss(0, 3), 0.0), 100.0)
                numerator = float(round(denominator * share / 100))
                value = round(100 * numerator / denominator, 1)
            else:
                numerator = denominator = None
                value = float(max(0, round(overall / len(groups) + self.rng.gauss(0, 2))))
            self.session.add(
                m.MetricValue(
                    metric_id=metric.id,
                    region_id=region.id,
                    period_start=quarter,
                    value=value,
                    numerator=numerator,
                    denominator=denominator,
                    characteristic=metric.disaggregated_by,
                    group_name=group,
                    entered_by_id=lead.id,
                    entered_at=entered,
                )
            )

    # -- projects, feedback, meetings -------------------------------------------
    def _projects(self) -> None:
        statuses = ("planned", "active", "active", "completed")
        for region in self.regions:
            areas = region.areas
            for title, place, communities in self.rng.sample(PROJECT_IDEAS, 3):
                area = self.rng.choice(areas) if areas else None
                start = date(2024, self.rng.randint(4, 12), 1)
                status = self.rng.choice(statuses)
                project = m.CommunityProject(
                    region_id=region.id,
                    area_id=area.id if area else None,
                    title=title,
                    place=f"{place}, {area.name if area else region.name}",
                    communities_engaged=communities,
                    status=status,
                    start_date=start,
                    end_date=start + timedelta(days=540),
                    people_reached=self.rng.randint(20, 400) if status != "planned" else None,
                    outcomes="Synthetic: more referrals from the communities engaged."
                    if status != "planned"
                    else "",
                    next_steps="Synthetic: review with the Regional Forum.",
                    themes=[self.themes["partnership_working"], self.themes["co_learning"]],
                )
                project.partners = [
                    m.ProjectPartner(
                        name=f"Demo partner {i + 1}", kind=self.rng.choice(PARTNER_KINDS)
                    )
                    for i in range(self.rng.randint(1, 3))
                ]
                self.session.add(project)

    def _feedback(self) -> None:
        monitoring = [t for t in self.themes.values() if t.monitoring]
        for region in self.regions:
            for _ in range(12):
                received = date(2024, 4, 1) + timedelta(days=self.rng.randint(0, 900))
                answered = self.rng.random() < 0.7
                responded = received + timedelta(days=self.rng.randint(5, 60)) if answered else None
                self.session.add(
                    m.FeedbackItem(
                        region_id=region.id,
                        source=self.rng.choice(FEEDBACK_SOURCES),
                        received_on=received,
                        theme_id=self.rng.choice(monitoring).id,
                        summary=self.rng.choice(FEEDBACK_SUMMARIES),
                        response="Synthetic: we have discussed this and changed our approach."
                        if answered
                        else "",
                        status=self.rng.choice(("responded", "closed"))
                        if answered
                        else self.rng.choice(("received", "in_progress")),
                        responded_on=responded,
                        created_by_id=self._lead_for(region).id,
                    )
                )

    def _meetings(self) -> None:
        for region in self.regions:
            for quarter in self.quarters[-6:]:
                day = quarter + timedelta(days=45)
                counts = [self.rng.randint(2, 8) for _ in range(3)] + [self.rng.randint(1, 3)]
                self.session.add(
                    m.ForumMeeting(
                        region_id=region.id,
                        meeting_date=day,
                        attendees_count=sum(counts),
                        service_users=counts[0],
                        carers=counts[1],
                        partners=counts[2],
                        staff=counts[3],
                        chair="Forum co-chair (demo)",
                        notes="Synthetic meeting.",
                        created_by_id=self._lead_for(region).id,
                    )
                )

    # -- the quarterly cycle -------------------------------------------------------
    def _quarter_reviews(self) -> None:
        """Every region's quarters from Q4 2024/25 to Q4 2025/26 signed off, each at the
        meeting after it; Q1 2026/27 submitted (London's signed off in August, then
        reopened to correct a figure); London's Q2 2026/27 submitted; the other regions'
        Q2 2026/27 not yet submitted (overdue)."""
        self.session.flush()
        q1, q2 = self.quarters[-2:]
        for region in self.regions:
            lead = self._lead_for(region)
            meetings = {
                meeting.meeting_date: meeting
                for meeting in self.session.scalars(
                    select(m.ForumMeeting).where(m.ForumMeeting.region_id == region.id)
                )
            }
            # Each quarter signed off at the meeting in the quarter after it.
            for before, after in zip(self.quarters[-7:-2], self.quarters[-6:-1], strict=True):
                signing = meetings[after + timedelta(days=45)]
                self._review(region, lead, before, after + timedelta(days=20), sign_off=signing)
            august = meetings[q2 + timedelta(days=45)]
            if region.code == "london":
                review = self._review(region, lead, q1, q1 + timedelta(days=115), sign_off=august)
                review.status = "reopened"
                review.reopened_at = self._when(q2 + timedelta(days=70))
                review.reopened_by = lead.username
                review.reopen_reason = (
                    "The July count of people supported was entered twice for one service; "
                    "correcting it."
                )
                review.version += 1
                self._audit(
                    lead,
                    Entity.QUARTER_REVIEW,
                    review.id,
                    "reopen",
                    region,
                    review.reopened_at,
                    {"period": format_period(q1)},
                )
                self._review(region, lead, q2, q2 + timedelta(days=123))
            else:
                self._review(region, lead, q1, q1 + timedelta(days=40))

    def _review(
        self,
        region: m.Region,
        lead: m.User,
        quarter: date,
        submitted: date,
        sign_off: m.ForumMeeting | None = None,
    ) -> m.QuarterReview:
        review = m.QuarterReview(
            region_id=region.id,
            period_start=quarter,
            status="submitted",
            submitted_at=self._when(submitted),
            submitted_by=lead.username,
            missing_reasons={},
            sign_offs=0,
        )
        self.session.add(review)
        self.session.flush()
        self._audit(
            lead,
            Entity.QUARTER_REVIEW,
            review.id,
            "submit",
            region,
            review.submitted_at,
            {"period": format_period(quarter)},
        )
        if sign_off is not None:
            review.status = "signed_off"
            review.signed_off_at = self._when(sign_off.meeting_date, 12)
            review.signed_off_by = sign_off.chair
            review.meeting_id = sign_off.id
            review.sign_offs = 1
            review.version += 1
            chair = next(
                (
                    u
                    for u in self.users.values()
                    if u.role == "forum_member" and u.region_id == region.id
                ),
                lead,
            )
            self._audit(
                chair,
                Entity.QUARTER_REVIEW,
                review.id,
                "sign off",
                region,
                review.signed_off_at,
                {"period": format_period(quarter)},
            )
        return review
