"""Subscribing, the links in every alert email, and (DEBUG only) the mailbox of emails written to files."""

from django.urls import path

from . import views

app_name = "alerts"

urlpatterns = [
    path("alerts/", views.subscribe, name="subscribe"),
    path("alerts/check-your-inbox/", views.subscribe_sent, name="subscribe_sent"),
    path("alerts/confirm/<str:token>/", views.subscription_confirm, name="subscription_confirm"),
    path("alerts/manage/<str:token>/", views.subscription_manage, name="subscription_manage"),
    path("alerts/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("alerts/calendar/<str:token>.ics", views.subscription_calendar, name="subscription_calendar"),
    path("dev/mailbox/", views.dev_mailbox, name="dev_mailbox"),
    path("dev/mailbox/<str:name>/<int:index>/", views.dev_mail, name="dev_mail"),
]
