"""Admin helpers shared by the apps (this module registers no models)."""

from newsroom.cache import forget
from newsroom.pagecache import pages_changed


class ForgetsCachedReadsMixin:
    """After any save or delete through this admin (list_editable and inlines included), forget
    the cached reads named in ``forget_keys`` and every cached public page (once the admin's
    transaction commits), so readers see the change at once."""

    forget_keys: tuple[str, ...] = ()

    def changed(self) -> None:
        forget(*self.forget_keys)
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
