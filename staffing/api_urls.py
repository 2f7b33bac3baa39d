from rest_framework.routers import DefaultRouter

from staffing import api

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("fields", api.FieldViewSet, basename="api-field")
router.register("positions", api.PositionViewSet, basename="api-position")
router.register("staff", api.StaffViewSet, basename="api-staff")
router.register("quotas", api.QuotaViewSet, basename="api-quota")
router.register("quota-requests", api.QuotaRequestViewSet, basename="api-quota-request")
router.register("province-quotas", api.ProvinceQuotaViewSet, basename="api-province-quota")
router.register("absences", api.AbsenceViewSet, basename="api-absence")

urlpatterns = router.urls
