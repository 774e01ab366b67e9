"""Synthetic approved reports: plausible figures for many units, periods and
forms at once, for the demo's dashboards and for the national-scale
benchmarks. The figures hold together the way real ones must (male + female
= total, sub-items a split of their total, a numerator below its
denominator, computed rows the sum of their sub-items), so the pages and
roll-ups show what real data would. Each commune has one profile per year
(its children by age and sex, the children in special circumstances, the
injured…) that every form it reports reads, so Appendix 6's child
population is Appendix 7's denominator. Written in bulk, not through the
actions: this is made-up data, and it says so in its submissions' history."""

import math
import random
import zlib
from bisect import bisect_right
from datetime import datetime, timedelta
from decimal import Decimal
from itertools import accumulate

from django.db import connection, transaction
from django.utils import timezone

from treem.core.bulk import db_datetime, insert_rows
from treem.reporting.models import RATE_UNITS, DataValue, Submission, SubmissionEvent
from treem.reporting.validation import form_rows, structure

# Typical size of a commune's figure, by the row's unit of measure (rows
# the tables below do not describe: Appendices 1–5).
BASE = {"count": 900, "number": 20, "money": 150_000}
# Communes sharing one set of figures per form and period (a unit's set
# follows from its code): as varied as a benchmark or a demo needs, without
# computing every commune's figures one by one. Enough of them that a
# province's communes seldom share one: a rare harm (a child trafficked) in
# a set counts once for every commune that has the set (with 40 sets, seven
# of Bắc Kạn's 108 communes shared one, and one child became seven).
VARIANTS = 400

# A commune's children under 16 (the demo's Bắc Kạn: some 80.000 in 108
# communes), before `scale`.
CHILDREN = (450, 1300)
# Appendix 6, section I, holds together as a commune's population does
# (orders of magnitude of the General Statistics Office): under-6s some 40 %
# of the under-16s, 16–17-year-olds some 12 %; nearly every under-6 insured,
# about half of them treated on the card in a year; under-16s about a quarter
# of the whole population. (group: (the group it is a share of, low, high))
AGE_GROUPS = {"PL6_I_2": ("PL6_I_1", 0.36, 0.42), "PL6_I_4": ("PL6_I_1", 0.11, 0.14),
              "PL6_I_3": ("PL6_I_2", 0.88, 0.99), "PL6_I_3_1": ("PL6_I_3", 0.40, 0.75)}
SHARES_OF_POPULATION = {"PL6_I_1r": "PL6_I_1", "PL6_I_2r": "PL6_I_2", "PL6_I_4r": "PL6_I_4"}
UNDER_16_SHARE = (0.22, 0.27)
BOYS = (0.505, 0.53)  # Vietnam's sex ratio leans to boys
# Children in special circumstances, at risk, injured…, as shares of the
# under-16s (Bắc Kạn's plan: 6,5 % in special circumstances, injuries
# 5/1.000, injury deaths 0,1/1.000, child marriage some 0,05 % of the people).
SPECIAL = (0.035, 0.065)
AT_RISK = (0.12, 0.30)
INJURED = (0.003, 0.007)
INJURY_DEATHS = (0.00005, 0.00015)
KIDNAPPED = 0.00002
CHILD_MARRIAGE_COUPLES = (0.001, 0.0025)
# Abuse, counted on one's fingers in a province of 80.000 children (some 10
# to 20 a year, most of them sexually abused; a child trafficked every year or
# two): per child a year (low, high) and the boys' share. Appendix 6's rows
# of violence, sexual abuse and trafficking are the commune's abused
# children, Appendix 7's CT16 their number ("xâm hại": violence, sexual
# abuse, trafficking…): the same in both appendices.
ABUSE = {"PL6_II_9": (0.00004, 0.0001, 0.5), "PL6_II_11": (0.00007, 0.00015, 0.12),
         "PL6_II_12": (0.000005, 0.00002, 0.2)}

# How the sub-items of a total split it: relative weights (missing: 1), the
# sub-items of one total adding up to 85–100 % of it. A total described in
# BREAKDOWNS is split twice or more (by reason and by care, by severity and
# by kind of disability): each breakdown on its own within the total.
WEIGHTS = {
    # Children in special circumstances, by group: most are disabled or
    # seriously ill in poor households; drugs are rare (the abused: ABUSE).
    "PL6_II_1": 4, "PL6_II_2": 0.5, "PL6_II_3": 6, "PL6_II_4": 40, "PL6_II_5": 1, "PL6_II_6": 4,
    "PL6_II_7": 0.5, "PL6_II_8": 5, "PL6_II_10": 3, "PL6_II_13": 10, "PL6_II_14": 0.15,
    "PL6_II_1_1": 0.5, "PL6_II_1_2": 1.5, "PL6_II_1_3": 7, "PL6_II_1_4": 1,
    "PL6_II_2_1": 4, "PL6_II_2_2": 6,
    "PL6_II_3_13": 6, "PL6_II_3_14": 1.5, "PL6_II_3_15": 2,
    "PL6_II_4_1": 2, "PL6_II_4_2": 4, "PL6_II_4_3": 4,
    "PL6_II_4_4_1": 3, "PL6_II_4_4_2": 1.5, "PL6_II_4_4_3": 1, "PL6_II_4_4_4": 1.5, "PL6_II_4_4_5": 2,
    "PL6_II_4_4_6": 0.5,
    "PL6_II_5_1": 8.5, "PL6_II_5_2": 1.5,
    "PL6_II_6_1": 7, "PL6_II_6_2": 2, "PL6_II_6_3": 1,
    "PL6_II_7_1": 3, "PL6_II_7_2": 7,
    # Exploited: nearly all of them child labour; pornography and sex
    # tourism a child or two a year in a province.
    "PL6_II_10_1": 7, "PL6_II_10_2": 0.05, "PL6_II_10_3": 0.05, "PL6_II_10_4": 0.6, "PL6_II_10_5": 0.3,
    "PL6_II_11_1": 1, "PL6_II_11_2": 0.5, "PL6_II_11_3": 3.5, "PL6_II_11_4": 4.5, "PL6_II_11_5": 0.5,
    "PL6_II_12_1": 8, "PL6_II_12_2": 2,
    "PL6_II_13_1": 6, "PL6_II_13_2": 4,
    "PL6_II_14_1": 8, "PL6_II_14_2": 0.5, "PL6_II_14_3": 1.5,
    # At risk: poverty and parents working away first.
    "PL6_III_1": 45, "PL6_III_2": 3, "PL6_III_3": 12, "PL6_III_4": 6, "PL6_III_5": 4, "PL6_III_6": 20,
    "PL6_III_7": 10,
}
# The boys' share of a group (missing: half): its total's boys and girls
# are split among the sub-items by these, so that the sub-items' sexes
# differ as real ones do (law, drugs, labour: mostly boys; sexual abuse,
# prostitution, trafficking: mostly girls), male + female still the total.
BOYS_SHARE = {
    "PL6_II_4": 0.56, "PL6_II_6": 0.88, "PL6_II_7": 0.9, "PL6_II_8": 0.6, "PL6_II_10": 0.65,
    "PL6_II_10_1": 0.65, "PL6_II_10_2": 0.2, "PL6_II_10_3": 0.1, "PL6_II_10_5": 0.8,
    "PL6_II_11_1": 0.05, "PL6_II_11_2": 0.05, "PL6_II_11_3": 0.05, "PL6_II_11_4": 0.2, "PL6_II_11_5": 0.1,
}
# The boys among the children in special circumstances: as their groups make them.
SPECIAL_BOYS = (sum(WEIGHTS[f"PL6_II_{i}"] * BOYS_SHARE.get(f"PL6_II_{i}", 0.5) for i in range(1, 15)
                    if f"PL6_II_{i}" in WEIGHTS) / sum(WEIGHTS.get(f"PL6_II_{i}", 0) for i in range(1, 15)))
# How much of a total its sub-items cover (missing: 85–100 %): every
# disabled child has a severity and a kind of disability.
COVER = {"PL6_II_4": (0.97, 1.0), "PL6_II_4_4": (0.97, 1.0)}
# A lone sub-item ("of which …") is this share of its total: the kinds of
# disability (a computed row) all the disabled children, autism a few in a
# hundred of them.
OF_WHICH = {"PL6_III_1_1": (0.45, 0.65), "PL6_IV_2_2_1": (0.35, 0.6), "PL6_IV_2_2_2": (0.15, 0.35),
            "PL6_II_4_4": (1.0, 1.0), "PL6_II_4_4_7": (0.02, 0.05)}
# An "of which" not above another row besides its total: autism (of the
# disabled children) is one of the kinds of disability.
CAPS = {"PL6_II_4_4_7": "PL6_II_4_4"}
BREAKDOWNS = {
    "PL6_II_3": [[f"PL6_II_3_{i}" for i in range(1, 13)], ["PL6_II_3_13", "PL6_II_3_14", "PL6_II_3_15"]],
    "PL6_II_4": [["PL6_II_4_1", "PL6_II_4_2", "PL6_II_4_3"], ["PL6_II_4_4"], ["PL6_II_4_4_7"]],
    "PL6_IV_2_2": [["PL6_IV_2_2_1"], ["PL6_IV_2_2_2"]],  # of which drowned; of which on the roads
}

# Appendix 7: what each denominator counts in one commune (a key of the
# commune's profile, see commune_profile), so that the rows sharing an age
# group share its figure and the province's sums are those of its communes.
DENOMINATORS = {
    "PL7_CT1_d": "communes", "PL7_CT31_d": "communes",
    "PL7_CT2_d": "age_0_8", "PL7_CT17_d": "age_5_17", "PL7_CT22_d": "under_5", "PL7_CT23_d": "under_5",
    "PL7_CT14_d": "children", "PL7_CT16_d": "children", "PL7_CT18_d": "children", "PL7_CT19_d": "children",
    "PL7_CT33_d": "children", "PL7_CT32_d": "age_7_15", "PL7_CT34_d": "age_11_15",
    "PL7_CT15_d": "special", "PL7_CT20_d": "disaster", "PL7_CT27_d": "lower_secondary",
    "PL7_CT28_d": "schools", "PL7_CT29_d": "schools", "PL7_CT30_d": "disabled_learning",
    "PL7_CT10_d": "under_1", "PL7_CT11_d": "under_5", "PL7_CT13_d": "schools", "PL7_CT24_d": "age_5",
    "PL7_CT25_d": "primary_cohort", "PL7_CT26_d": "lower_secondary_cohort",
    # Deaths per 1.000 live births (about the children under 1); the under-5s weighed and measured.
    "PL7_CT3_d": "under_1", "PL7_CT4_d": "under_1", "PL7_CT5_d": "under_1", "PL7_CT6_d": "under_5",
    "PL7_CT7_d": "under_5", "PL7_CT8_d": "rural_under_5", "PL7_CT9_d": "urban_under_5", "PL7_CT12_d": "hiv_births",
}
# Numerators that are the commune's own figures of Appendix 6 (its total of
# children in special circumstances, its abused children, its injured, its
# injury deaths).
PROFILE_NUMERATORS = {"PL7_CT14": "special", "PL7_CT16": "abused", "PL7_CT18": "injured",
                      "PL7_CT19": "injury_deaths"}
# The other rates: the commune's level, as a share of the denominator
# (Bắc Kạn's results and targets for 2020–2030; for a count of communes the
# chance that the commune counts itself).
RATE_SHARES = {
    "PL7_CT1_r": (0.45, 0.85),  # child-friendly commune
    "PL7_CT2_r": (0.72, 0.9),
    "PL7_CT15_r": (0.85, 0.98),
    "PL7_CT17_r": (0.005, 0.02),  # child labour, 5 to 17
    "PL7_CT20_r": (0.95, 1.0),
    "PL7_CT22_r": (0.96, 1.0),  # birth registration
    "PL7_CT23_r": (0.65, 0.8),
    "PL7_CT27_r": (0.001, 0.004),  # lower-secondary drop-out
    "PL7_CT28_r": (0.8, 1.0),
    "PL7_CT29_r": (0.4, 0.7),
    "PL7_CT30_r": (0.65, 0.9),
    "PL7_CT31_r": (0.25, 0.55),  # a place to play
    "PL7_CT32_r": (0.2, 0.4),
    "PL7_CT33_r": (0.7, 0.9),
    "PL7_CT34_r": (0.2, 0.4),
    "PL7_CT10": (0.93, 0.995), "PL7_CT11": (0.92, 0.995), "PL7_CT13": (0.95, 1.0),  # vaccinated; school toilets
    "PL7_CT24": (0.98, 1.0), "PL7_CT25": (0.985, 1.0), "PL7_CT26": (0.95, 1.0),  # kindergarten; completion
    "PL7_CT3": (0.0015, 0.006), "PL7_CT4": (0.006, 0.012), "PL7_CT5": (0.008, 0.016),  # 1,5–16 ‰ of live births
    "PL7_CT6": (0.12, 0.18), "PL7_CT7": (0.22, 0.29), "PL7_CT8": (0.005, 0.025), "PL7_CT9": (0.02, 0.06),
    "PL7_CT12": (0.0, 0.02),  # malnutrition, obesity; HIV from mother to child
}
# Rates a commune may type itself (‰ or %), without numerator and denominator: their usual range.
TYPED = {}
# Counts that cannot be in another order, each with its rate (the same
# denominator): neonatal ≤ infant ≤ under-5 deaths.
ORDERED = [(("PL7_CT3_n", "PL7_CT4_n", "PL7_CT5_n"), ("PL7_CT3", "PL7_CT4", "PL7_CT5"))]
# Appendix 7's child-marriage rows: persons (girls, boys), couples.
MARRIAGE = {"persons": "PL7_CT21", "girls": "PL7_CT21_1", "boys": "PL7_CT21_2", "couples": "PL7_CT21_3"}
# How a plan's figure stands to the commune's level (`plan`) and next year's
# plan to this year's (`next_plan`): a little better, by the indicator's direction.
PLAN_FACTOR = {"increase": ((0.97, 1.04), (1.0, 1.03)), "decrease": ((0.85, 1.1), (0.85, 1.0))}


def _sround(x, rng):
    """x rounded up or down at random, so that rare events (0,3 a commune) add up right."""
    return int(x) + (rng.random() < x % 1)


def _binomial(n, p, rng):
    n = int(n)
    if n <= 60:
        return sum(rng.random() < p for _ in range(n))
    return min(n, max(0, round(n * p + rng.gauss(0, math.sqrt(n * p * (1 - p))))))


def _allocate(n, shares, rng):
    """n people among categories of these shares (adding up to at most 1):
    counts adding up to at most n."""
    n = int(n)
    if n <= 0 or not shares:
        return [0] * len(shares)
    if len(shares) == 1 and shares[0] >= 1:
        return [n]
    if n <= 60:
        out = [0] * len(shares)
        cumulative = list(accumulate(shares))
        for _ in range(n):
            i = bisect_right(cumulative, rng.random())
            if i < len(out):
                out[i] += 1
        return out
    out = [_sround(n * s * rng.uniform(0.9, 1.1), rng) for s in shares]
    if sum(out) > n:
        added = sum(out)
        out = [x * n // added for x in out]
    return out


def _split(total, boys, rng):
    """(male, female) of a total."""
    male = _binomial(total, boys, rng)
    return male, total - male


def unit_variant(unit, seed=2021):
    """Which of the VARIANTS sets of figures a unit gets: the same in every
    form and period, so that its forms agree."""
    return zlib.crc32(f"{seed}:{unit.code}".encode()) % VARIANTS


def commune_profile(rng, scale=1.0, children=None):
    """One commune's figures in one year that several forms and rows share:
    {name: int or (male, female)} and, under "rates", the commune's
    underlying levels of rare events."""
    if children is None:
        children = math.exp(rng.uniform(math.log(CHILDREN[0]), math.log(CHILDREN[1])))
    u16 = max(20, round(children * scale))
    p = {"PL6_I_1": _split(u16, rng.uniform(*BOYS), rng)}
    for group, (of, low, high) in AGE_GROUPS.items():
        p[group] = tuple(round(n * rng.uniform(low, high)) for n in p[of])
    p["population"] = u16 / rng.uniform(*UNDER_16_SHARE)
    u6, u1617 = sum(p["PL6_I_2"]), sum(p["PL6_I_4"])
    older = u16 - u6  # 6 to 15: ten cohorts
    p.update(children=u16, under_5=round(u6 * 5 / 6), age_0_8=u6 + round(older * 0.3),
             age_7_15=round(older * 0.9), age_11_15=round(older * 0.5),
             age_5_17=round(u6 / 6) + older + u1617,
             lower_secondary=round(older * 0.4 * rng.uniform(0.92, 0.99)),
             # one cohort of a year's age: under 1, aged 5, finishing primary (11) and lower secondary (15)
             under_1=round(u6 / 6), age_5=round(u6 / 6), primary_cohort=round(older / 10),
             lower_secondary_cohort=round(older / 10),
             # a ward's children under 5 are urban, a commune's rural; a few births to mothers with HIV
             urban_under_5=round(u6 * 5 / 6) if rng.random() < 0.2 else 0,
             hiv_births=_binomial(round(u6 / 6), 0.003, rng),
             communes=1, schools=rng.randint(2, 4) + (u16 > 1000),
             disaster=round(u16 * rng.uniform(0.05, 0.4)) if rng.random() < 0.3 else 0)
    p["rural_under_5"] = p["under_5"] - p["urban_under_5"]
    rates = p["rates"] = {"special": rng.uniform(*SPECIAL), "injured": rng.uniform(*INJURED),
                          "injury_deaths": rng.uniform(*INJURY_DEATHS),
                          "couples": rng.uniform(*CHILD_MARRIAGE_COUPLES)}
    special = _sround(u16 * rates["special"], rng)
    p["special"], p["PL6_II"] = special, _split(special, SPECIAL_BOYS, rng)
    # The abused, among the children in special circumstances.
    boys_left, girls_left = p["PL6_II"]
    rates["abused"] = p["abused"] = 0
    for code, (low, high, boys) in ABUSE.items():
        rate = rng.uniform(low, high)
        male, female = _split(_sround(u16 * rate, rng), boys, rng)
        male, female = min(male, boys_left), min(female, girls_left)
        boys_left, girls_left = boys_left - male, girls_left - female
        p[code] = (male, female)
        p["abused"] += male + female
        rates["abused"] += rate
    p["disabled_learning"] = round(special * rng.uniform(0.25, 0.4))
    p["PL6_III"] = _split(round(u16 * rng.uniform(*AT_RISK)), 0.5, rng)
    injured = _sround(u16 * rates["injured"], rng)
    deaths = min(injured, _sround(u16 * rates["injury_deaths"], rng))
    p["injured"], p["injury_deaths"] = injured, deaths
    p["PL6_IV_2_2"] = _split(deaths, 0.65, rng)  # boys drown more
    p["PL6_IV_2_1"] = _split(injured - deaths, 0.6, rng)  # hurt, not killed
    p["PL6_IV_2"] = tuple(a + b for a, b in zip(p["PL6_IV_2_1"], p["PL6_IV_2_2"]))
    p["PL6_IV_1"] = _split(_sround(u16 * KIDNAPPED, rng), 0.5, rng)
    p["PL6_IV"] = tuple(a + b for a, b in zip(p["PL6_IV_1"], p["PL6_IV_2"]))
    return p


# Appendix 6's rows whose figures come from the commune's profile, by sex.
ANCHORS = {*AGE_GROUPS, *ABUSE, "PL6_I_1", "PL6_II", "PL6_III", "PL6_IV", "PL6_IV_1", "PL6_IV_2", "PL6_IV_2_1",
           "PL6_IV_2_2"}


def _marriages(expected, rng):
    """(girls, boys, couples) married under age: a couple has a girl or a boy
    under age, or both."""
    girls = boys = 0
    couples = _sround(expected, rng)
    for _ in range(couples):
        girl, boy = rng.random() < 0.9, rng.random() < 0.35
        girls += girl or not boy
        boys += boy
    return girls, boys, couples


def _depth(row, by_pk):
    d, r = 0, row
    while r.parent_id in by_pk:
        d, r = d + 1, by_pk[r.parent_id]
    return d


def _top(row, by_pk):
    while row.parent_id in by_pk:
        row = by_pk[row.parent_id]
    return row


def cell_plan(form):
    """What to generate for a form: its rows (with options), each numeric
    row's depth, and whether it counts a population (the form's first
    section: children by age) or cases (the later sections: children in
    special circumstances, abuse, accidents…), computed once per form."""
    rows = form_rows(form)
    by_pk = {r.pk: r for r in rows}
    first = rows[0] if rows else None
    parents = {r.parent_id for r in rows}
    # A lone top-level row (Appendix 7's denominators: children aged 8,
    # births…) counts a population too.
    return [(r, _depth(r, by_pk), _top(r, by_pk) is first or not r.parent_id and r.pk not in parents)
            for r in rows], rows


def _splits_into(row, child):
    """Whether a sub-item is a part of its total (same kind of number, same unit)."""
    e, c = row.element, child.element
    return (c is not None and c.is_numeric and not c.is_rate and c.value_type == e.value_type
            and c.unit_label == e.unit_label)


def _groups(code, children):
    """The sub-items (codes) of a total, as breakdowns each within the total."""
    named = BREAKDOWNS.get(code)
    if not named:
        return [children] if children else []
    groups = [[c for c in group if c in children] for group in named]
    listed = {c for group in named for c in group}
    return [g for g in groups + [[c for c in children if c not in listed]] if g]


def _shares(group, rng, cover=None):
    if len(group) == 1:
        low, high = OF_WHICH.get(group[0], (0.3, 0.7))
        return [rng.uniform(low, high)]
    weights = [WEIGHTS.get(c, 1) * rng.uniform(0.7, 1.3) for c in group]
    cover = rng.uniform(*(cover or (0.85, 1.0))) / sum(weights)
    return [w * cover for w in weights]


def _sexed(shares, group, option):
    """The shares of a group for the boys ("male") or the girls ("female") of
    its total, by the sub-items' BOYS_SHARE: covering as much of the total."""
    if option not in ("male", "female") or len(group) == 1:
        return shares
    leaning = [BOYS_SHARE.get(c, 0.5) for c in group]
    weights = [s * (b if option == "male" else 1 - b) for s, b in zip(shares, leaning)]
    added = sum(weights)
    return [w * sum(shares) / added for w in weights] if added else shares


def _plan_figure(level, direction, rng, cap=None):
    """(plan, actual, next year's plan) around a commune's level."""
    plan_f, next_f = PLAN_FACTOR["decrease" if direction == "decrease" else "increase"]
    plan = level * rng.uniform(*plan_f)
    nxt = plan * rng.uniform(*next_f)
    if cap is not None:
        plan, nxt = min(plan, cap), min(nxt, cap)
    return {"plan": plan, "actual": level, "next_plan": nxt}


class _Step:
    """A numeric row of a form, as figures() needs it, in plain data."""
    __slots__ = ("code", "kind", "own", "sums", "depth", "population", "value_type", "unit", "direction",
                 "groups", "anchored", "rate")


_SPECS = {}


def _spec(plan, rows):
    """What figures() needs of a form's rows, worked out once per plan (the
    rows' model attributes are slow to read a thousand times)."""
    found = _SPECS.get(id(plan))
    if found is not None and found[0] is plan:
        return found[1]
    if len(_SPECS) > 50:
        _SPECS.clear()
    by_pk = {r.pk: r for r in rows}
    children = {}
    for row, _d, _p in plan:
        if row.parent_id in by_pk and row.element_id:
            children.setdefault(row.parent_id, []).append(row)
    rate_parts = {c for row, _d, _p in plan if row.element_id and row.element.is_rate
                  for c in (row.element.numerator.code, row.element.denominator.code)}
    steps, rates = [], []
    for row, depth, population in plan:
        e = row.element
        if e is None or not e.is_numeric:
            continue
        s = _Step()
        s.code, s.depth, s.population = e.code, depth, population
        s.own = tuple(o.code for o in row.options if not o.sum_of)
        s.sums = tuple((o.code, tuple(o.sum_of)) for o in row.options if o.sum_of)
        s.value_type, s.unit, s.direction = e.value_type, e.unit_label, e.direction
        if e.is_rate:
            s.kind = "rate"
            s.rate = (e.numerator.code, e.denominator.code, e.factor or 100, e.denominator.unit_label.lower())
            rates.append(s)
            continue
        s.kind = ("anchor" if e.code in ANCHORS else "population_share" if e.code in SHARES_OF_POPULATION
                  else "computed" if row.computed else "skip" if e.code in rate_parts or e.code in MARRIAGE.values()
                  else "typed" if e.code in TYPED or e.value_type == "percent" or e.unit_label in RATE_UNITS
                  else "plain")
        parts = [c.element.code for c in children.get(row.pk, []) if _splits_into(row, c)]
        s.groups = _groups(e.code, [c for c in parts if c not in ANCHORS])
        s.anchored = tuple(c for c in parts if c in ANCHORS)  # given by the profile, not split
        steps.append(s)
    computed = [(row.element.code, [c.element.code for c in parts], [o.code for o in row.options])
                for row, parts in structure(rows).computed]
    lifts = []
    for row, _depth_, _population in sorted(plan, key=lambda p: -p[1]):
        parent = by_pk.get(row.parent_id)
        if (parent is None or parent.computed or not parent.element_id or not row.element_id
                or parent.element.value_type != row.element.value_type or row.element.is_rate):
            continue
        lifts.append((parent.element.code, row.element.code,
                      [o.code for o in parent.options if not o.sum_of],
                      [(o.code, list(o.sum_of)) for o in parent.options if o.sum_of]))
    codes = {r.element.code for r in rows if r.element_id}
    marriage = [o.code for r in rows if r.element_id and r.element.code == MARRIAGE["persons"] for o in r.options]
    caps = [(s.code, CAPS[s.code], s.own, s.sums) for s in steps if CAPS.get(s.code) in codes]
    spec = {"steps": steps, "rates": rates, "computed": computed, "lifts": lifts, "codes": codes,
            "marriage": marriage, "caps": caps}
    _SPECS[id(plan)] = (plan, spec)
    return spec


def figures(plan, rows, rng, scale=1.0, profile=None):
    """{(element code, option code): Decimal} for one unit and period;
    `profile` (commune_profile) holds the figures this form shares with the
    unit's other forms."""
    if profile is None:
        profile = commune_profile(rng, scale)
    spec = _spec(plan, rows)
    values = {}
    allotted = {}  # element code -> {option code: number} split from its total

    for s in spec["steps"]:
        code, own, kind = s.code, s.own, s.kind
        if kind == "anchor":  # Appendix 6's figures that other forms share, by sex
            given = _anchor(profile[code], own)
        elif kind == "population_share":
            group = profile[SHARES_OF_POPULATION[code]]
            share = (Decimal(sum(group) * 100) / Decimal(profile["population"])).quantize(Decimal("0.1"))
            given = {o: share for o in own}
        elif code in allotted:
            given = allotted[code] if kind != "computed" else None
        elif kind in ("computed", "skip"):
            given = None  # from their parts, with the rates or with the marriages
        elif kind == "typed":
            low, high = TYPED.get(code) or ((0.5, 15) if s.direction == "decrease" else (70, 100))
            cap = 100 if s.value_type == "percent" or s.unit == "%" else None
            levels = _plan_figure(rng.uniform(low, high), s.direction, rng, cap)
            given = {o: Decimal(str(round(levels.get(o, levels["actual"]), 1))) for o in own}
        else:
            # Cases (children abused, trafficked, in special circumstances) are a
            # few per commune a year, not a share of its children.
            size = BASE.get(s.value_type, 100) * scale * 0.5 ** s.depth * (1 if s.population else 0.004)
            if s.unit.lower().startswith("xã"):
                size = 1  # a count of communes, reported by one commune
            given = {}
            for o in own:
                parts = sum(1 for _o, of in s.sums if o in of)
                given[o] = round(size * (1 / parts if parts else 1) * rng.uniform(0.6, 1.0))
        if given is not None:
            for o in own:
                if o in given:
                    values[(code, o)] = given[o]
            for o, of in s.sums:
                values[(code, o)] = sum(values.get((code, p), 0) for p in of)
        # Its sub-items: a split of this total (of what was allotted to a computed row).
        source = allotted.get(code) if kind == "computed" else given
        if not source or not s.groups:
            continue
        if s.anchored:  # what the profile gives some sub-items, the others share the rest of
            taken = [_anchor(profile[a], own) for a in s.anchored]
            source = {o: max(0, n - sum(t.get(o, 0) for t in taken)) if isinstance(n, int) else n
                      for o, n in source.items()}
        for group in s.groups:
            shares = _shares(group, rng, COVER.get(code))
            for option, total in source.items():
                if isinstance(total, int):
                    for child, n in zip(group, _allocate(total, _sexed(shares, group, option), rng)):
                        allotted.setdefault(child, {})[option] = n

    _marriage_rows(spec, values, profile, rng)
    for s in spec["rates"]:
        _rate(s, values, profile, rng)
    for counts, rates in ORDERED:  # neonatal ≤ infant ≤ under-5 deaths, of the same live births
        for option in ("plan", "actual", "next_plan", "total"):
            keys = [(code, option) for code in counts if (code, option) in values]
            for key, value in zip(keys, sorted(values[k] for k in keys)):
                values[key] = value
            for count, rate in zip(counts, rates):
                births = values.get((f"{rate}_d", option))
                if births and (count, option) in values:
                    values[(rate, option)] = (Decimal(values[(count, option)] * 1000) / births).quantize(
                        Decimal("0.01"))
    values = {k: v if isinstance(v, Decimal) else Decimal(v) for k, v in values.items()}
    _compute(spec, values)
    for code, cap, own, sums in spec["caps"]:  # autism within the kinds of disability
        for o in own:
            if values.get((code, o)) is not None and values.get((cap, o)) is not None:
                values[(code, o)] = min(values[(code, o)], values[(cap, o)])
        for o, of in sums:
            if values.get((code, o)) is not None:
                values[(code, o)] = sum((values.get((code, p), 0) for p in of), Decimal(0))
    _lift_totals(spec, values)
    return values


def _anchor(figure, own):
    """A profile's figure, (male, female), as the options of a row."""
    return dict(zip(("male", "female"), figure)) if own == ("male", "female") else {o: sum(figure) for o in own}


def _compute(spec, values):
    """validation.compute_rows on the spec: computed rows the sum of their sub-items, deepest first."""
    for code, parts, options in spec["computed"]:
        for o in options:
            numbers = [values[(c, o)] for c in parts if isinstance(values.get((c, o)), Decimal)]
            values[(code, o)] = sum(numbers, Decimal(0)) if numbers else None


def _marriage_rows(spec, values, profile, rng):
    """Child marriages: girls + boys = persons, couples between half the
    persons and all of them; the plan a little fewer."""
    level = profile["children"] * profile["rates"]["couples"]
    for o in spec["marriage"]:
        expected = _plan_figure(level, "decrease", rng)[o] if o in ("plan", "next_plan") else level
        girls, boys, couples = _marriages(expected, rng)
        for key, n in (("persons", girls + boys), ("girls", girls), ("boys", boys), ("couples", couples)):
            if MARRIAGE[key] in spec["codes"]:
                values[(MARRIAGE[key], o)] = n


def _rate(s, values, profile, rng):
    """A rate's numerator and denominator, both or neither, in the unit of
    what they count; the rate itself from them."""
    num, den, factor, unit = s.rate
    key = DENOMINATORS.get(den) or ("communes" if unit.startswith("xã") else "schools" if unit.startswith("trường")
                                    else "children")
    base = profile[key]
    if num in PROFILE_NUMERATORS:
        name = PROFILE_NUMERATORS[num]
        level, actual = profile["rates"][name], profile[name]
    else:
        low, high = RATE_SHARES.get(s.code, (0.001, 0.02) if s.direction == "decrease" else (0.75, 0.99))
        level, actual = rng.uniform(low, high), None
    shares = _plan_figure(level, s.direction, rng, cap=1.0)
    # A commune counts itself, its few schools one by one; the same draws for
    # the plan and the result, so that a better plan counts no fewer.
    draws = [rng.random() for _ in range(base)] if base <= 10 else None
    if draws is not None:  # a commune may miss its plan, or pass it
        shares["actual"] = min(1.0, level * rng.uniform(0.9, 1.1))
    for o in s.own:
        share = shares.get(o, level)
        if o == "actual" and actual is not None:
            n = actual
        elif draws is not None:
            n = sum(d < share for d in draws)
        else:
            n = _sround(base * share, rng)
        n = min(n, base)
        values[(num, o)], values[(den, o)] = n, base
        if base:
            values[(s.code, o)] = (Decimal(n * factor) / base).quantize(Decimal("0.01"))


def _lift_totals(spec, values):
    """A total typed by hand is raised to its largest sub-item (a computed
    sub-item can add up beyond it), deepest first, then totals recomputed."""
    for pe, ce, own, sums in spec["lifts"]:
        for o in own:
            child = values.get((ce, o))
            if child is not None and values.get((pe, o)) is not None and child > values[(pe, o)]:
                values[(pe, o)] = child
        for o, of in sums:
            if values.get((pe, o)) is not None:
                values[(pe, o)] = sum((values.get((pe, p), 0) for p in of), Decimal(0))
    _compute(spec, values)


def _ids(rows):
    out = {}
    for r in rows:
        if r.element_id:
            for o in r.options:
                out[(r.element.code, o.code)] = (r.element_id, o.pk)
    return out


@transaction.atomic
def generate(units, forms, periods, approver=None, seed=2021, scale=1.0, batch=20_000, due=None):
    """Approved submissions with figures for every unit × form × period that
    has none yet. With `due` (period → deadline date), each report also gets
    its submission date: most a few days before the deadline, one in ten
    late. Returns the number of values written."""
    rng = random.Random(seed)
    now = timezone.now()
    sizes = {}  # variant -> its commune's children, the same every year
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -262144")  # 256 MB: the indexes stay in memory while loading
    written = 0
    for form in forms:
        plan, rows = cell_plan(form)
        ids = _ids(rows)
        for period in periods:
            done = set(Submission.objects.filter(form=form, period=period, agency=None)
                       .values_list("unit_id", flat=True))
            todo = [u for u in units if u.pk not in done]
            subs = Submission.objects.bulk_create([
                Submission(form=form, unit=u, period=period, status=Submission.Status.APPROVED, submitted_by=approver,
                           submitted_at=now, decided_by=approver, decided_at=now) for u in todo], batch_size=2000)
            if connection.vendor == "sqlite" or subs and subs[0].pk is None:
                by_unit = dict(Submission.objects.filter(form=form, period=period, agency=None, unit__in=todo)
                               .values_list("unit_id", "pk"))
            else:
                by_unit = {s.unit_id: s.pk for s in subs}
            SubmissionEvent.objects.bulk_create([
                SubmissionEvent(submission_id=by_unit[u.pk], version=1, action=action, status=action,
                                user=approver, comment="Số liệu mô phỏng (demo)")
                for u in todo for action in (("submitted", "approved") if due else ("approved",))], batch_size=2000)
            if due and todo:
                _date_submissions([by_unit[u.pk] for u in todo], due(period), rng)
            # A few dozen sets of figures, each unit given one of them by its
            # code (see unit_variant), each with its commune's profile for
            # the year: a unit's forms agree whichever call wrote them.
            variants = {}
            pending = []
            for u in todo:
                variant = unit_variant(u, seed)
                if variant not in variants:
                    variants[variant] = [(*ids[k], v) for k, v in figures(
                        plan, rows, random.Random(f"{seed}:{form.code}:{period.code}:{variant}"), scale,
                        _profile(seed, variant, period, scale, sizes)).items()]
                for element_id, option_id, value in variants[variant]:
                    pending.append((element_id, option_id, u.pk, period.pk, by_unit[u.pk], value))
                if len(pending) >= batch:
                    written += _insert(pending, now)
                    pending = []
            written += _insert(pending, now)
    return written


def _profile(seed, variant, period, scale, sizes):
    """A variant's commune in a period: its size drawn once, a little
    different each year; the rest drawn for the year."""
    if variant not in sizes:
        r = random.Random(f"{seed}:size:{variant}")
        sizes[variant] = math.exp(r.uniform(math.log(CHILDREN[0]), math.log(CHILDREN[1])))
    rng = random.Random(f"{seed}:profile:{period.code}:{variant}")
    return commune_profile(rng, scale, children=sizes[variant] * rng.uniform(0.97, 1.03))


def _date_submissions(submission_ids, deadline, rng):
    """Submitted a few days before the deadline, or (one in ten) weeks after."""
    late = {pk for pk in submission_ids if rng.random() < 0.1}
    tz = timezone.get_current_timezone()
    for ids, day in ((late, deadline + timedelta(days=20)),
                     (set(submission_ids) - late, deadline - timedelta(days=5))):
        at = datetime(day.year, day.month, day.day, 9, tzinfo=tz)
        for chunk in range(0, len(ids), 500):
            part = sorted(ids)[chunk:chunk + 500]
            SubmissionEvent.objects.filter(submission_id__in=part, action="submitted").update(at=at)
            Submission.objects.filter(pk__in=part).update(submitted_at=at, decided_at=at + timedelta(days=3))


def _insert(rows, now):
    now = db_datetime(now)
    return insert_rows(DataValue, ["element_id", "option_id", "unit_id", "period_id", "submission_id", "value",
                                   "text", "comment", "updated_at"], ((*r, "", "", now) for r in rows))
