"""Base classes for the REST API: scoped querysets, model validation, role checks."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import permissions, serializers, viewsets
from rest_framework.exceptions import ValidationError

from accounts.policy import may
from accounts.scoping import for_user


class CanWriteOrReadOnly(permissions.BasePermission):
    """Reads for every signed-in user; writes only for roles that write (403 otherwise)."""

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        return request.method in permissions.SAFE_METHODS or may(request.user, "data.write")


class CleanModelSerializer(serializers.ModelSerializer):
    """Runs the model's ``full_clean()`` so the API enforces what forms enforce."""

    def validate(self, attrs):
        attrs = super().validate(attrs)
        instance = self.instance or self.Meta.model()
        m2m = {}
        for name, value in attrs.items():
            if isinstance(getattr(type(instance), name, None), property):
                continue
            field = instance._meta.get_field(name) if name in {f.name for f in instance._meta.get_fields()} else None
            if field is not None and field.many_to_many:
                m2m[name] = value
                continue
            setattr(instance, name, value)
        try:
            instance.full_clean(exclude=self.get_clean_exclude())
        except DjangoValidationError as exc:
            raise ValidationError(serializers.as_serializer_error(exc)) from exc
        return attrs

    def get_clean_exclude(self):
        return None


class ScopedModelViewSet(viewsets.ModelViewSet):
    """A ModelViewSet whose rows are those the user may see (others answer 404)."""

    permission_classes = [CanWriteOrReadOnly]

    def get_queryset(self):
        return for_user(super().get_queryset(), self.request.user)


class ScopedReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    def get_queryset(self):
        return for_user(super().get_queryset(), self.request.user)
