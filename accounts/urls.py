from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import views

urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("login/verify/", views.TwoFactorVerifyView.as_view(), name="two-factor-verify"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/", views.AccountView.as_view(), name="account"),
    path("account/password/", views.PasswordChangeView.as_view(), name="password-change"),
    path("account/two-factor/", views.TwoFactorSetupView.as_view(), name="two-factor-setup"),
    path("account/two-factor/disable/", views.TwoFactorDisableView.as_view(), name="two-factor-disable"),
    path("account/tokens/", views.TokenCreateView.as_view(), name="token-create"),
    path("account/tokens/<int:pk>/revoke/", views.TokenRevokeView.as_view(), name="token-revoke"),
    path("account/users/", views.UserListView.as_view(), name="user-list"),
    path("account/users/<int:pk>/", views.UserDetailView.as_view(), name="user-detail"),
    path("account/users/<int:pk>/reset-password/", views.UserPasswordResetView.as_view(), name="user-password-reset"),
    path("account/users/<int:pk>/tokens/", views.UserTokenCreateView.as_view(), name="user-token-create"),
]
