from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency, PromoBlock
from newsroom.admin import (
    AdminNames,
    AdminNamesMixin,
    ForgetsCachedReadsMixin,
    MediaStorageErrorsMixin,
    TranslatedAdminMixin,
)
from newsroom.widgets import SlugAdminMixin


@admin.register(Agency)
class AgencyAdmin(
    MediaStorageErrorsMixin,
    AdminNamesMixin,
    ForgetsCachedReadsMixin,
    TranslatedAdminMixin,
    SlugAdminMixin,
    admin.ModelAdmin,
):
    names = AdminNames(
        add=_("Add agency"),
        change=_("Change agency"),
        view=_("View agency"),
        select=_("Select agency to change"),
        select_view=_("Select agency to view"),
        choose=_("Select agency"),
        added=_("The agency “{obj}” was added."),
        changed=_("The agency “{obj}” was changed."),
        deleted=_("The agency “{obj}” was deleted."),
    )
    list_display = ["short_name", "name", "domain", "is_publisher", "registration_number", "translations"]
    list_filter = ["is_publisher"]
    search_fields = ["name", "short_name", "domain", "name_kk", "short_name_kk", "name_en", "short_name_en"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("name", "name_kk", "name_en"),
                    ("short_name", "short_name_kk", "short_name_en"),
                    "slug",
                    "domain",
                    "founded_year",
                    "is_publisher",
                ]
            },
        ),
        (
            _("Legal registration (shown in every page's footer)"),
            {
                "fields": [
                    ("registration_authority", "registration_authority_kk", "registration_authority_en"),
                    ("registration_number", "registration_number_en"),
                    "registration_date",
                ]
            },
        ),
    ]


@admin.register(PromoBlock)
class PromoBlockAdmin(AdminNamesMixin, ForgetsCachedReadsMixin, TranslatedAdminMixin, admin.ModelAdmin):
    names = AdminNames(
        add=_("Add promo block"),
        change=_("Change promo block"),
        view=_("View promo block"),
        select=_("Select promo block to change"),
        select_view=_("Select promo block to view"),
        choose=_("Select promo block"),
        added=_("The promo block “{obj}” was added."),
        changed=_("The promo block “{obj}” was changed."),
        deleted=_("The promo block “{obj}” was deleted."),
    )
    list_display = ["title", "url", "is_active", "position", "translations"]
    list_editable = ["is_active", "position"]
    list_filter = ["is_active"]
    search_fields = ["title", "text", "title_kk", "title_en"]
    fields = [
        ("title", "title_kk", "title_en"),
        ("text", "text_kk", "text_en"),
        ("url", "url_kk", "url_en"),
        ("link_text", "link_text_kk", "link_text_en"),
        "is_active",
        "position",
    ]
