from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency, PromoBlock
from agencies.services import publisher_cache_clear
from newsroom.widgets import SlugAdminMixin


@admin.register(Agency)
class AgencyAdmin(SlugAdminMixin, admin.ModelAdmin):
    list_display = ["short_name", "name", "domain", "is_publisher", "registration_number"]
    list_filter = ["is_publisher"]
    search_fields = ["name", "short_name", "domain"]
    fieldsets = [
        (None, {"fields": ["name", "short_name", "slug", "domain", "founded_year", "is_publisher"]}),
        (
            _("Legal registration (shown in every page's footer)"),
            {"fields": ["registration_authority", "registration_number", "registration_date"]},
        ),
    ]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        publisher_cache_clear()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        publisher_cache_clear()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        publisher_cache_clear()


@admin.register(PromoBlock)
class PromoBlockAdmin(admin.ModelAdmin):
    list_display = ["title", "url", "is_active", "position"]
    list_editable = ["is_active", "position"]
    list_filter = ["is_active"]
    search_fields = ["title", "text"]
