"""Admin helpers shared by the apps (this module registers no models)."""

from newsroom.cache import forget


class ForgetsCachedReadsMixin:
    """After any save or delete through this admin (list_editable included), forget the
    cached reads named in ``forget_keys`` so the site shows the change at once."""

    forget_keys: tuple[str, ...] = ()

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        forget(*self.forget_keys)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        forget(*self.forget_keys)

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        forget(*self.forget_keys)
