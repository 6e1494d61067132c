"""The photo library in the admin: a wall of thumbnails, search, upload, and the JSON the
article editor's photo picker and the lead-photo field use."""

import datetime as dt

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Max, Min
from django.http import HttpResponseNotAllowed, JsonResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from newsroom import admin as newsroom_admin
from newsroom.admin import (
    AdminNames,
    AdminNamesMixin,
    ForgetsCachedReadsMixin,
    IndexedSearchMixin,
    LargeListMixin,
    MediaStorageErrorsMixin,
    storage_log,
    words_condition,
)
from newsroom.media import STORAGE_FAILED_MESSAGE, StorageUnavailable, describe
from photos.forms import PhotoForm
from photos.models import Photo
from photos.services import photo_save

CHOICES_PER_PAGE = 24


def photo_json(photo: Photo) -> dict:
    """What the pickers show of a photo: a thumbnail, a preview and its texts."""
    return {
        "id": photo.pk,
        "text": str(photo),
        "thumb": photo.rendition_url(320, thumbnail=True),
        "preview": photo.rendition_url(640),
        "src": photo.rendition_url(1024),
        "alt": photo.alt_text,
        "caption": photo.caption,
        "credit": photo.credit,
        "width": photo.width,
        "height": photo.height,
    }


class MonthFilter(admin.SimpleListFilter):
    """Uploaded in: one of the last 36 months of the library, newest first. The months come
    from the newest and oldest upload (two probes of the ``created_at`` index), not from a
    ``SELECT DISTINCT`` over every photo, which took a second at 500,000 photos."""

    title = _("month")
    parameter_name = "month"
    months = 36

    def lookups(self, request, model_admin):
        span = model_admin.get_queryset(request).aggregate(first=Min("created_at"), last=Max("created_at"))
        if span["last"] is None:
            return []
        first, month = timezone.localtime(span["first"]).date(), timezone.localtime(span["last"]).date()
        choices, month = [], month.replace(day=1)
        while month >= first.replace(day=1) and len(choices) < self.months:
            choices.append((f"{month:%Y-%m}", f"{MONTHS[month.month]} {month.year}"))
            month = (month - dt.timedelta(days=1)).replace(day=1)
        return choices

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        try:
            year, month = (int(part) for part in self.value().split("-"))
            start = dt.datetime(year, month, 1, tzinfo=timezone.get_current_timezone())
        except ValueError:
            return queryset.none()
        end = start.replace(year=year + month // 12, month=month % 12 + 1)
        return queryset.filter(created_at__gte=start, created_at__lt=end)


@admin.register(Photo)
class PhotoAdmin(
    MediaStorageErrorsMixin,
    AdminNamesMixin,
    ForgetsCachedReadsMixin,
    IndexedSearchMixin,
    LargeListMixin,
    admin.ModelAdmin,
):
    names = AdminNames(
        add=_("Add photo"),
        change=_("Change photo"),
        view=_("View photo"),
        select=_("Select photo to change"),
        select_view=_("Select photo to view"),
        choose=_("Select photo"),
        added=_("The photo “{obj}” was added."),
        changed=_("The photo “{obj}” was changed."),
        deleted=_("The photo “{obj}” was deleted."),
    )
    form = PhotoForm
    list_display = ["thumbnail", "description", "credit", "size", "uploaded_by", "created_at"]
    list_display_links = ["thumbnail", "description"]
    list_select_related = ["uploaded_by"]
    list_filter = [MonthFilter, "uploaded_by"]
    search_fields = ["caption", "credit", "alt_text"]
    search_starting_first = False  # newest first: matches are spread over the years
    list_per_page = 48
    readonly_fields = ["preview", "size", "used_in", "uploaded_by", "created_at"]
    fieldsets = [
        (None, {"fields": ["preview", "image", "alt_text", "caption", "credit"]}),
        (
            _("Focal point"),
            {
                "fields": [("focal_x", "focal_y")],
                "description": _("Thumbnails in lists are cropped around this point (percent of width and height)."),
            },
        ),
        (_("Record"), {"fields": ["size", "used_in", "uploaded_by", "created_at"]}),
    ]

    @admin.display(description=_("photo"))
    def thumbnail(self, photo):
        return format_html(
            '<img class="photo-thumb" src="{}" alt="" width="160" height="107" loading="lazy">',
            photo.rendition_url(320, thumbnail=True),
        )

    @admin.display(description=_("description"))
    def description(self, photo):
        return format_html("{}<br><small>{}</small>", photo.caption or "—", photo.alt_text)

    @admin.display(description=_("size"))
    def size(self, photo):
        return f"{photo.width} × {photo.height}" if photo.width else "—"

    @admin.display(description=_("preview"))
    def preview(self, photo):
        if not photo.pk:
            return "—"
        return format_html('<img class="photo-preview" src="{}" alt="{}">', photo.rendition_url(640), photo.alt_text)

    @admin.display(description=_("used in"))
    def used_in(self, photo):
        """The articles that show this photo, as lead photo or in their text (through the reverse
        relations the articles app declares: photos never imports articles)."""
        if not photo.pk:
            return "—"
        articles = {article.pk: article.title for article in photo.articles.only("title")[:50]}
        for use in photo.body_uses.select_related("article").only("article__title")[:50]:
            articles.setdefault(use.article_id, use.article.title)
        rows = [(reverse("admin:articles_article_change", args=[pk]), title) for pk, title in articles.items()]
        if not rows:
            return _("No article uses this photo yet.")
        return format_html("<ul>{}</ul>", format_html_join("", '<li><a href="{}">{}</a></li>', rows))

    def save_model(self, request, obj, form, change):
        photo_save(photo=obj, by=request.user, changed=set(form.changed_data))
        self.changed()

    # -- The pickers' JSON: search with thumbnails, and an upload from inside the article form --

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("choices/", view(self.choices_view), name="photos_photo_choices"),
            path("upload/", view(self.upload_view), name="photos_photo_upload"),
            *super().get_urls(),
        ]

    def choices_view(self, request):
        """``{"results": [photo, ...], "pagination": {"more": bool}}``: the newest photos
        matching ``term`` (caption, credit, alt text), or the photo ``id``."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        photos = Photo.objects.order_by("-created_at", "-pk")
        if request.GET.get("id", "").isdigit():
            photos = photos.filter(pk=request.GET["id"])
        term = " ".join(request.GET.get("term", "").split())[:100]
        if term:
            photos = photos.filter(words_condition(self.search_fields, term))
        page = request.GET.get("page", "1")
        page = max(1, int(page)) if page.isdigit() else 1
        start = (page - 1) * CHOICES_PER_PAGE
        # Scrolled past the cap (or a page typed by hand): nothing more; a search finds the rest.
        rows = list(photos[start : start + CHOICES_PER_PAGE + 1]) if start < newsroom_admin.LIST_CAP else []
        return JsonResponse(
            {
                "results": [photo_json(photo) for photo in rows[:CHOICES_PER_PAGE]],
                "pagination": {"more": len(rows) > CHOICES_PER_PAGE},
            }
        )

    def upload_view(self, request):
        """A new photo from the article editor: the same form and checks as the add page;
        ``{"photo": ...}``, or ``{"errors": {field: [message]}}`` with status 400 (503 when the
        media storage did not answer: nothing was saved)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = PhotoForm(request.POST, request.FILES)
        if not form.is_valid():
            return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
        try:
            photo = photo_save(photo=form.instance, by=request.user, changed=set(form.changed_data))
        except StorageUnavailable as error:
            storage_log.warning("photos.Photo: the media storage did not answer: %s", describe(error.__cause__))
            return JsonResponse(
                {"errors": {"image": [{"message": str(STORAGE_FAILED_MESSAGE), "code": "storage"}]}}, status=503
            )
        self.log_addition(request, photo, [{"added": {}}])
        return JsonResponse({"photo": photo_json(photo)}, status=201)
