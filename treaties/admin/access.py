"""Who may do what in the admin, beyond Django's per-model permissions."""

from django.contrib.auth.models import AbstractBaseUser

from ..models import Deadline, Party, Statement, Treaty, TreatyAlias, TreatyEvent

TRACKER_DATA = [Party, Treaty, TreatyAlias, TreatyEvent, Deadline, Statement]


class SuperuserOnlyAdmin:
    """Mix into a ModelAdmin whose rows are personal data (subscribers' email addresses):
    only superusers see or touch them, whatever permissions a group grants.

        @admin.register(Subscription)
        class SubscriptionAdmin(SuperuserOnlyAdmin, admin.ModelAdmin): ...
    """

    def has_module_permission(self, request):
        return _superuser(request)

    def has_view_permission(self, request, obj=None):
        return _superuser(request)

    def has_add_permission(self, request, *args):
        return _superuser(request)

    def has_change_permission(self, request, obj=None):
        return _superuser(request)

    def has_delete_permission(self, request, obj=None):
        return _superuser(request)


def _superuser(request) -> bool:
    return request.user.is_active and request.user.is_superuser


def can_import(user: AbstractBaseUser) -> bool:
    """An import may add or change any kind of tracker record."""
    return user.is_active and user.is_staff and all(
        user.has_perm(f"treaties.{action}_{model._meta.model_name}")
        for model in TRACKER_DATA for action in ("add", "change")
    )


def can_export(user: AbstractBaseUser) -> bool:
    return user.is_active and user.is_staff and all(
        user.has_perm(f"treaties.view_{model._meta.model_name}") for model in TRACKER_DATA
    )
