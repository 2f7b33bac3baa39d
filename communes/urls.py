from django.urls import path

from communes import views

urlpatterns = [
    path("units/", views.UnitListView.as_view(), name="unit-list"),
    path("units/<str:code>/", views.UnitDetailView.as_view(), name="unit-detail"),
    path("units/<str:code>/staff/", views.UnitRosterView.as_view(), name="unit-roster"),
]
