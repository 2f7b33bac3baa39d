from django.urls import path

from communes import views

urlpatterns = [
    path("units/", views.UnitListView.as_view(), name="unit-list"),
]
