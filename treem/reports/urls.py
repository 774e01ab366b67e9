from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("<int:plan_pk>/", views.choose, name="choose"),
    path("<int:plan_pk>/<int:unit_pk>/<str:period_code>/", views.report, name="report"),
    path("<int:plan_pk>/<int:unit_pk>/<str:period_code>/report.docx", views.download_report, name="docx"),
    path("<int:plan_pk>/<int:unit_pk>/<str:period_code>/appendices.xlsx", views.download_appendices, name="xlsx"),
]
