"""The API's errors: one exception handler, JSON for Django's own 404/500 under /api/, and the
schema hook that declares each operation's error statuses with their bodies.

Every error body is JSON: ``{"detail": "…"}`` (Error), or for 400 the fields and their messages
(ValidationError). Statuses every operation may answer — 401, 403, 404, 406, 429; 400 where the
request carries parameters or a body, 415 where it carries a body — are added to every operation
of the schema, so views declare only what is particular to them (409, 412, 428). An operation
with query parameters may also meet 414 from the HTTP server (gunicorn or the proxy) when its
address is too long.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults
from rest_framework import exceptions, serializers
from rest_framework.views import exception_handler as drf_exception_handler

API_PREFIX = "/api/"


class ErrorSerializer(serializers.Serializer):
    """The body of every error but 400: a sentence saying what went wrong."""

    detail = serializers.CharField()


def exception_handler(exc, context):
    """DRF's handler, plus: Django's ValidationError answers 400 with its messages, and so does a
    number too large for the database (SQLite cannot hold an integer past 64 bits)."""
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(serializers.as_serializer_error(exc))
    elif isinstance(exc, DjangoPermissionDenied) and str(exc):
        # A policy refusal carries its message (accounts.policy.require).
        exc = exceptions.PermissionDenied(str(exc))
    elif isinstance(exc, OverflowError):
        exc = exceptions.ValidationError({"detail": [_("A number in the request is too large.")]})
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(response.data, list):
        response.data = {"detail": response.data}
    return response


def is_api(request):
    return request.path.startswith(API_PREFIX)


def _json(status, message):
    return JsonResponse({"detail": str(message)}, status=status)


def handler400(request, exception):
    return _json(400, _("Bad request.")) if is_api(request) else defaults.bad_request(request, exception)


def handler403(request, exception):
    if is_api(request):
        return _json(403, _("You do not have permission to perform this action."))
    return defaults.permission_denied(request, exception)


def handler404(request, exception):
    return _json(404, _("Not found.")) if is_api(request) else defaults.page_not_found(request, exception)


def handler500(request):
    return _json(500, _("Server error.")) if is_api(request) else defaults.server_error(request)


# --- OpenAPI ------------------------------------------------------------------------------------

ERROR = {"$ref": "#/components/schemas/Error"}
VALIDATION_ERROR = {"$ref": "#/components/schemas/ValidationError"}
COMPONENTS = {
    "Error": {
        "type": "object",
        "description": "What went wrong, in the user's language.",
        "properties": {"detail": {"type": "string"}},
        "required": ["detail"],
    },
    "ValidationError": {
        "type": "object",
        "description": (
            "Each invalid field with its messages; `non_field_errors` or `__all__` for the object as a "
            "whole; `detail` when the request as a whole is refused."
        ),
        "additionalProperties": {},
    },
}
COMMON = {
    "401": "Not signed in, or the token is unknown, expired or revoked.",
    "403": "The role may not do this.",
    "404": "Not found, or outside the user's scope.",
    "406": "The requested format cannot be produced.",
    "429": "Too many requests: wait the number of seconds in Retry-After.",
}
BAD_REQUEST = "Invalid parameter or data; nothing was written."
TOO_LONG = "The address (with its query string) is longer than the server accepts."
UNSUPPORTED = "The body's media type is not accepted."
RETRY_AFTER = {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait."}}
METHODS = ("get", "put", "post", "patch", "delete", "head", "options")


def _error_content(schema):
    return {"application/json": {"schema": schema}}


def declare_error_responses(result, generator, request, public):
    """drf-spectacular postprocessing hook: add the common errors to every operation."""
    result.setdefault("components", {}).setdefault("schemas", {}).update(COMPONENTS)
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in METHODS:
                continue
            responses = operation.setdefault("responses", {})
            has_query = any(p.get("in") == "query" for p in operation.get("parameters", []))
            has_body = "requestBody" in operation
            wanted = dict(COMMON)
            if has_query or has_body:
                wanted["400"] = BAD_REQUEST
            if has_query:
                wanted["414"] = TOO_LONG
            if has_body:
                wanted["415"] = UNSUPPORTED
            for status, description in wanted.items():
                responses.setdefault(status, {"description": description})
            for status, response in responses.items():
                # 414 comes from the HTTP server in front of Django, in its own format.
                if not status.startswith("4") or status == "414":
                    continue
                if status == "400":
                    # DRF answers 400 with the fields and their messages, whatever a view declared.
                    schema = VALIDATION_ERROR
                else:
                    schema = response.get("content", {}).get("application/json", {}).get("schema", ERROR)
                # Errors are JSON even where the success is a workbook.
                response["content"] = _error_content(schema)
                if status == "429":
                    response.setdefault("headers", {}).update(RETRY_AFTER)
    return result
