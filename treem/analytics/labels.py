"""The words for judgements and trajectories, shared by the pages and the
official report."""

from django.utils.translation import gettext_lazy as _

from . import judging, trajectory

JUDGEMENT_LABELS = {
    judging.EXCEEDED: _("Exceeded"),
    judging.MET: _("Met"),
    judging.NOT_MET: _("Not met"),
    judging.NOT_COLLECTED: _("Not collected"),
    judging.NO_DATA: _("No data"),
    judging.NO_TARGET: _("No target for the year"),
}

TRAJECTORY_LABELS = {
    trajectory.ON_TRACK: _("On track"),
    trajectory.AT_RISK: _("At risk"),
    trajectory.OFF_TRACK: _("Off track"),
    trajectory.UNKNOWN: _("No trend yet"),
}

SOURCE_LABELS = {
    "reported": _("reported"),
    "entered": _("entered"),
    "": "",
}
