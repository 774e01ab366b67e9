from django.urls import path

from . import views

app_name = "reporting"
urlpatterns = [
    path("", views.index, name="index"),
    path("go/", views.go, name="go"),
    path("calendar/<int:plan_pk>/", views.plan_calendar, name="calendar"),
    path("calendar/<int:plan_pk>/<int:line_pk>/<str:period_code>/", views.schedule_tracking, name="tracking"),
    path("<str:form_code>/<str:period_code>/<int:unit_pk>/", views.entry, name="entry"),
    path("<str:form_code>/<str:period_code>/<int:unit_pk>/autosave/", views.autosave, name="autosave"),
    # An agency's report (Sở Y tế of a province) to its unit's coordinator.
    path("<str:form_code>/<str:period_code>/<int:unit_pk>/agency/<int:agency_pk>/", views.entry,
         name="agency_entry"),
    path("<str:form_code>/<str:period_code>/<int:unit_pk>/agency/<int:agency_pk>/autosave/", views.autosave,
         name="agency_autosave"),
]
