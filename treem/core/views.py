from django.db import connection
from django.http import HttpResponse
from django.shortcuts import redirect, render


def home(request):
    return redirect("plans:list")


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


def csrf_failure(request, reason=""):
    """A form sent after its session ended (signed in again in another tab, or
    left open for hours): say so in the user's language and how to get the
    typed values back, instead of Django's English page."""
    return render(request, "403_csrf.html", status=403)
