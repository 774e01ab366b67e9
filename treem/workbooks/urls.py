from django.urls import path

from . import views

app_name = "workbooks"
urlpatterns = [
    path("template/<str:form_code>/<str:period_code>/<int:unit_pk>/", views.template_download, name="template"),
    path("templates/<str:form_code>/<str:period_code>/<int:unit_pk>/below/", views.templates_below,
         name="templates_below"),
    path("upload/<str:form_code>/<str:period_code>/<int:unit_pk>/", views.upload, name="upload"),
    # An agency's report to its unit (Sở Y tế to the province), as reporting:agency_entry.
    path("template/<str:form_code>/<str:period_code>/<int:unit_pk>/agency/<int:agency_pk>/", views.template_download,
         name="agency_template"),
    path("upload/<str:form_code>/<str:period_code>/<int:unit_pk>/agency/<int:agency_pk>/", views.upload,
         name="agency_upload"),
    path("batches/", views.batch_new, name="batch_new"),
    path("batches/<int:pk>/", views.batch_detail, name="batch"),
    path("batches/<int:pk>/status.json", views.batch_status, name="batch_status"),
]
