"""The words for judgements and trajectories, shared by the pages and the
official report."""

from django.utils.translation import gettext_lazy as _

from . import judging, trajectory

JUDGEMENT_LABELS = {
    judging.EXCEEDED: _("Exceeded"),
    judging.MET: _("Met"),
    judging.NOT_MET: _("Not met"),
    judging.NOT_COLLECTED: _("Not collected"),
    judging.EMPTY_GROUP: _("No children in the group"),
    judging.NO_DATA: _("No data"),
    judging.NO_TARGET: _("No target for the year"),
}

TRAJECTORY_LABELS = {
    trajectory.ON_TRACK: _("On track"),
    trajectory.AT_RISK: _("At risk"),
    trajectory.OFF_TRACK: _("Off track"),
    trajectory.UNKNOWN: _("No trend yet"),
}

# Beside an "on track" or "at risk" fitted over several years, when the
# latest year with a result moved the wrong way (SubIndicatorResult.setback).
SETBACK_LABELS = {
    "rose": _("%(year)s rose on the year before"),
    "fell": _("%(year)s fell on the year before"),
}


def setback_label(result, *projections):
    """"năm 2024 tăng so với năm trước" beside `projections` that read on
    track or at risk, when the latest year moved the wrong way; "" otherwise."""
    setback = result.setback_against(*projections)
    return SETBACK_LABELS[setback] % {"year": max(result.series)} if setback else ""


SOURCE_LABELS = {
    "reported": _("reported"),
    "entered": _("entered"),
    "": "",
}
