from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from treem.accounts.access import EDITOR_ROLES
from treem.accounts.models import User
from treem.reporting import actions
from treem.reporting.views import agency_of, form_unit_period
from treem.units.models import Unit

from . import batches
from .models import WorkbookBatch, WorkbookFile
from .read_workbook import (
    MAX_UPLOAD_BYTES,
    WorkbookError,
    describe,
    import_workbook,
    summary,
)
from .template_workbook import template_filename, template_for
from .template_zip import levels_below, templates_zip, units_below, zip_filename

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEMPLATE_BYTES = 16 * 1024  # about the size of one template, to say how large a .zip of them is


def _page(request, form_code, period_code, unit_pk, agency_pk=None):
    """The form, unit, period and agency (None: the unit's own report) of a
    report page the user may see, as the entry page finds them."""
    agency = agency_of(unit_pk, agency_pk)
    form, unit, period = form_unit_period(request.user, form_code, period_code, unit_pk)
    return form, unit, period, agency


def _report_url(name, form, period, unit, agency):
    """The URL `name` (entry, template, upload) of the unit's or the agency's report."""
    if agency is None:
        return reverse(name, args=[form.code, period.code, unit.pk])
    app, _sep, view = name.partition(":")
    return reverse(f"{app}:agency_{view}", args=[form.code, period.code, unit.pk, agency.pk])


@require_GET
def template_download(request, form_code, period_code, unit_pk, agency_pk=None):
    form, unit, period, agency = _page(request, form_code, period_code, unit_pk, agency_pk)
    response = HttpResponse(template_for(form, unit, period, agency), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{template_filename(form, period, unit, agency)}"'
    return response


@require_GET
def templates_below(request, form_code, period_code, unit_pk):
    """The units below that owe the form, and their templates in one .zip
    (?download=1)."""
    form, unit, period, _agency = _page(request, form_code, period_code, unit_pk)
    levels = levels_below(request.user, unit, period)
    level = request.GET.get("level")
    if level is not None and level not in levels:
        raise Http404
    units = units_below(request.user, form, unit, period, level=level)
    if request.GET.get("download") == "1":
        if not units:
            raise Http404
        response = HttpResponse(templates_zip(form, period, units), content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="{zip_filename(form, period, unit)}"'
        return response
    return render(request, "workbooks/templates_below.html", {
        "form": form, "unit": unit, "period": period, "units": units, "level": level,
        # The other levels to choose from, when the units below are of more than one.
        "levels": [(value, Unit.Level(value).label, n) for value, n in levels.items()] if len(levels) > 1 else [],
        "size_mb": len(units) * TEMPLATE_BYTES / (1024 * 1024),
        "entry_url": reverse("reporting:entry", args=[form.code, period.code, unit.pk]),
    })


@require_http_methods(["GET", "POST"])
def upload(request, form_code, period_code, unit_pk, agency_pk=None):
    form, unit, period, agency = _page(request, form_code, period_code, unit_pk, agency_pk)
    if not actions.may_report(request.user, unit, agency):
        raise Http404
    entry_url = _report_url("reporting:entry", form, period, unit, agency)
    error = None
    if request.method == "POST":
        upload = request.FILES.get("workbook")
        try:
            if upload is None:
                raise WorkbookError("missing", _("Choose the filled Excel file."))
            if upload.size > MAX_UPLOAD_BYTES:  # refuse before reading it into memory
                raise WorkbookError("too_large", _("The file is larger than %(size)s MB; a filled template is far "
                                                   "smaller. Upload the template downloaded from Treem.")
                                    % {"size": MAX_UPLOAD_BYTES // (1024 * 1024)})
            result = import_workbook(request.user, upload.read(), upload.name,
                                     expected=(form, unit, period, agency), submit=request.POST.get("submit") == "1")
        except WorkbookError as e:
            error = e
        else:
            say = messages.warning if result.few_filled else messages.success if result.submitted else messages.info
            say(request, summary(result))
            if result.uncommented:
                messages.warning(request, ngettext(
                    "%(n)s figure is ten times last period's or more and has no comment: explain it in the "
                    "comment column of the file or beside the figure on this page before submitting.",
                    "%(n)s figures are ten times last period's or more and have no comment: explain them in the "
                    "comment column of the file or beside the figures on this page before submitting.",
                    len(result.uncommented)) % {"n": len(result.uncommented)})
            return redirect(entry_url)
    return render(request, "workbooks/upload.html", {
        "form": form, "unit": unit, "period": period, "agency": agency, "error": error,
        "what": describe(form, unit, period, agency), "entry_url": entry_url,
        "template_url": _report_url("workbooks:template", form, period, unit, agency),
        "max_mb": MAX_UPLOAD_BYTES // (1024 * 1024),
    }, status=400 if error else 200)


def _require_reporter(user):
    """Those who report for a unit, or for an agency (its reporters)."""
    if not (user.is_system_admin or (user.role in EDITOR_ROLES and user.unit_id)
            or (user.role == User.Role.REPORTER and user.unit_id and user.agency_id)):
        raise Http404


@require_http_methods(["GET", "POST"])
def batch_new(request):
    _require_reporter(request.user)
    error = None
    if request.method == "POST":
        files = request.FILES.getlist("files")
        try:
            if sum(f.size for f in files) > batches.MAX_BATCH_BYTES:  # before reading any into memory
                raise batches.BatchError(_("The files add up to more than %(size)s MB; upload them in smaller "
                                           "groups.") % {"size": batches.MAX_BATCH_BYTES // (1024 * 1024)})
            # A file too large is kept by its name only, refused without being read.
            uploads = [(f.name, f.read() if batches.readable(f.name, f.size) else None) for f in files]
            batch = batches.create_batch(request.user, uploads, submit=request.POST.get("submit") == "1",
                                         language=get_language() or "vi")
        except batches.BatchError as e:
            error = str(e)
        else:
            batches.start_batch(batch)
            return redirect("workbooks:batch", batch.pk)
    # With what became of their files: which upload was the one with the refusals.
    recent = WorkbookBatch.objects.filter(created_by=request.user).annotate(
        total=Count("files"), imported=Count("files", filter=Q(files__status=WorkbookFile.Status.IMPORTED)),
        refused=Count("files", filter=Q(files__status=WorkbookFile.Status.REFUSED)))[:20]
    return render(request, "workbooks/batch_new.html", {
        "error": error, "recent": recent, "max_files": batches.MAX_FILES,
        "max_mb": MAX_UPLOAD_BYTES // (1024 * 1024),
    }, status=400 if error else 200)


def _own_batch(request, pk):
    batch = get_object_or_404(WorkbookBatch, pk=pk)
    if batch.created_by_id != request.user.pk and not request.user.is_system_admin:
        raise Http404
    return batch


@require_GET
def batch_detail(request, pk):
    batch = _own_batch(request, pk)
    batches.resume_if_stalled(batch)
    return render(request, "workbooks/batch.html", {"batch": batch, "progress": batches.progress(batch)})


@require_GET
def batch_status(request, pk):
    batch = _own_batch(request, pk)
    try:
        start = max(int(request.GET.get("from", 0)), 0)
    except ValueError:
        start = 0
    return JsonResponse(batches.progress(batch, start=start))
