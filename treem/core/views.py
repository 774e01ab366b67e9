from django.db import connection
from django.http import HttpResponse
from django.shortcuts import redirect


def home(request):
    return redirect("plans:list")


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")
