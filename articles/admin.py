from django import forms
from django.contrib import admin
from django.db.models import Count
from django.http import JsonResponse
from django.urls import path, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag as UnusedTaggitTag

from articles.forms import TagNamesField
from articles.models import Article, Country, Person, Section, Tag
from newsroom.widgets import SlugAdminMixin

TAG_SUGGESTIONS_PER_PAGE = 20

# Topics live in articles.Tag; taggit's own default tag model stays empty, so hide it.
admin.site.unregister(UnusedTaggitTag)


def newsroom_zone() -> str:
    """'Asia/Almaty, UTC+05:00': the zone the admin shows and takes times in, with today's offset."""
    offset = timezone.localtime().strftime("%z")
    return f"{timezone.get_current_timezone_name()}, UTC{offset[:3]}:{offset[3:]}"


@admin.register(Article)
class ArticleAdmin(SlugAdminMixin, admin.ModelAdmin):
    list_display = ["title", "status", "publish_time", "section", "author_names", "view_count"]
    list_select_related = ["section"]
    list_filter = ["status", "section", "language"]
    date_hierarchy = "publish_at"
    search_fields = ["title", "lead"]
    ordering = ["-created_at"]
    autocomplete_fields = ["section", "people", "countries", "source", "authors"]
    readonly_fields = ["view_count", "created_at", "updated_at"]
    list_per_page = 50

    def get_fieldsets(self, request, obj=None):
        return [
            (_("Text"), {"fields": ["title", "slug", "lead", "body"]}),
            (
                _("Classification"),
                {"fields": ["language", "section", "tags", "people", "countries", "source", "authors"]},
            ),
            (
                _("Publication"),
                {
                    "fields": ["status", "publish_at", "expire_at"],
                    "description": _("Times are newsroom time: %(zone)s.") % {"zone": newsroom_zone()},
                },
            ),
            (_("Lead image"), {"fields": ["image", "image_caption", "image_credit"]}),
            (_("Record"), {"fields": ["view_count", "created_at", "updated_at"], "classes": ["collapse"]}),
        ]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if (
            obj is not None
            and obj.publish_at is not None
            and obj.status in {Article.Status.PUBLISHED, Article.Status.WITHDRAWN}
        ):
            # Readers, search engines and links out there know this address: keep it.
            readonly.append("slug")
        return readonly

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("authors")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "title":
            kwargs["widget"] = forms.TextInput(attrs={"class": "vTextField", "style": "width: min(100%, 50em)"})
        if db_field.name == "tags":
            return TagNamesField(
                url=reverse_lazy("admin:articles_article_tag_names"),
                required=False,
                label=db_field.verbose_name.capitalize(),
                help_text=_("Pick existing topics or type a new one and press Enter."),
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        person = Person.objects.filter(user=request.user).first()
        if person is not None and "authors" not in initial:
            initial["authors"] = [person.pk]
        return initial

    @admin.display(ordering="publish_at", description=_("publication time"))
    def publish_time(self, obj):
        if obj.publish_at is None:
            return "—"
        return timezone.localtime(obj.publish_at).strftime("%d.%m.%Y %H:%M")

    @admin.display(description=_("authors"))
    def author_names(self, obj):
        return ", ".join(author.name for author in obj.authors.all()) or "—"

    def get_urls(self):
        return [
            path("tag-names/", self.admin_site.admin_view(self.tag_names_view), name="articles_article_tag_names"),
            *super().get_urls(),
        ]

    def tag_names_view(self, request):
        """Topic names for the tags autocomplete: ``{"results": [{"id": name, "text": name}], ...}``."""
        if not (self.has_add_permission(request) or self.has_change_permission(request)):
            return JsonResponse({"error": "forbidden"}, status=403)
        term = " ".join(request.GET.get("term", "").split())[:100]
        try:
            page = max(1, int(request.GET.get("page", "1")))
        except ValueError:
            page = 1
        tags = Tag.objects.order_by("name")
        if term:
            tags = tags.filter(name__icontains=term)
        start = (page - 1) * TAG_SUGGESTIONS_PER_PAGE
        names = list(tags.values_list("name", flat=True)[start : start + TAG_SUGGESTIONS_PER_PAGE + 1])
        return JsonResponse(
            {
                "results": [{"id": name, "text": name} for name in names[:TAG_SUGGESTIONS_PER_PAGE]],
                "pagination": {"more": len(names) > TAG_SUGGESTIONS_PER_PAGE},
            }
        )


@admin.register(Section)
class SectionAdmin(SlugAdminMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "position", "article_count"]
    list_editable = ["position"]
    search_fields = ["name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_total=Count("articles"))

    @admin.display(ordering="article_total", description=_("article count"))
    def article_count(self, obj):
        return obj.article_total


@admin.register(Person)
class PersonAdmin(SlugAdminMixin, admin.ModelAdmin):
    list_display = ["name", "position", "organisation", "country", "user"]
    list_select_related = ["country", "user"]
    list_filter = [("user", admin.EmptyFieldListFilter)]
    search_fields = ["name", "position", "organisation"]
    autocomplete_fields = ["country", "user"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "position", "organisation", "country"]}),
        (_("Profile"), {"fields": ["photo", "bio"]}),
        (_("Author account"), {"fields": ["user"], "classes": ["collapse"]}),
    ]


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ["name_ru", "name_kk", "name_en", "code"]
    search_fields = ["name_ru", "name_kk", "name_en", "code"]

    def has_add_permission(self, request):
        return False  # every ISO country is loaded by a migration; nobody types countries

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Tag)
class TagAdmin(SlugAdminMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "article_count"]
    search_fields = ["name"]
    fields = ["name", "slug", "description"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_total=Count("tagged_articles"))

    @admin.display(ordering="article_total", description=_("article count"))
    def article_count(self, obj):
        return obj.article_total
