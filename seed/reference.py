"""Reference content for the AMHE dashboard, as plain Python data.

Everything here is seed data: the loader copies it into the database once,
after which admins may edit it there. Nothing in this module touches a
database or Streamlit.

Sources
-------
- Themes, action areas and plan actions: Rethink Mental Illness, *Advancing
  Mental Health Equalities Plan* (2025), pages 9 to 17 (``seed-plan.txt``).
  Plan text is kept word for word; only PDF line breaks, footnote markers and
  doubled spaces were removed, and bullets are written as ``- `` lines.
- Regions: NHS England's seven regions; areas are real integrated care boards
  (ICBs) as of 2024, 3 to 6 per region (not all 42). ICBs merge from April
  2026, which is why these are editable reference data.
- Ethnicity: ONS 2021 census classification and NHS Data Dictionary ETHNIC
  CATEGORY codes, mapped as in NHS England's Mental Health Act statistics.

Important: the plan's KEY icons (which theme each action serves) were images
and were lost when the PDF was turned into text. The ``themes`` on each
``PlanAction`` were inferred by reading the action against the theme
definitions: they are proposed, and the app says so until a national lead
confirms them (db.plan.confirm_action_themes).

``NATIONAL_METRICS`` and ``LOCAL_METRIC_EXAMPLES`` are illustrative
definitions for a demo, with made-up baselines and targets; they are not
Rethink's agreed metrics.

Shapes (all frozen dataclasses; every ``code`` is a lower-case slug unless
noted, and unique within its list)
-----------------------------------------------------------------------------
Theme(code, name, definition, monitoring: bool, sort_order: int)
    THEMES: the six monitoring themes (monitoring=True), in the plan's order.
    LEADERSHIP_THEME: "leadership_governance", monitoring=False; the plan's
    KEY tags actions with it but it is not monitored by metrics.
    ALL_THEMES = THEMES + (LEADERSHIP_THEME,).
ActionArea(code, name, sort_order)
    ACTION_AREAS: the six areas of plan pages 12 to 17, in page order.
PlanAction(code, action_area, title, description, themes, page, sort_order,
           organisation_wide=False)
    PLAN_ACTIONS: 23 actions. ``code`` like "LG1" (upper case), ``action_area``
    is an ActionArea code, ``themes`` a tuple of Theme codes (any of
    ALL_THEMES), ``page`` the plan page, ``sort_order`` 1..23 across the plan.
    ``organisation_wide`` marks the actions the plan keeps once for the whole
    organisation (LG1 Board champion, WF2 Ethnicity Pay Gap report, WF3 EDI
    Strategic Plan): national leads keep them; regions see them read-only.
Area(code, name)
Region(code, name, sort_order, areas: tuple[Area, ...])
    REGIONS: NHS England's seven regions. Area codes are unique across regions.
Group(code, name, sort_order, parent=None, nhs_code=None, is_missing=False)
    ``parent`` is the code of another Group in the same characteristic;
    ``nhs_code`` is an NHS ETHNIC CATEGORY code ("A".."S", "Z", "99");
    ``is_missing`` marks "Not stated" / "Not known".
Characteristic(code, name, sort_order, groups: tuple[Group, ...])
    CHARACTERISTICS: ethnicity, ethnicity_broad, age_band, sex, disability,
    religion, sexual_orientation. Group codes are unique within one
    characteristic (ethnicity and ethnicity_broad share the high-level codes).
NHS_ETHNIC_CATEGORIES: dict code -> (name, high-level group name or None).
Metric(code, name, definition, theme, unit, direction, frequency, limit,
       data_source, disaggregated_by, baseline_value, target_value)
    NATIONAL_METRICS. ``code`` like "CA01" (upper case); ``theme`` a monitoring
    Theme code; ``unit`` in UNITS; ``direction`` in DIRECTIONS ("increase"
    means higher is better); ``frequency`` in FREQUENCIES; ``limit`` 100 for
    percentages else None; ``disaggregated_by`` None or a Characteristic code.
CoproductionRecord(agreed_with, where, note)
    ``where`` may contain "{region}", to be filled with the region's name.
LocalMetricTemplate(code_suffix, name, definition, theme, unit, direction,
                    frequency, limit, data_source, disaggregated_by,
                    baseline_value, target_value, coproduction)
    LOCAL_METRIC_EXAMPLES: four templates the demo generator instantiates per
    region, e.g. code f"{region.code}_{code_suffix}". ``coproduction`` is a
    CoproductionRecord or None (shown as "not yet coproduced").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

UNITS = ("count", "percentage", "rate", "score")
DIRECTIONS = ("increase", "decrease")
FREQUENCIES = ("quarterly",)


# ---------------------------------------------------------------------------
# Themes
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Theme:
    code: str
    name: str
    definition: str
    monitoring: bool
    sort_order: int


THEMES: tuple[Theme, ...] = (
    Theme(
        code="cultural_awareness",
        name="Cultural awareness",
        definition=(
            "Recognising and understanding the diverse cultural backgrounds of "
            "the communities we serve; this should include an awareness of "
            "different generational experiences and perspectives and being "
            "sensitive to those in providing care."
        ),
        monitoring=True,
        sort_order=1,
    ),
    Theme(
        code="staff_knowledge_awareness",
        name="Staff knowledge and awareness",
        definition=(
            "Recognising and understanding racialised and marginalised "
            "experiences of the communities we serve and overcoming biases and "
            "prejudices by acting upon them. Taking into consideration how our "
            "training standards, our policies and practices help staff respond "
            "to the diverse needs in communities to make improvements."
        ),
        monitoring=True,
        sort_order=2,
    ),
    Theme(
        code="partnership_working",
        name="Partnership working",
        definition=(
            "Collaborating closely with leaders who represent ethnically diverse "
            "and marginalised communities and other organisations beyond the "
            "NHS, such as ethnically led voluntary and community sector "
            "organisations, social care, faith groups, and others to support "
            "wellness and embed anti-oppressive practices."
        ),
        monitoring=True,
        sort_order=3,
    ),
    Theme(
        code="coproduction",
        name="Coproduction",
        definition=(
            "Working with people with lived experience of mental health issues "
            "and carers, together with staff and stakeholders as equal partners "
            "in a way that is meaningful and effective from the outset. It "
            "follows a process of co-creation and shared decision making that "
            "is reciprocal and jointly owned by all involved. Achieving a "
            "shared vision that transforms the balance of power and resources "
            "to a position of equal ownership."
        ),
        monitoring=True,
        sort_order=4,
    ),
    Theme(
        code="workforce",
        name="Workforce",
        definition=(
            "A culturally competent and diverse workforce that has a positive "
            "impact on people with lived experience and carers from ethnically "
            "diverse and marginalised communities, creating a safe space where "
            "the workforce champions inclusive leadership, shares learning and "
            "intentionally embeds anti-racism and culturally competent and "
            "inclusive approaches while tracking progress."
        ),
        monitoring=True,
        sort_order=5,
    ),
    Theme(
        code="co_learning",
        name="Co-learning",
        definition=(
            "A two-way process that strengthens collaborative knowledge sharing "
            "beyond coproduction principles. It focuses on raising awareness of "
            "early intervention support among ethnically diverse and "
            "marginalised communities, while also learning more about community "
            "concerns and barriers."
        ),
        monitoring=True,
        sort_order=6,
    ),
)

# PCREF part 1, as the plan's Delivery page words it.
LEADERSHIP_THEME = Theme(
    code="leadership_governance",
    name="Leadership and governance",
    definition=(
        "Having a robust governance structure to support the implementation of "
        "PCREF through our Advancing Mental Health Equalities Plan. This "
        "includes legislative and regulatory obligations so that core pieces "
        "of legislation which apply are being followed."
    ),
    monitoring=False,
    sort_order=7,
)

ALL_THEMES: tuple[Theme, ...] = (*THEMES, LEADERSHIP_THEME)


# ---------------------------------------------------------------------------
# Action areas and plan actions
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ActionArea:
    code: str
    name: str
    sort_order: int


ACTION_AREAS: tuple[ActionArea, ...] = (
    ActionArea("leadership_governance", "Leadership and governance", 1),
    ActionArea("staff_training", "Staff training", 2),
    ActionArea("partnership_working", "Partnership working", 3),
    ActionArea("workforce", "Workforce", 4),
    ActionArea("mental_health_services", "Mental health services", 5),
    ActionArea(
        "service_user_carer_data_feedback",
        "Service user and carer data and feedback",
        6,
    ),
)


@dataclass(frozen=True)
class PlanAction:
    code: str
    action_area: str
    title: str
    description: str
    themes: tuple[str, ...]
    page: int
    sort_order: int
    #: Kept once for the whole organisation by national leads (not adopted by regions).
    organisation_wide: bool = False


_LG = "leadership_governance"
_CA = "cultural_awareness"
_SK = "staff_knowledge_awareness"
_PW = "partnership_working"
_CP = "coproduction"
_WF = "workforce"
_CL = "co_learning"

PLAN_ACTIONS: tuple[PlanAction, ...] = (
    # --- Page 12: Leadership and governance --------------------------------
    PlanAction(
        code="LG1",
        action_area="leadership_governance",
        title="Board-level AMHE champion",
        description=(
            "Rethink will have an Advancing Mental Health Equalities champion at "
            "Board level who has appropriate oversight of the delivery of our "
            "AMHE Plan. The Rethink Racial Justice and Equity team will provide "
            "verbal and written updates on the delivery of the AMHE Plan to the "
            "Board of Trustees and Race Equality Programme Board and other "
            "Rethink forums and groups."
        ),
        themes=(_LG,),
        page=12,
        sort_order=1,
        organisation_wide=True,
    ),
    PlanAction(
        code="LG2",
        action_area="leadership_governance",
        title="AMHE Practice Forum of staff and Experts by Experience",
        description=(
            "Establish a Rethink Advancing Mental Health Equalities Practice "
            "Forum facilitated by the Director of EDI and Involvement and the "
            "Head of Racial Justice and Equity and comprised of Rethink staff "
            "and Experts by Experience, i.e. people with direct experience of "
            "mental illness and carers to support the delivery of our AMHE Plan."
        ),
        themes=(_LG, _CP),
        page=12,
        sort_order=2,
    ),
    PlanAction(
        code="LG3",
        action_area="leadership_governance",
        title="Lived experience and carers boards shape delivery",
        description=(
            "Work with our diverse Lived Experience Advisory Board and Carers "
            "Advisory Board and other expert by Experience working groups to "
            "shape and influence the delivery of our AMHE Plan."
        ),
        themes=(_LG, _CP),
        page=12,
        sort_order=3,
    ),
    PlanAction(
        code="LG4",
        action_area="leadership_governance",
        title="Regional Forums shape local delivery",
        description=(
            "Support our Regional Forums, consisting of local community "
            "representatives, service users, Rethink staff and voluntary sector "
            "organisations, to contribute to shaping and influencing the "
            "delivery of our AMHE Plan at a local level within regions where "
            "Rethink provides mental health services."
        ),
        themes=(_LG, _CP, _PW),
        page=12,
        sort_order=4,
    ),
    PlanAction(
        code="LG5",
        action_area="leadership_governance",
        title="Stronger REAL and other staff networks",
        description=(
            "Continue to strengthen our Race Equality Action Leaders (REAL) "
            "staff networks and our other networks to enable them to provide "
            "constructive challenge and feedback on the delivery of the AMHE "
            "Plan. Our Equity and Inclusion Practice Forum will also play a "
            "vital role in supporting the Plan’s delivery."
        ),
        themes=(_LG, _WF),
        page=12,
        sort_order=5,
    ),
    # --- Page 13: Staff training --------------------------------------------
    PlanAction(
        code="ST1",
        action_area="staff_training",
        title="Cultural awareness sessions with partner organisations",
        description=(
            "Cultural awareness sessions with Rethink staff in partnership with "
            "organisations and representatives that understand the "
            "intersectional experiences of ethnically diverse, marginalised and "
            "neurodiverse communities and living with mental illness or being a "
            "carer."
        ),
        themes=(_CA, _SK, _PW),
        page=13,
        sort_order=6,
    ),
    PlanAction(
        code="ST2",
        action_area="staff_training",
        title="Race equality goals in staff development plans",
        description=(
            "Embed specific goals relating to race equality training in staff’s "
            "personal development plans. This training will be completed by "
            "attending workshops, conferences, events, brunch and learns and "
            "team discussions to support shared learning and understanding on "
            "advancing mental health equalities."
        ),
        themes=(_SK, _CA),
        page=13,
        sort_order=7,
    ),
    # --- Page 13: Partnership working ---------------------------------------
    PlanAction(
        code="PW1",
        action_area="partnership_working",
        title="Share partners' best practice on race equity",
        description=(
            "Share best practices on delivery and race equity from our external "
            "partners to strengthen the design and delivery of our mental "
            "health services and support to Black and other underserved "
            "communities."
        ),
        themes=(_PW, _CL),
        page=13,
        sort_order=8,
    ),
    PlanAction(
        code="PW2",
        action_area="partnership_working",
        title="Anti-racist partnership framework and guidance",
        description=(
            "Implement a partnership framework with good practice guidance on "
            "what is anti-racism and anti-oppressive partnership working with "
            "community organisations."
        ),
        themes=(_PW,),
        page=13,
        sort_order=9,
    ),
    # --- Page 14: Workforce -------------------------------------------------
    PlanAction(
        code="WF1",
        action_area="workforce",
        title="Mutual mentoring and cultural competency activities",
        description=(
            "Build on our mutual mentoring programme and co-design and "
            "implement activities that focus on improving staff understanding "
            "of cultural differences to further anti-racism and cultural "
            "competency within Rethink."
        ),
        themes=(_WF, _CA, _SK),
        page=14,
        sort_order=10,
    ),
    PlanAction(
        code="WF2",
        action_area="workforce",
        title="Ethnicity pay gap reporting",
        description=(
            "Report on our Ethnicity Pay Gap to identify and address pay "
            "disparities amongst our ethnic minority workforce and embed an "
            "ethnically diverse workforce."
        ),
        themes=(_WF,),
        page=14,
        sort_order=11,
        organisation_wide=True,
    ),
    PlanAction(
        code="WF3",
        action_area="workforce",
        title="Publish EDI Strategic Plan and Staff Networks Action Plan",
        description=(
            "Publish our Equity, Diversity, Inclusion Strategic Plan, and Staff "
            "Networks Action Plan. The actions within the Staff Networks Action "
            "Plan will underpin the delivery of the EDI Strategic Plan to embed "
            "diversity and inclusive behaviours at all levels within our "
            "workplace practices."
        ),
        themes=(_WF,),
        page=14,
        sort_order=12,
        organisation_wide=True,
    ),
    PlanAction(
        code="WF4",
        action_area="workforce",
        title="Monitor the employee lifecycle and exit interviews",
        description=(
            "Ensure employee lifecycles are monitored and evaluated with the "
            "completion of exit interviews to help gather feedback on workplace "
            "culture and implement measurable improvements in our workplace "
            "practices."
        ),
        themes=(_WF,),
        page=14,
        sort_order=13,
    ),
    PlanAction(
        code="WF5",
        action_area="workforce",
        title="Better workforce diversity data",
        description=(
            "Continue to improve the collection and reporting of our diversity "
            "workforce data to design, deliver and monitor evidence-based "
            "interventions to increase ethnic diversity at all levels within "
            "the charity."
        ),
        themes=(_WF,),
        page=14,
        sort_order=14,
    ),
    # --- Page 15: Mental health services ------------------------------------
    PlanAction(
        code="MH1",
        action_area="mental_health_services",
        title="Community champion roles",
        description=(
            "Identify and support community champion roles to inform Rethink "
            "service development and community partners of the availability of "
            "early intervention services and support for ethnically diverse and "
            "marginalised communities."
        ),
        themes=(_CL, _PW),
        page=15,
        sort_order=15,
    ),
    PlanAction(
        code="MH2",
        action_area="mental_health_services",
        title="AMHE Plan in Operations plans, with at least three place-based projects",
        description=(
            "Implement our advancing mental health plan within Rethink "
            "Operations local development and delivery plans. We will improve "
            "our data information on our service users; train Operations staff "
            "around cultural awareness and advancing mental health equalities "
            "to deliver equitable outcomes in our mental health service "
            "provision. We will make demonstrable progress on implementing our "
            "AMHE Plan by working with all parts of the organisation - "
            "national, regional and local - to implement our AMHE Plan and by "
            "delivering at least three ‘community engagement’ place-based "
            "projects."
        ),
        themes=(_SK, _CA, _CL),
        page=15,
        sort_order=16,
    ),
    PlanAction(
        code="MH3",
        action_area="mental_health_services",
        title="Coproduced culturally appropriate service and care plans",
        description=(
            "Coproduce service plans and care plans with ethnically diverse and "
            "marginalised communities, faith leaders, and ethnically led "
            "voluntary, community, social enterprise (VCSE) partners to "
            "address:\n"
            "- Language translation service needs and or other accessibility "
            "requirements.\n"
            "- Cultural food requirements.\n"
            "- Religious and faith requirements, such as access to prayer "
            "spaces and spiritual support.\n"
            "- Varied and appropriate types of aftercare offered by mental "
            "health provisions.\n"
            "- Use of trauma informed approaches."
        ),
        themes=(_CP, _CA, _PW),
        page=15,
        sort_order=17,
    ),
    # --- Pages 16-17: Service user and carer data and feedback --------------
    PlanAction(
        code="SD1",
        action_area="service_user_carer_data_feedback",
        title="Better service user diversity data",
        description=(
            "Continue to improve the collection of our service user diversity "
            "data with an emphasis on the importance of the collection of this "
            "data by service managers to enable us to coproduce evidence-led "
            "interventions to address mental health inequalities in Rethink "
            "services. We will support our operations with guidance on "
            "collecting and monitoring service user diversity data."
        ),
        themes=(_SK, _CP),
        page=16,
        sort_order=18,
    ),
    PlanAction(
        code="SD2",
        action_area="service_user_carer_data_feedback",
        title="Evaluate the impact of partnership working",
        description=(
            "Evaluate the impact of partnership working on establishing "
            "equitable relationships that provide mutual benefit and shared "
            "decision-making with ethnically diverse and marginalised "
            "communities. This will include monitoring satisfaction levels with "
            "partner organisations, service users, carers and Rethink staff."
        ),
        themes=(_PW, _CP),
        page=16,
        sort_order=19,
    ),
    PlanAction(
        code="SD3",
        action_area="service_user_carer_data_feedback",
        title=(
            "Work closely with councils, ICBs and ICSs; use feedback from culturally "
            "appropriate advocacy services"
        ),
        description=(
            "Work closely with local authority partners, Integrated Care Boards, "
            "Integrated Care Systems and use the feedback from culturally "
            "appropriate advocacy services to improve our mental health service "
            "ethnically diverse and marginalised communities."
        ),
        themes=(_PW, _CA),
        page=16,
        sort_order=20,
    ),
    PlanAction(
        code="SD4",
        action_area="service_user_carer_data_feedback",
        title="Bi-annual reviews, independent evaluation, annual findings",
        description=(
            "Conduct bi-annual reviews and independent evaluation on the "
            "implementation of the Rethink AMHE Plan at a local level with "
            "service users, carers, voluntary sector organisations, "
            "marginalised communities, and Rethink staff. We will publish "
            "findings annually and share good practice on advancing mental "
            "health equalities."
        ),
        themes=(_CP, _CL),
        page=17,
        sort_order=21,
    ),
    PlanAction(
        code="SD5",
        action_area="service_user_carer_data_feedback",
        title="Act on disparities in the Service User Experience Survey",
        description=(
            "Through our Service User Experience Survey, we will identify "
            "disparities in our mental health services to address inequalities "
            "in service user experience and coproduce tailored actions to "
            "address them."
        ),
        themes=(_CP, _SK),
        page=17,
        sort_order=22,
    ),
    PlanAction(
        code="SD6",
        action_area="service_user_carer_data_feedback",
        title="Measure equitable outcomes with the Impact Framework",
        description=(
            "Use our Impact Framework to measure service user outcomes for "
            "marginalised communities. We will use our service user diversity "
            "data collection to compare data across the protected "
            "characteristics to ensure Rethink mental health services deliver "
            "equitable outcomes for service users and carers."
        ),
        themes=(_SK,),
        page=17,
        sort_order=23,
    ),
)


# ---------------------------------------------------------------------------
# Regions and areas (integrated care boards)
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Area:
    code: str
    name: str


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    sort_order: int
    areas: tuple[Area, ...]


def _slug(text: str) -> str:
    """'Bristol, North Somerset ... ICB' -> 'bristol_north_somerset_...'."""
    text = re.sub(r"\bICB$", "", text.strip())
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def _areas(*names: str) -> tuple[Area, ...]:
    return tuple(Area(code=_slug(name), name=name) for name in names)


REGIONS: tuple[Region, ...] = (
    Region(
        "east_of_england",
        "East of England",
        1,
        _areas(
            "Bedfordshire, Luton and Milton Keynes ICB",
            "Cambridgeshire and Peterborough ICB",
            "Hertfordshire and West Essex ICB",
            "Mid and South Essex ICB",
            "Norfolk and Waveney ICB",
            "Suffolk and North East Essex ICB",
        ),
    ),
    Region(
        "london",
        "London",
        2,
        _areas(
            "North Central London ICB",
            "North East London ICB",
            "North West London ICB",
            "South East London ICB",
            "South West London ICB",
        ),
    ),
    Region(
        "midlands",
        "Midlands",
        3,
        _areas(
            "Birmingham and Solihull ICB",
            "Black Country ICB",
            "Coventry and Warwickshire ICB",
            "Derby and Derbyshire ICB",
            "Leicester, Leicestershire and Rutland ICB",
            "Nottingham and Nottinghamshire ICB",
        ),
    ),
    Region(
        "north_east_and_yorkshire",
        "North East and Yorkshire",
        4,
        _areas(
            "Humber and North Yorkshire ICB",
            "North East and North Cumbria ICB",
            "South Yorkshire ICB",
            "West Yorkshire ICB",
        ),
    ),
    Region(
        "north_west",
        "North West",
        5,
        _areas(
            "Cheshire and Merseyside ICB",
            "Greater Manchester ICB",
            "Lancashire and South Cumbria ICB",
        ),
    ),
    Region(
        "south_east",
        "South East",
        6,
        _areas(
            "Buckinghamshire, Oxfordshire and Berkshire West ICB",
            "Frimley ICB",
            "Hampshire and Isle of Wight ICB",
            "Kent and Medway ICB",
            "Surrey Heartlands ICB",
            "Sussex ICB",
        ),
    ),
    Region(
        "south_west",
        "South West",
        7,
        _areas(
            "Bath and North East Somerset, Swindon and Wiltshire ICB",
            "Bristol, North Somerset and South Gloucestershire ICB",
            "Cornwall and the Isles of Scilly ICB",
            "Devon ICB",
            "Dorset ICB",
            "Somerset ICB",
        ),
    ),
)


# ---------------------------------------------------------------------------
# Characteristics and groups
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Group:
    code: str
    name: str
    sort_order: int
    parent: str | None = None
    nhs_code: str | None = None
    is_missing: bool = False


@dataclass(frozen=True)
class Characteristic:
    code: str
    name: str
    sort_order: int
    groups: tuple[Group, ...]


# NHS Data Dictionary ETHNIC CATEGORY: code -> (name, high-level group).
NHS_ETHNIC_CATEGORIES: dict[str, tuple[str, str | None]] = {
    "A": ("White British", "White"),
    "B": ("White Irish", "White"),
    "C": ("Any other White background", "White"),
    "D": ("Mixed White and Black Caribbean", "Mixed"),
    "E": ("Mixed White and Black African", "Mixed"),
    "F": ("Mixed White and Asian", "Mixed"),
    "G": ("Any other mixed background", "Mixed"),
    "H": ("Indian", "Asian or Asian British"),
    "J": ("Pakistani", "Asian or Asian British"),
    "K": ("Bangladeshi", "Asian or Asian British"),
    "L": ("Any other Asian background", "Asian or Asian British"),
    "M": ("Caribbean", "Black or Black British"),
    "N": ("African", "Black or Black British"),
    "P": ("Any other Black background", "Black or Black British"),
    "R": ("Chinese", "Other"),
    "S": ("Any other ethnic group", "Other"),
    "Z": ("Not stated", None),
    "99": ("Not known", None),
}

# ONS 2021 census high-level groups: (code, name).
_ETHNIC_HIGH_LEVEL = (
    ("asian", "Asian, Asian British or Asian Welsh"),
    ("black", "Black, Black British, Black Welsh, Caribbean or African"),
    ("mixed", "Mixed or Multiple ethnic groups"),
    ("white", "White"),
    ("other", "Other ethnic group"),
)

# ONS 2021 census detailed groups: high-level code -> ((code, name, nhs), ...).
_ETHNIC_DETAILED = {
    "asian": (
        ("bangladeshi", "Bangladeshi", "K"),
        # Census 2021 puts Chinese under Asian; NHS code R sits under Other,
        # so high-level totals built from NHS codes differ for this group.
        ("chinese", "Chinese", "R"),
        ("indian", "Indian", "H"),
        ("pakistani", "Pakistani", "J"),
        ("other_asian", "Other Asian", "L"),
    ),
    "black": (
        ("african", "African", "N"),
        ("caribbean", "Caribbean", "M"),
        ("other_black", "Other Black", "P"),
    ),
    "mixed": (
        ("white_and_asian", "White and Asian", "F"),
        ("white_and_black_african", "White and Black African", "E"),
        ("white_and_black_caribbean", "White and Black Caribbean", "D"),
        ("other_mixed", "Other Mixed or Multiple ethnic groups", "G"),
    ),
    "white": (
        (
            "white_british",
            "English, Welsh, Scottish, Northern Irish or British",
            "A",
        ),
        ("irish", "Irish", "B"),
        # No single NHS code: counted only in the White total.
        ("gypsy_or_irish_traveller", "Gypsy or Irish Traveller", None),
        ("roma", "Roma", None),
        ("other_white", "Other White", "C"),
    ),
    "other": (
        # No single NHS code: counted only in the Other total.
        ("arab", "Arab", None),
        ("any_other_ethnic_group", "Any other ethnic group", "S"),
    ),
}

_NOT_STATED = ("not_stated", "Not stated")
_NOT_KNOWN = ("not_known", "Not known")


def _ethnicity_groups() -> tuple[Group, ...]:
    """High-level groups, each followed by its detailed groups, then missing."""
    groups: list[Group] = []
    order = 0
    for high_code, high_name in _ETHNIC_HIGH_LEVEL:
        order += 1
        groups.append(Group(high_code, high_name, order))
        for code, name, nhs_code in _ETHNIC_DETAILED[high_code]:
            order += 1
            groups.append(Group(code, name, order, parent=high_code, nhs_code=nhs_code))
    groups.append(Group(*_NOT_STATED, order + 1, nhs_code="Z", is_missing=True))
    groups.append(Group(*_NOT_KNOWN, order + 2, nhs_code="99", is_missing=True))
    return tuple(groups)


def _ethnicity_broad_groups() -> tuple[Group, ...]:
    groups = [
        Group(code, name, order) for order, (code, name) in enumerate(_ETHNIC_HIGH_LEVEL, start=1)
    ]
    groups.append(Group(*_NOT_STATED, 6, nhs_code="Z", is_missing=True))
    groups.append(Group(*_NOT_KNOWN, 7, nhs_code="99", is_missing=True))
    return tuple(groups)


def _simple(*items: tuple[str, str] | tuple[str, str, bool]) -> tuple[Group, ...]:
    """Groups from (code, name[, is_missing]) in display order."""
    return tuple(
        Group(item[0], item[1], order, is_missing=bool(item[2:] and item[2]))
        for order, item in enumerate(items, start=1)
    )


CHARACTERISTICS: tuple[Characteristic, ...] = (
    Characteristic("ethnicity", "Ethnicity", 1, _ethnicity_groups()),
    Characteristic(
        "ethnicity_broad",
        "Ethnicity (high-level groups)",
        2,
        _ethnicity_broad_groups(),
    ),
    Characteristic(
        "age_band",
        "Age band",
        3,
        _simple(
            ("16_17", "16-17"),
            ("18_24", "18-24"),
            ("25_34", "25-34"),
            ("35_44", "35-44"),
            ("45_54", "45-54"),
            ("55_64", "55-64"),
            ("65_and_over", "65 and over"),
            ("not_known", "Not known", True),
        ),
    ),
    Characteristic(
        "sex",
        "Sex",
        4,
        _simple(
            ("female", "Female"),
            ("male", "Male"),
            ("not_known", "Not known", True),
        ),
    ),
    Characteristic(
        "disability",
        "Disability",
        5,
        _simple(
            ("disabled", "Disabled"),
            ("not_disabled", "Not disabled"),
            ("not_stated", "Not stated", True),
        ),
    ),
    Characteristic(
        "religion",
        "Religion or belief",
        6,
        _simple(
            ("no_religion", "No religion"),
            ("christian", "Christian"),
            ("buddhist", "Buddhist"),
            ("hindu", "Hindu"),
            ("jewish", "Jewish"),
            ("muslim", "Muslim"),
            ("sikh", "Sikh"),
            ("other_religion", "Other religion"),
            ("not_stated", "Not stated", True),
        ),
    ),
    Characteristic(
        "sexual_orientation",
        "Sexual orientation",
        7,
        _simple(
            ("straight_or_heterosexual", "Straight or heterosexual"),
            ("gay_or_lesbian", "Gay or lesbian"),
            ("bisexual", "Bisexual"),
            ("other_sexual_orientation", "All other sexual orientations"),
            ("not_stated", "Not stated", True),
        ),
    ),
)


# ---------------------------------------------------------------------------
# Metrics (illustrative, for the demo)
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Metric:
    code: str
    name: str
    definition: str
    theme: str
    unit: str
    direction: str
    frequency: str
    limit: float | None
    data_source: str
    disaggregated_by: str | None
    baseline_value: float
    target_value: float
    #: False for counts of events, agreements or organisations (not suppressed).
    counts_people: bool = True


NATIONAL_METRICS: tuple[Metric, ...] = (
    Metric(
        code="CA01",
        name="Staff who have completed cultural awareness training",
        definition=(
            "Staff in post at the end of the quarter who have completed "
            "cultural awareness training in the last two years, as a "
            "percentage of all staff in post."
        ),
        theme=_CA,
        unit="percentage",
        direction="increase",
        frequency="quarterly",
        limit=100,
        data_source="Learning management system",
        disaggregated_by=None,
        baseline_value=45.0,
        target_value=90.0,
    ),
    Metric(
        code="CA02",
        name="Service users who said they got the right level of support",
        definition=(
            "Service users answering the experience survey in the quarter who "
            "said they got the right level of support from us, as a percentage "
            "of those who answered the question."
        ),
        theme=_CA,
        unit="percentage",
        direction="increase",
        frequency="quarterly",
        limit=100,
        data_source="Service User Experience Survey",
        disaggregated_by="ethnicity_broad",
        baseline_value=98.0,  # the plan's published figure
        target_value=99.0,
    ),
    Metric(
        code="SK01",
        name="Staff with a race equality goal in their development plan",
        definition=(
            "Staff in post with at least one race equality learning goal in "
            "their personal development plan, as a percentage of all staff "
            "in post."
        ),
        theme=_SK,
        unit="percentage",
        direction="increase",
        frequency="quarterly",
        limit=100,
        data_source="HR system (personal development plans)",
        disaggregated_by=None,
        baseline_value=20.0,
        target_value=80.0,
    ),
    Metric(
        code="SK02",
        name="Service users with ethnicity recorded",
        definition=(
            "Service users supported in the quarter whose record holds a "
            "stated ethnicity (not 'Not stated' or 'Not known'), as a "
            "percentage of all service users supported."
        ),
        theme=_SK,
        unit="percentage",
        direction="increase",
        frequency="quarterly",
        limit=100,
        data_source="Service user records (case management system)",
        disaggregated_by=None,
        baseline_value=72.0,
        target_value=95.0,
    ),
    Metric(
        code="PW01",
        name="Partnership agreements with ethnically led VCSE organisations",
        definition=(
            "Number of signed partnership agreements in force at the end of "
            "the quarter with ethnically led voluntary, community and social "
            "enterprise organisations."
        ),
        theme=_PW,
        unit="count",
        direction="increase",
        frequency="quarterly",
        limit=None,
        data_source="Partnerships register",
        disaggregated_by=None,
        baseline_value=6.0,
        target_value=15.0,
        counts_people=False,
    ),
    Metric(
        code="PW02",
        name="Partner organisations satisfied with working with Rethink",
        definition=(
            "Partner organisations answering the quarterly partner survey who "
            "said they were satisfied or very satisfied with our partnership, "
            "as a percentage of those who answered."
        ),
        theme=_PW,
        unit="percentage",
        direction="increase",
        frequency="quarterly",
        limit=100,
        data_source="Partner satisfaction survey",
        disaggregated_by=None,
        baseline_value=70.0,
        target_value=85.0,
        counts_people=False,
    ),
    Metric(
        code="CP01",
        name="Coproduction sessions with people with lived experience",
        definition=(
            "Number of sessions in the quarter where people with lived "
            "experience or carers worked with staff as equal partners to "
            "design, review or decide on services or plans."
        ),
        theme=_CP,
        unit="count",
        direction="increase",
        frequency="quarterly",
        limit=None,
        data_source="Involvement team records",
        disaggregated_by=None,
        baseline_value=8.0,
        target_value=20.0,
        counts_people=False,
    ),
    Metric(
        code="CP02",
        name="Average days to respond to service user and carer feedback",
        definition=(
            "Mean number of working days from receiving feedback or a "
            "complaint from a service user or carer to sending a full "
            "response, for responses sent in the quarter."
        ),
        theme=_CP,
        unit="score",
        direction="decrease",
        frequency="quarterly",
        limit=None,
        data_source="Feedback and complaints log",
        disaggregated_by=None,
        baseline_value=18.0,
        target_value=10.0,
    ),
    Metric(
        code="WF01",
        name="Staff from ethnic minority backgrounds in senior roles",
        definition=(
            "Staff in senior roles (head of service and above) from ethnic "
            "minority backgrounds, as a percentage of all staff in senior "
            "roles with ethnicity recorded, at the end of the quarter."
        ),
        theme=_WF,
        unit="percentage",
        direction="increase",
        frequency="quarterly",
        limit=100,
        data_source="HR system (workforce diversity data)",
        disaggregated_by=None,
        baseline_value=12.0,
        target_value=20.0,
    ),
    Metric(
        code="WF02",
        name="Median ethnicity pay gap",
        definition=(
            "White staff's median hourly pay minus ethnic minority staff's, as "
            "a percentage of White staff's median hourly pay, at the end of "
            "the quarter."
        ),
        theme=_WF,
        unit="percentage",
        direction="decrease",
        frequency="quarterly",
        limit=100,
        data_source="Payroll",
        disaggregated_by=None,
        baseline_value=8.5,
        target_value=3.0,
    ),
    Metric(
        code="CL01",
        name="Co-learning events held with communities",
        definition=(
            "Number of events in the quarter held with ethnically diverse or "
            "marginalised communities where we shared information on early "
            "intervention support and recorded community concerns and "
            "barriers."
        ),
        theme=_CL,
        unit="count",
        direction="increase",
        frequency="quarterly",
        limit=None,
        data_source="Regional events log",
        disaggregated_by=None,
        baseline_value=4.0,
        target_value=12.0,
        counts_people=False,
    ),
    Metric(
        code="CL02",
        name="Community members reached through co-learning events",
        definition=(
            "Number of people from the community who attended a co-learning "
            "event in the quarter (attendances, so one person may count more "
            "than once)."
        ),
        theme=_CL,
        unit="count",
        direction="increase",
        frequency="quarterly",
        limit=None,
        data_source="Regional events log (attendance sheets)",
        disaggregated_by="ethnicity_broad",
        baseline_value=120.0,
        target_value=400.0,
    ),
)


@dataclass(frozen=True)
class CoproductionRecord:
    agreed_with: str
    where: str
    note: str


@dataclass(frozen=True)
class LocalMetricTemplate:
    code_suffix: str
    name: str
    definition: str
    theme: str
    unit: str
    direction: str
    frequency: str
    limit: float | None
    data_source: str
    disaggregated_by: str | None
    baseline_value: float
    target_value: float
    coproduction: CoproductionRecord | None
    #: False for counts of events, agreements or organisations (not suppressed).
    counts_people: bool = True


LOCAL_METRIC_EXAMPLES: tuple[LocalMetricTemplate, ...] = (
    LocalMetricTemplate(
        code_suffix="L01",
        name="Referrals from community and faith partners",
        definition=(
            "Number of referrals to our services in the region in the quarter "
            "that came from community, faith or ethnically led VCSE partners."
        ),
        theme=_PW,
        unit="count",
        direction="increase",
        frequency="quarterly",
        limit=None,
        data_source="Service referral records",
        disaggregated_by="ethnicity_broad",
        baseline_value=15.0,
        target_value=40.0,
        coproduction=CoproductionRecord(
            agreed_with="Regional Forum",
            where="{region} Regional Forum",
            note="Members asked to track how many people reach us through "
            "trusted community organisations.",
        ),
    ),
    LocalMetricTemplate(
        code_suffix="L02",
        name="Service users offered information in their preferred language",
        definition=(
            "Service users in the region whose preferred language is not "
            "English who were offered information or interpreting in that "
            "language, as a percentage of all such service users."
        ),
        theme=_CA,
        unit="percentage",
        direction="increase",
        frequency="quarterly",
        limit=100,
        data_source="Service user records (case management system)",
        disaggregated_by=None,
        baseline_value=55.0,
        target_value=90.0,
        coproduction=CoproductionRecord(
            agreed_with="Lived Experience Advisory Board",
            where="Lived Experience Advisory Board session on {region}",
            note="Agreed as a measure of the plan's language and accessibility commitment.",
        ),
    ),
    LocalMetricTemplate(
        code_suffix="L03",
        name="Carers from ethnic minority communities who felt listened to",
        definition=(
            "Carers from ethnic minority communities answering the carers' "
            "survey in the region who said staff listened to them, as a "
            "percentage of those who answered."
        ),
        theme=_CP,
        unit="percentage",
        direction="increase",
        frequency="quarterly",
        limit=100,
        data_source="Carers survey",
        disaggregated_by=None,
        baseline_value=65.0,
        target_value=85.0,
        coproduction=CoproductionRecord(
            agreed_with="Carers Advisory Board",
            where="Carers Advisory Board meeting, {region} item",
            note="Wording of the survey question agreed with carers.",
        ),
    ),
    LocalMetricTemplate(
        code_suffix="L04",
        name="Staff attending local community co-learning events",
        definition=(
            "Number of staff in the region who attended a co-learning event "
            "run with or by a local community organisation in the quarter."
        ),
        theme=_SK,
        unit="count",
        direction="increase",
        frequency="quarterly",
        limit=None,
        data_source="Regional events log",
        disaggregated_by=None,
        baseline_value=10.0,
        target_value=30.0,
        coproduction=None,  # not yet coproduced
    ),
)
