from django.urls import path

from . import views

app_name = "treaties"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("treaties/", views.treaty_list, name="treaty_list"),
    path("treaties/<slug:slug>/", views.treaty_detail, name="treaty"),
    path("parties/<slug:slug>/", views.party_detail, name="party"),
    path("statements/", views.statement_list, name="statement_list"),
    path("statements/<int:pk>/", views.statement_detail, name="statement"),
    path("timeline/", views.timeline, name="timeline"),
]

# Alerts: subscribing, and the links in every alert email.
from . import subscription_views  # noqa: E402

urlpatterns += [
    path("alerts/", subscription_views.subscribe, name="subscribe"),
    path("alerts/check-your-inbox/", subscription_views.subscribe_sent, name="subscribe_sent"),
    path("alerts/confirm/<str:token>/", subscription_views.subscription_confirm, name="subscription_confirm"),
    path("alerts/manage/<str:token>/", subscription_views.subscription_manage, name="subscription_manage"),
    path("alerts/unsubscribe/<str:token>/", subscription_views.unsubscribe, name="unsubscribe"),
    path("dev/mailbox/", subscription_views.dev_mailbox, name="dev_mailbox"),
    path("dev/mailbox/<str:name>/<int:index>/", subscription_views.dev_mail, name="dev_mail"),
]
