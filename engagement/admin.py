"""Administrators edit the competency frameworks, courses, facilitator teams and networks here (every
change audit-logged). Attendance is never edited here: it goes through the session pages and imports."""

from django.contrib import admin

from core.admin import AuditedAdmin
from engagement.models import (
    Competency,
    CompetencyFramework,
    CompetencyLevel,
    Course,
    Event,
    FacilitatorTeam,
    Network,
)


@admin.register(CompetencyFramework)
class CompetencyFrameworkAdmin(AuditedAdmin):
    list_display = ["name"]


@admin.register(CompetencyLevel)
class CompetencyLevelAdmin(AuditedAdmin):
    list_display = ["framework", "number", "name"]
    list_filter = ["framework"]


@admin.register(Competency)
class CompetencyAdmin(AuditedAdmin):
    list_display = ["code", "statement", "level"]
    list_filter = ["level__framework", "level"]
    search_fields = ["code", "statement"]


@admin.register(Course)
class CourseAdmin(AuditedAdmin):
    list_display = ["title", "code", "audience", "theme", "mode", "length_minutes", "is_active"]
    list_filter = ["audience", "theme", "mode", "is_active"]
    search_fields = ["title", "code"]
    filter_horizontal = ["competencies"]


@admin.register(FacilitatorTeam)
class FacilitatorTeamAdmin(AuditedAdmin):
    list_display = ["name", "organisation"]


@admin.register(Event)
class EventAdmin(AuditedAdmin):
    list_display = ["title", "code", "kind", "start_date", "organisation"]
    list_filter = ["kind"]


@admin.register(Network)
class NetworkAdmin(AuditedAdmin):
    list_display = ["name", "kind"]
