from rest_framework.routers import DefaultRouter

from reports import unit_api as api

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("units", api.UnitViewSet, basename="api-unit")

urlpatterns = router.urls
