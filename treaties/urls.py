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
