from django.urls import path

from . import views

app_name = "plans"
urlpatterns = [
    path("", views.plan_list, name="list"),
    path("<int:pk>/", views.plan_detail, name="detail"),
    path("<int:pk>/agencies/", views.plan_agencies, name="agencies"),
    path("<int:pk>/source/", views.plan_source, name="source"),
    path("<int:pk>/export/", views.plan_export, name="export"),
    path("import/", views.plan_import, name="import"),
    path("import/<int:pk>/", views.draft_review, name="draft"),
    path("import/<int:pk>/discard/", views.draft_discard, name="draft_discard"),
]
