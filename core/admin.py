"""Django admin for administrators: organisations, users, region; the audit log read-only."""

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.forms.models import model_to_dict
from django.http import HttpRequest

from core.audit import model_changes, record
from core.models import AuditEntry, Organisation, Region, User


class AuditedAdmin(admin.ModelAdmin):
    """Writes an audit entry for every add, change and delete made through the admin."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        before = model_to_dict(type(obj).objects.get(pk=obj.pk)) if change and obj.pk else {}
        super().save_model(request, obj, form, change)
        after = model_to_dict(obj)
        for secret in ("password",):
            before.pop(secret, None)
            after.pop(secret, None)
        record(request.user, "change" if change else "create", obj, changes=model_changes(before, after))

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        record(request.user, "delete", obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            record(request.user, "delete", obj)
        super().delete_queryset(request, queryset)


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin):
    list_display = ["name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name"]


@admin.register(User)
class VrpUserAdmin(AuditedAdmin, UserAdmin):
    list_display = ["username", "email", "role", "organisation", "is_active"]
    list_filter = ["role", "organisation", "is_active"]
    fieldsets = (*UserAdmin.fieldsets, ("Platform", {"fields": ("role", "organisation")}))
    add_fieldsets = (*UserAdmin.add_fieldsets, ("Platform", {"fields": ("role", "organisation")}))


@admin.register(Region)
class RegionAdmin(AuditedAdmin):
    list_display = ["name", "is_current", "is_synthetic"]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "actor_label", "action", "object_type", "object_id", "summary"]
    list_filter = ["action", "object_type"]
    search_fields = ["actor_label", "object_id", "summary"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
