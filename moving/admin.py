"""The admin of old addresses: what an import made, and any other old address typed by hand."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from moving.models import LegacyRedirect
from newsroom.admin import AdminNames, AdminNamesMixin


@admin.register(LegacyRedirect)
class LegacyRedirectAdmin(AdminNamesMixin, admin.ModelAdmin):
    names = AdminNames(
        add=_("Add old address"),
        change=_("Change old address"),
        view=_("View old address"),
        select=_("Select old address to change"),
        select_view=_("Select old address to view"),
        choose=_("Select old address"),
        added=_("The old address “{obj}” was added."),
        changed=_("The old address “{obj}” was changed."),
        deleted=_("The old address “{obj}” was deleted."),
    )
    list_display = ["old_path", "article", "url", "hits", "last_hit_at"]
    search_fields = ["old_path", "url", "article__title"]
    autocomplete_fields = ["article"]
    fields = ["old_path", "article", "url", "hits", "last_hit_at"]
    readonly_fields = ["hits", "last_hit_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("article")
