from django.urls import path

from . import views

app_name = "reporting"
urlpatterns = [
    path("", views.index, name="index"),
    path("go/", views.go, name="go"),
    path("<str:form_code>/<str:period_code>/<int:unit_pk>/", views.entry, name="entry"),
]
