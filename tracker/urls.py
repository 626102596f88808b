from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("treaties.urls")),
]

handler404 = "treaties.views.not_found"
