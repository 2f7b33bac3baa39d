from rest_framework.routers import DefaultRouter

from secondments import api

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("plans", api.PlanViewSet, basename="api-plan")
router.register("sending-quotas", api.SendingQuotaViewSet, basename="api-sending-quota")
router.register("movements", api.SecondmentViewSet, basename="api-movement")
router.register("staff-requests", api.StaffRequestViewSet, basename="api-staff-request")

urlpatterns = router.urls
