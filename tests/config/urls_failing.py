"""The project's URLs plus views that fail, to see how errors answer."""

from django.urls import path
from rest_framework.decorators import api_view

from config.urls import *  # noqa: F403
from config.urls import urlpatterns as project


def boom(request):
    raise RuntimeError("boom")


@api_view(["GET"])
def refused_by_a_rule(request):
    from django.core.exceptions import ValidationError

    raise ValidationError("A rule says no.")


urlpatterns = [
    path("api/v1/boom/", boom),
    path("api/v1/rule/", refused_by_a_rule),
    path("boom/", boom),
    *project,
]
