from django.urls import path

from reports import unit_pages

urlpatterns = [
    path("units/", unit_pages.UnitListView.as_view(), name="unit-list"),
    path("units/<str:code>/", unit_pages.UnitDetailView.as_view(), name="unit-detail"),
    path("units/<str:code>/staff/", unit_pages.UnitRosterView.as_view(), name="unit-roster"),
]
