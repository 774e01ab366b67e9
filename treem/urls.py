from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from treem.accounts.forms import (
    ThrottledAdminAuthenticationForm,
    ThrottledAuthenticationForm,
)
from treem.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("favicon.ico", core_views.favicon, name="favicon"),
    path("public/", include("treem.analytics.public_urls")),
    path("accounts/login/", auth_views.LoginView.as_view(authentication_form=ThrottledAuthenticationForm), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("units/", include("treem.units.urls")),
    path("plans/", include("treem.plans.urls")),
    path("agencies/", include("treem.agencies.urls")),
    path("reporting/", include("treem.reporting.urls")),
    path("workbooks/", include("treem.workbooks.urls")),
    path("results/", include("treem.analytics.urls")),
    path("reports/", include("treem.reports.urls")),
    path("admin/", admin.site.urls),
]

admin.site.login_form = ThrottledAdminAuthenticationForm
admin.site.site_header = "Treem"
admin.site.site_title = "Treem"
admin.site.index_title = _("Administration")
