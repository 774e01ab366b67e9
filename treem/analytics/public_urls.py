"""The public results pages, open without signing in (see
treem.core.middleware.PUBLIC_PREFIXES)."""

from django.urls import path

from . import views

app_name = "public"
urlpatterns = [
    path("", views.public_index, name="index"),
    path("<str:structure>/<str:code>/", views.public_province, name="province"),
    path("<str:structure>/<str:code>/<int:plan_pk>/<int:year>/<int:sub_pk>/chart.svg", views.public_chart,
         name="chart"),
]
