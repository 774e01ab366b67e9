from django.urls import path

from . import views

app_name = "analytics"
urlpatterns = [
    path("", views.index, name="index"),
    path("agency/<int:agency_pk>/", views.agency, name="agency"),
    path("public/<int:unit_pk>/", views.set_public, name="set_public"),
    path("<int:plan_pk>/", views.plan_results, name="plan"),
    path("<int:plan_pk>/<int:unit_pk>/", views.unit_results, name="unit"),
    path("<int:plan_pk>/<int:unit_pk>/<int:year>/", views.overview, name="overview"),
    path("<int:plan_pk>/<int:unit_pk>/<int:year>/<int:sub_pk>/", views.indicator, name="indicator"),
    path("<int:plan_pk>/<int:unit_pk>/<int:year>/<int:sub_pk>/chart.svg", views.chart, name="chart"),
    path("<int:plan_pk>/<int:unit_pk>/<int:year>/<int:sub_pk>/value/", views.enter_value, name="enter_value"),
]
