"""Bulk upload: many filled workbooks at once (or a .zip of them), each
imported all or nothing on its own, in a background thread when no queue is
configured; inline when settings.TREEM_TASKS_INLINE (the tests). The batch
and each file's result are rows, so the progress page survives a reload and
an interrupted batch resumes where it stopped."""

import io
import logging
import threading
import zipfile
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import close_old_connections, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from treem.core.models import audit

from .models import WorkbookBatch, WorkbookFile
from .read_workbook import MAX_UPLOAD_BYTES, WorkbookError, import_workbook, summary

logger = logging.getLogger(__name__)

MAX_FILES = 1000
MAX_BATCH_BYTES = 300 * 1024 * 1024
MAX_ZIP_BYTES = 100 * 1024 * 1024  # a .zip of workbooks


def readable(name, size):
    """Whether an upload is read at all: a workbook up to its limit, a .zip
    of workbooks up to its own."""
    return size <= (MAX_ZIP_BYTES if name.lower().endswith(".zip") else MAX_UPLOAD_BYTES)


class BatchError(ValueError):
    """The upload as a whole is refused; the message is for the user."""


def expand_uploads(uploads):
    """[(name, bytes or None, refusal)] from [(name, bytes or None)]: a .zip
    holding workbooks is opened (with the same zip-bomb limits); a file
    refused already (None: too large to read) keeps its refusal."""
    out = []
    for name, data in uploads:
        if data is None or not readable(name, len(data)):
            out.append((name, None, _too_large()))
        elif name.lower().endswith(".zip") and data[:4] == b"PK\x03\x04" and not _is_xlsx(data):
            out.extend(_unzip(name, data))
        else:
            out.append((name, data, ""))
    if len(out) > MAX_FILES:
        raise BatchError(_("At most %(n)s files can be uploaded at once.") % {"n": MAX_FILES})
    return out


def _too_large():
    return _("The file is larger than %(size)s MB; a filled template is far smaller.") % {
        "size": MAX_UPLOAD_BYTES // (1024 * 1024)}


def _is_xlsx(data):
    try:
        return "[Content_Types].xml" in zipfile.ZipFile(io.BytesIO(data)).namelist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return False


def _unzip(name, data):
    bad = _("The .zip file is damaged or is not a plain archive of Excel workbooks.")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = [i for i in archive.infolist() if not i.is_dir() and not i.filename.startswith("__MACOSX/")]
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return [(name, None, bad)]
    if len(infos) > MAX_FILES or sum(max(i.file_size, 0) for i in infos) > MAX_BATCH_BYTES:
        return [(name, None, _("The .zip file unpacks to an abnormal size (possibly a malicious file); it was "
                               "refused."))]
    out = []
    for info in infos:
        inner = f"{name}/{PurePosixPath(info.filename).name}"
        if not info.filename.lower().endswith(".xlsx"):
            out.append((inner, None, _("Not an Excel workbook (.xlsx); skipped.")))
        elif info.file_size > MAX_UPLOAD_BYTES:
            out.append((inner, None, _too_large()))
        else:
            try:
                with archive.open(info) as part:
                    content = part.read(MAX_UPLOAD_BYTES + 1)
            except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, RuntimeError):
                out.append((inner, None, bad))
                continue
            out.append((inner, content, "") if len(content) <= MAX_UPLOAD_BYTES else (inner, None, _too_large()))
    return out or [(name, None, bad)]


@transaction.atomic
def create_batch(user, uploads, submit=False, language="vi"):
    """Store the uploaded files as a batch waiting to be imported."""
    files = expand_uploads(uploads)
    if not files:
        raise BatchError(_("Choose at least one file."))
    if sum(len(d) for _n, d, _r in files if d) > MAX_BATCH_BYTES:
        raise BatchError(_("The files add up to more than %(size)s MB; upload them in smaller groups.")
                         % {"size": MAX_BATCH_BYTES // (1024 * 1024)})
    batch = WorkbookBatch.objects.create(created_by=user, submit=submit, language=language)
    now = timezone.now()
    WorkbookFile.objects.bulk_create([
        WorkbookFile(batch=batch, order=i, name=name[:255], size=len(data or b""), data=data or b"",
                     status=WorkbookFile.Status.REFUSED if refusal else WorkbookFile.Status.WAITING,
                     message=refusal, finished_at=now if refusal else None)
        for i, (name, data, refusal) in enumerate(files)])
    audit(user, "workbooks.batch_created", batch, files=len(files), submit=submit)
    return batch


def start_batch(batch):
    """Import the batch's files: inline, or in a thread once the batch is
    committed."""
    if getattr(settings, "TREEM_TASKS_INLINE", False):
        run_batch(batch.pk)
    else:
        transaction.on_commit(lambda: _start_thread(batch.pk))


_lock = threading.Lock()
_running = set()


def _start_thread(pk):
    with _lock:
        if pk in _running:
            return
        _running.add(pk)
    threading.Thread(target=_thread_main, args=(pk,), name=f"workbook-batch-{pk}", daemon=True).start()


def _thread_main(pk):
    close_old_connections()
    try:
        run_batch(pk)
    except Exception:
        logger.exception("workbook batch %s failed", pk)
    finally:
        with _lock:
            _running.discard(pk)
        connection.close()


def resume_if_stalled(batch):
    """A batch left unfinished by a restart is taken up again when its page is
    opened (the files done keep their results)."""
    if batch.is_done or getattr(settings, "TREEM_TASKS_INLINE", False):
        return
    with _lock:
        running = batch.pk in _running
    if not running:
        _start_thread(batch.pk)


def run_batch(pk):
    batch = WorkbookBatch.objects.select_related("created_by").get(pk=pk)
    if batch.is_done:
        return batch
    WorkbookBatch.objects.filter(pk=pk).update(status=WorkbookBatch.Status.RUNNING)
    cache = {}  # forms and layouts, read once for the batch
    with translation.override(batch.language):
        for file_pk in batch.files.filter(status=WorkbookFile.Status.WAITING).order_by("order") \
                .values_list("pk", flat=True):
            import_file(batch, WorkbookFile.objects.get(pk=file_pk), cache)
        return finish_batch(batch)


def import_file(batch, f, cache):
    """Import one file of a batch on its own: a refusal stays with the file."""
    user = batch.created_by
    f.problems = []
    try:
        result = import_workbook(user, bytes(f.data), f.name, submit=batch.submit, cache=cache, batch=batch)
    except WorkbookError as e:
        f.status, f.message = WorkbookFile.Status.REFUSED, e.message
        f.problems = [p.as_dict() for p in e.problems]
    except PermissionDenied:
        f.status, f.message = WorkbookFile.Status.REFUSED, _("You may not report for this unit.")
    except Exception:  # one broken file must not stop the others
        logger.exception("importing %s of batch %s", f.name, batch.pk)
        f.status, f.message = WorkbookFile.Status.REFUSED, _("The file could not be imported (unexpected error).")
    else:
        f.status, f.message = WorkbookFile.Status.IMPORTED, summary(result)
        f.unit, f.submission = result.parsed.unit, result.submission
        # What still needs doing: the reasons it was not submitted, or the
        # warnings left without a comment.
        f.problems = [p.as_dict() for p in (result.submit_problems or result.uncommented)]
    f.data = b""
    f.finished_at = timezone.now()
    f.save(update_fields=["status", "message", "problems", "unit", "submission", "data", "finished_at"])
    return f


@transaction.atomic
def finish_batch(batch):
    counts = {s: batch.files.filter(status=s).count() for s in WorkbookFile.Status.values}
    batch.status, batch.finished_at = WorkbookBatch.Status.DONE, timezone.now()
    batch.save(update_fields=["status", "finished_at"])
    audit(batch.created_by, "workbooks.batch_finished", batch, imported=counts["imported"],
          refused=counts["refused"])
    return batch


def progress(batch, start=0):
    """What the progress page shows, as plain data (also the JSON)."""
    files = list(batch.files.defer("data").select_related("unit").order_by("order"))
    done = sum(f.status != WorkbookFile.Status.WAITING for f in files)
    imported = sum(f.status == WorkbookFile.Status.IMPORTED for f in files)
    refused = sum(f.status == WorkbookFile.Status.REFUSED for f in files)
    return {
        "status": batch.status, "is_done": batch.is_done, "total": len(files), "done": done,
        "imported": imported, "refused": refused,
        "count_text": _("%(done)s of %(total)s files done") % {"done": done, "total": len(files)},
        "imported_text": _("imported: %(n)s") % {"n": imported},
        "refused_text": _("refused: %(n)s") % {"n": refused},
        "files": [{"id": f.pk, "order": f.order, "name": f.name, "status": f.status,
                   "status_display": f.get_status_display(), "message": f.message, "problems": f.problems,
                   "unit": f.unit.name if f.unit_id else ""} for f in files if f.order >= start],
    }
