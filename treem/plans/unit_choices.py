"""The units a reviewer may give an imported plan: the review page's chooser.

Every unit of the plan's level the user may add plans for, without a cap
(the 696 districts of the country fit one <select>), grouped by the units
above them; a commune's plan lists the communes of the province it names.
Where that is still too many for a slow line (the country's 10,035 communes),
the page asks for part of the name and lists what matches.
"""

from collections import Counter

from django.db.models import Case, IntegerField, Q, Value, When

from treem.accounts.access import editable_unit_scope
from treem.core.search import fold
from treem.units.models import REFORM_DATE, Unit, existing_on
from treem.units.sorting import vietnamese_key

from .importing.units import as_date, is_named, places_named, unit_label

LIST_LIMIT = 1000
SEARCH_LIMIT = 100

_LEVEL_RANK = Case(*(When(level=level, then=Value(rank)) for rank, level in enumerate(Unit.Level.values)),
                   output_field=IntegerField())


def unit_choices(user, doc, chosen=None, query=""):
    """What the chooser shows: {"groups": [{"label", "options": [{"pk", "label",
    "selected"}]}], "count", "query", "found", "more", "too_many"}.

    `chosen` (the plan's unit now) and the units of the document's name it
    does not tell apart are always among the options, in the user's scope or not,
    so the select never hides what would be saved."""
    scope = Unit.objects.filter(editable_unit_scope(user, ""))
    ref = doc.get("unit") or {}
    level = ref.get("level") if ref.get("level") in Unit.Level.values else Unit.Level.PROVINCE
    day = as_date(doc.get("date"))
    query = " ".join((query or "").split())[:100]
    result = {"query": query, "found": None, "more": False, "too_many": 0, "limit": SEARCH_LIMIT}
    if query:
        found = list(scope.filter(search_key__contains=fold(query))
                     .order_by(_LEVEL_RANK, "search_key")[:SEARCH_LIMIT + 1])
        result["more"] = len(found) > SEARCH_LIMIT
        units = found[:SEARCH_LIMIT]
        result["found"] = len(units)
    else:
        listed = scope.filter(level=level)
        if day and listed.filter(existing_on(day)).exists():
            listed = listed.filter(existing_on(day))  # the structure in force when the plan was issued
        if level == Unit.Level.COMMUNE:
            listed = _in_named_provinces(listed, doc, day)
        count = listed.count()
        if count > LIST_LIMIT:
            result["too_many"] = count
            units = []
        else:
            units = list(listed)
    extra = {c["id"] for c in ref.get("_candidates") or []} | ({chosen.pk} if chosen else set())
    extra -= {u.pk for u in units}
    units += list(Unit.objects.filter(pk__in=extra))
    result["groups"] = _groups(units, chosen, day)
    result["count"] = len(units)
    return result


def _in_named_provinces(units, doc, day):
    """The communes of the provinces the document names, if it names any of
    those the user may add plans for."""
    places = places_named(doc)
    provinces = Unit.objects.filter(level=Unit.Level.PROVINCE)
    if day:
        provinces = provinces.filter(existing_on(day))
    named = [p for p in provinces if is_named(p, places)]
    if not named:
        return units
    within = Q()
    for province in named:
        within |= Q(path__startswith=province.path)
    narrowed = units.filter(within)
    return narrowed if narrowed.exists() else units


def _groups(units, chosen, day):
    ancestors = Unit.objects.in_bulk({pk for u in units for pk in u.ancestor_ids()})
    structure_names = dict(Unit.Structure.choices)
    newest_first = not day or day >= REFORM_DATE
    structure_rank = {Unit.Structure.NATIONAL: 0, Unit.Structure.Y2025: 1 if newest_first else 2,
                      Unit.Structure.LEGACY: 2 if newest_first else 1}

    def above(u):  # from the province down, the nation left out
        return [ancestors[pk] for pk in u.ancestor_ids()
                if pk in ancestors and ancestors[pk].level != Unit.Level.NATION]

    # A name found more than once says where it is ("Huyện Châu Thành — Tỉnh
    # Tiền Giang"); still alike (two structures), it says which structure.
    names = Counter(u.name for u in units)
    labels = {u.pk: unit_label(u, ancestors) if names[u.name] > 1 else u.name for u in units}
    repeated = Counter(labels.values())
    for u in units:
        if repeated[labels[u.pk]] > 1:
            labels[u.pk] += f" — {structure_names[u.structure]}"

    groups = {}
    for u in units:
        chain = above(u)
        key = (structure_rank.get(u.structure, 3), tuple(vietnamese_key(a.name) for a in chain),
               tuple(a.pk for a in chain) or (u.structure,))
        group = groups.setdefault(key, {
            "label": " — ".join(a.name for a in reversed(chain)) or structure_names[u.structure],
            "structure": u.structure, "options": []})
        group["options"].append({"pk": u.pk, "label": labels[u.pk], "selected": chosen is not None and u.pk == chosen.pk,
                                 "key": vietnamese_key(labels[u.pk])})
    ordered = [groups[k] for k in sorted(groups)]
    repeated = Counter(g["label"] for g in ordered)
    for g in ordered:
        if repeated[g["label"]] > 1:
            g["label"] += f" — {structure_names[g['structure']]}"
        g["options"].sort(key=lambda o: o["key"])
    return ordered
