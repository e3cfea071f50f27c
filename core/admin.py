from django.contrib import admin

from core.audit import entries_visible_to
from core.models import AuditEntry


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records that only services write: staff look, nobody edits here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """Read only: the database itself refuses to change or delete an entry."""

    list_display = ["created_at", "application_id", "actor", "action", "from_status", "to_status", "reason"]
    list_filter = ["action", "public"]
    search_fields = ["=application_id", "actor__email", "action"]
    list_select_related = ["actor"]
    date_hierarchy = "created_at"

    def get_queryset(self, request):
        return entries_visible_to(request.user, super().get_queryset(request))


class ServiceWritesAdmin(admin.ModelAdmin):
    """A model admin whose saves go through services that hold their own transaction (a
    durable use case, `core.locks`): its change view must not open one around them."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        return self._changeform_view(request, object_id, form_url, extra_context)
