"""Who may see and change which unit's data.

A user sees their own unit and everything under it, the units above it (a
commune reads the provincial and national plans it carries out; not their
reports), and the units their unit succeeded (a province formed in 2025 reads the plans of the
provinces merged into it). A user changes plans only within their own unit's
subtree, and only as a coordinator or commune officer. Anything else is
answered as if it did not exist, so guessing URLs reveals nothing.
"""

from django.db.models import Q
from django.http import Http404

from treem.units.models import Succession, Unit

EDITOR_ROLES = ("coordinator", "commune_officer")


def _predecessors(unit):
    """Every unit `unit` succeeded, directly or through earlier reforms."""
    found, frontier = {}, [unit.pk]
    while frontier:
        rows = Succession.objects.filter(successor_id__in=frontier).select_related("predecessor")
        frontier = []
        for s in rows:
            if s.predecessor_id not in found:
                found[s.predecessor_id] = s.predecessor
                frontier.append(s.predecessor_id)
    return list(found.values())


def unit_scope(user, field="unit", ancestors=True):
    """A Q object keeping rows whose unit the user may see.

    `field` names the row's Unit relation ("unit", "plan__unit"); "" means
    the rows are Units themselves. `ancestors=False` leaves out the units
    above the user's: a commune reads the province's plan, not the reports
    the province and its agencies send up.
    """
    prefix = f"{field}__" if field else ""
    if not user.is_authenticated:
        return Q(pk__in=[])
    if user.is_system_admin:
        return Q()
    if user.unit_id is None:
        return Q(pk__in=[])
    unit = user.unit
    q = Q(**{f"{prefix}path__startswith": unit.path})
    if ancestors:
        q |= Q(**{f"{prefix}pk__in": unit.ancestor_ids()})
    for old in _predecessors(unit):
        q |= Q(**{f"{prefix}path__startswith": old.path})
    return q


def editable_unit_scope(user, field="unit"):
    """A Q object keeping rows whose unit the user may change."""
    prefix = f"{field}__" if field else ""
    if not user.is_authenticated:
        return Q(pk__in=[])
    if user.is_system_admin:
        return Q()
    if user.unit_id is None or user.role not in EDITOR_ROLES:
        return Q(pk__in=[])
    return Q(**{f"{prefix}path__startswith": user.unit.path})


def visible_units(user):
    return Unit.objects.filter(unit_scope(user, field=""))


def can_view_unit(user, unit, ancestors=True):
    """Whether the user may see the unit; with ancestors=False, only their
    own unit and those below (what a unit sends up, not what it receives)."""
    return Unit.objects.filter(unit_scope(user, "", ancestors), pk=unit.pk).exists()


def can_edit_unit(user, unit):
    if not user.is_authenticated:
        return False
    if user.is_system_admin:
        return True
    return user.role in EDITOR_ROLES and user.unit_id is not None and unit.is_within(user.unit)


def get_visible_or_404(queryset, user, field="unit", ancestors=True, **lookup):
    """The object if the user may see it; otherwise 404, as if it did not exist."""
    obj = queryset.filter(unit_scope(user, field, ancestors)).filter(**lookup).first()
    if obj is None:
        raise Http404
    return obj
