"""The admin of partner API keys: the list, and revoking. Keys are made by manage.py
create_api_key, which prints a key once; the admin never sees a key, only its prefix."""

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from distribution.models import ApiKey
from newsroom.admin import AdminNames, AdminNamesMixin


@admin.register(ApiKey)
class ApiKeyAdmin(AdminNamesMixin, admin.ModelAdmin):
    names = AdminNames(
        add=_("Add API key"),
        change=_("Change API key"),
        view=_("View API key"),
        select=_("Select API key to change"),
        select_view=_("Select API key to view"),
        choose=_("Select API key"),
        added=_("The API key “{obj}” was added."),
        changed=_("The API key “{obj}” was changed."),
        deleted=_("The API key “{obj}” was deleted."),
    )
    list_display = ["name", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "prefix"]
    readonly_fields = ["name", "prefix", "created_by", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False  # a key is printed once by manage.py create_api_key; see docs/distribution.md

    @admin.action(description=_("Revoke the selected keys"), permissions=["change"])
    def revoke(self, request, queryset):
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        self.message_user(
            request,
            ngettext("%(count)d key revoked.", "%(count)d keys revoked.", count) % {"count": count},
            messages.SUCCESS,
        )
