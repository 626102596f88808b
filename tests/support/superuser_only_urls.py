"""A throwaway admin site for testing `SuperuserOnlyAdmin` before the real subscriber models exist."""

from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import path

from treaties.admin.access import SuperuserOnlyAdmin

site = admin.AdminSite(name="private")


@admin.register(Group, site=site)
class PrivateGroupAdmin(SuperuserOnlyAdmin, admin.ModelAdmin):
    pass


urlpatterns = [path("private/", site.urls)]
