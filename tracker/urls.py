from django.contrib import admin
from django.urls import include, path

from . import health

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("treaties.urls")),
    path("", include("alerts.urls")),
    path("healthz", health.healthz, name="healthz"),
    path("healthz/deep", health.healthz_deep, name="healthz_deep"),
]

handler404 = "treaties.web.views.not_found"
# JSON under /api/, Django's own pages elsewhere.
handler400 = "treaties.api.errors.bad_request"
handler403 = "treaties.api.errors.permission_denied"
handler500 = "treaties.api.errors.server_error"
