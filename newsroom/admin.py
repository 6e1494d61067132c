"""Admin helpers shared by the apps (this module registers no models)."""

from newsroom.pagecache import pages_changed


class ForgetsCachedReadsMixin:
    """After any save or delete through this admin (list_editable and inlines included), forget
    every cached public page and the data every page shows (``pagecache.page_data``), now and
    again once the admin's transaction commits, so readers see the change at once."""

    def changed(self) -> None:
        pages_changed()

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        self.changed()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        self.changed()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        self.changed()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        self.changed()
