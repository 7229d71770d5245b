"""Deny by default: every view declares the roles that may use it.

``@allow(Role.ANALYST, Role.ADMINISTRATOR)`` on a view records the roles; ``DenyByDefaultMiddleware``
refuses any request to a view without that declaration (403), so a forgotten declaration fails closed.
Anonymous visitors hold the ``public`` role. Django's admin (staff only, its own permission system),
login/logout and static files are the declared exceptions in ``EXEMPT_VIEW_MODULES``.
"""

from collections.abc import Callable, Iterable
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeAlias

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from core.roles import Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from core.models import User

#: Whoever a page is shown to: a signed-in user, or an anonymous visitor (who holds the public role).
Viewer: TypeAlias = "User | AnonymousUser | None"

ROLES_ATTRIBUTE = "vrp_roles"
EXEMPT_VIEW_MODULES = ("django.contrib.auth.views", "django.views.static", "django.contrib.staticfiles")
#: URL namespaces guarded by their own mechanism: Django's admin admits active staff only.
EXEMPT_NAMESPACES = ("admin",)


def role_of(user: Viewer) -> Role:
    """The role a request's user acts in; anonymous visitors are ``public``."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Role.PUBLIC
    return Role(user.role)


def allow(*roles: Role | Iterable[Role]) -> Callable:
    """Declare which roles may use a view (function or class-based ``as_view()`` result)."""
    allowed: set[Role] = set()
    for role in roles:
        allowed.update([role] if isinstance(role, Role) else role)

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            return view(request, *args, **kwargs)

        setattr(wrapped, ROLES_ATTRIBUTE, frozenset(allowed))
        return wrapped

    return decorate


def declared_roles(view: Callable) -> frozenset[Role] | None:
    """The roles ``view`` declared, or None when it declared none."""
    return getattr(view, ROLES_ATTRIBUTE, None)


def is_exempt(view: Callable) -> bool:
    module = getattr(view, "__module__", "") or ""
    return module.startswith(EXEMPT_VIEW_MODULES)


class DenyByDefaultMiddleware:
    """Refuse requests to views that declared no roles, or whose roles exclude the user's."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view: Callable, args: Any, kwargs: Any) -> HttpResponse | None:
        match = getattr(request, "resolver_match", None)
        if is_exempt(view) or (match is not None and set(match.app_names) & set(EXEMPT_NAMESPACES)):
            return None
        roles = declared_roles(view)
        if roles is None:
            if settings.DEBUG:
                raise PermissionDenied(f"View {view.__module__}.{view.__name__} declares no roles.")
            raise PermissionDenied
        if role_of(request.user) in roles:
            return None
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise PermissionDenied
