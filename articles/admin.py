import datetime as dt

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.views.main import ORDER_VAR, SEARCH_VAR
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Max, Min, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponseNotAllowed, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse, reverse_lazy
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.dates import MONTHS
from django.utils.html import format_html
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag as UnusedTaggitTag

from articles import search
from articles.desk import article_list_columns, article_notices, article_panels
from articles.diff import revision_diffs
from articles.forms import ArticleAdminForm, PreviewLinkForm, TagNamesField
from articles.models import Article, Correction, Country, Person, PreviewLink, Section, Tag, TaggedArticle
from articles.services import (
    article_check_edit,
    article_note_significant_update,
    article_publish,
    article_restore_revision,
    article_return_to_draft,
    article_withdraw,
    articles_for,
    preview_link_create,
    preview_link_revoke,
    user_can_edit,
    user_can_publish,
    user_can_share,
)
from newsroom import admin as newsroom_admin
from newsroom.admin import (
    AdminNames,
    AdminNamesMixin,
    CappedPaginator,
    ForgetsCachedReadsMixin,
    IndexedSearchMixin,
    LargeListMixin,
    MediaStorageErrorsMixin,
    TranslatedAdminMixin,
    starting_first,
    words_condition,
)
from newsroom.html import BODY_EXTENSIONS, RICH_TEXT_EXTENSIONS
from newsroom.numbers import grouped
from newsroom.widgets import RichTextWidget, SlugAdminMixin
from photos.widgets import PhotoSelect

TAG_SUGGESTIONS_PER_PAGE = 20
# The form's times, typed in newsroom time: their help says which zone.
NEWSROOM_TIME_FIELDS = {"publish_at", "expire_at", "embargo_until", "partners_from", "pinned_until", "breaking_until"}

# Topics live in articles.Tag; taggit's own default tag model stays empty, so hide it.
admin.site.unregister(UnusedTaggitTag)


def newsroom_zone() -> str:
    """'Asia/Almaty, UTC+05:00': the zone the admin shows and takes times in, with today's offset."""
    offset = timezone.localtime().strftime("%z")
    return f"{timezone.get_current_timezone_name()}, UTC{offset[:3]}:{offset[3:]}"


def body_extensions() -> dict:
    """The article editor's configuration, with the addresses its photo picker talks to."""
    urls = {"choicesUrl": reverse("admin:photos_photo_choices"), "uploadUrl": reverse("admin:photos_photo_upload")}
    return {**BODY_EXTENSIONS, "LibraryPhoto": urls}


class RichTextAdminMixin:
    """Short rich texts (a bio, a description) get the small editor."""

    rich_text_fields = ()

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in self.rich_text_fields:
            kwargs["widget"] = RichTextWidget(RICH_TEXT_EXTENSIONS)
        return super().formfield_for_dbfield(db_field, request, **kwargs)


STATE_LABELS = {
    "draft": _("Draft"),
    "review": _("In review"),
    "scheduled": _("Scheduled"),
    "published": _("Published"),
    "expired": _("Expired"),
    "withdrawn": _("Withdrawn"),
}


class StateFilter(admin.SimpleListFilter):
    """Filter by what readers see now (scheduled and expired are computed, not stored)."""

    title = _("status")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return list(STATE_LABELS.items())

    def queryset(self, request, queryset):
        value, now = self.value(), timezone.now()
        if value in {Article.Status.DRAFT, Article.Status.REVIEW, Article.Status.WITHDRAWN}:
            return queryset.filter(status=value)
        if value == "scheduled":
            return queryset.filter(status=Article.Status.PUBLISHED, publish_at__gt=now)
        if value == "expired":
            return queryset.filter(status=Article.Status.PUBLISHED, expire_at__lte=now)
        if value == "published":
            return queryset.published()
        return queryset


class PublicationDateFilter(admin.SimpleListFilter):
    """Published in: today, the last 7 or 30 days, a year, a month of the chosen year (newsroom
    time). Django's ``date_hierarchy`` lists the years and months that have articles with a
    ``SELECT DISTINCT`` over every matching row: seconds at a million articles. These choices
    cost one index probe for the oldest and newest years; each is a range on the
    ``publish_at`` index."""

    title = _("publication date")
    parameter_name = "published"

    def lookups(self, request, model_admin):
        choices = [("today", _("Today")), ("7d", _("Past 7 days")), ("30d", _("Past 30 days"))]
        years = Article.objects.aggregate(first=Min("publish_at"), last=Max("publish_at"))
        if years["first"] is None:
            return choices
        first, last = timezone.localtime(years["first"]).year, timezone.localtime(years["last"]).year
        chosen = self._year()
        for year in range(last, first - 1, -1):
            choices.append((str(year), str(year)))
            if year == chosen:
                choices += [(f"{year}-{month:02}", f"{MONTHS[month]} {year}") for month in range(12, 0, -1)]
        return choices

    def _year(self) -> int | None:
        value = self.value() or ""
        return int(value[:4]) if value[:4].isdigit() else None

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        today = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time.min))
        days = {"today": 0, "7d": 6, "30d": 29}
        if value in days:
            return queryset.filter(publish_at__gte=today - dt.timedelta(days=days[value]))
        try:
            year, _dash, month = value.partition("-")
            start = dt.datetime(int(year), int(month or 1), 1, tzinfo=timezone.get_current_timezone())
            end = start.replace(year=start.year + 1) if not month else (start + dt.timedelta(days=32)).replace(day=1)
        except ValueError:
            return queryset.none()  # a hand-typed value that is no date: nothing, never an error page
        return queryset.filter(publish_at__gte=start, publish_at__lt=end)


class CreatedByFilter(admin.SimpleListFilter):
    """Written by: the person looking, or one of the newsroom's accounts."""

    title = _("written by")
    parameter_name = "by"

    def lookups(self, request, model_admin):
        others = (
            get_user_model()
            .objects.filter(is_staff=True, is_active=True)
            .exclude(pk=request.user.pk)
            .order_by("first_name", "username")
        )
        return [("me", _("Me")), *((str(user.pk), user.get_full_name() or user.get_username()) for user in others)]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "me":
            return queryset.filter(created_by=request.user)
        if value and value.isdigit():
            return queryset.filter(created_by_id=int(value))
        return queryset


def list_column(column):
    """A ``ListColumn`` of another app as a column of the articles' list."""

    @admin.display(description=column.description)
    def show(obj):
        return column.render(getattr(obj, column.name))

    show.__name__ = column.name
    return show


def local_time(value) -> str:
    return timezone.localtime(value).strftime("%d.%m.%Y %H:%M") if value else "—"


class CorrectionInline(admin.TabularInline):
    """Corrections and updates: editors attach them to published articles."""

    model = Correction
    extra = 0
    fields = ["kind", "text", "created_at"]
    verbose_name = _("correction or update note")

    def _editor_on_published(self, request, obj) -> bool:
        return obj is not None and obj.status == Article.Status.PUBLISHED and user_can_publish(request.user)

    def has_add_permission(self, request, obj=None):
        return self._editor_on_published(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editor_on_published(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editor_on_published(request, obj)

    def has_view_permission(self, request, obj=None):
        # Notes exist on published articles only; drafts and the add page show no inline.
        return (
            obj is not None
            and obj.status == Article.Status.PUBLISHED
            and request.user.has_perm("articles.view_article")
        )


@admin.register(Article)
class ArticleAdmin(AdminNamesMixin, ForgetsCachedReadsMixin, SlugAdminMixin, LargeListMixin, admin.ModelAdmin):
    names = AdminNames(
        add=_("Add article"),
        change=_("Change article"),
        view=_("View article"),
        select=_("Select article to change"),
        select_view=_("Select article to view"),
        choose=_("Select article"),
        added=_("The article “{obj}” was added."),
        changed=_("The article “{obj}” was changed."),
        deleted=_("The article “{obj}” was deleted."),
    )
    form = ArticleAdminForm
    list_display = ["title", "state_badge", "publish_time", "section", "author_names", "views"]
    list_select_related = ["section"]
    list_filter = [StateFilter, PublicationDateFilter, CreatedByFilter, "importance", "section", "language"]
    search_fields = ["title", "lead"]  # SQLite; PostgreSQL searches its indexes (get_search_results)
    search_help_text = _("Words of the headline or the lead, an article's number, or its address on the site.")
    # Newest first, on the (created_at, id) index; the publication time sorts on its own index.
    # Other columns would sort the whole archive: filters narrow the list instead.
    ordering = ["-created_at"]
    sortable_by = ["publish_time"]
    autocomplete_fields = ["section", "people", "countries", "source", "authors"]
    readonly_fields = ["views", "created_at", "updated_at", "significant_update_at", "created_by"]
    list_per_page = 50
    actions = ["publish_now", "withdraw", "return_to_draft"]
    inlines = [CorrectionInline]

    class Media:
        js = ["newsroom/desk-common.js", "newsroom/article-desk.js"]

    # -- Permissions: the rules live in articles.services; the admin only asks. --

    def has_publish_permission(self, request):
        return user_can_publish(request.user)

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return super().has_change_permission(request)
        return user_can_edit(request.user, obj)

    def get_queryset(self, request):
        articles = articles_for(request.user).prefetch_related("authors").select_related("section").with_view_counts()
        # Other apps' columns (settings.ARTICLE_LIST_COLUMNS: open comments), one subquery each.
        return articles.annotate(**{column.name: column.expression() for column in article_list_columns()})

    def get_list_display(self, request):
        return [*super().get_list_display(request), *(list_column(column) for column in article_list_columns())]

    # -- The list at a million articles: an indexed search, a capped count (LargeListMixin) --

    def get_ordering(self, request):
        """Newest first; within a publication date, by publication time: the range and the order
        are then one index (``articles_article_publish``). Ordered by creation, PostgreSQL walked
        the creation index from today back to the chosen month (0.7 s for March three years ago)."""
        if request.GET.get(PublicationDateFilter.parameter_name):
            return ["-publish_at"]
        return super().get_ordering(request)

    def get_search_results(self, request, queryset, search_term):
        """``articles.search.staff_search`` within the user's articles and the list's filters:
        best first, then newest, unless a column was clicked."""
        found, ranked = search.staff_search(queryset, search_term)
        if ranked and ORDER_VAR not in request.GET:
            found = found.order_by("-rank", *queryset.query.order_by)  # equals: in the list's order
        return found, False

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        """A search ranks its newest matches only (PostgreSQL): the list says "more than" past them."""
        if request.GET.get(SEARCH_VAR, "").strip() and search.full_text_available():
            cap = search.STAFF_SEARCH_CANDIDATES
            return CappedPaginator(queryset, per_page, orphans, allow_empty_first_page, cap=cap, ranked=True)
        return super().get_paginator(request, queryset, per_page, orphans, allow_empty_first_page)

    @admin.display(description=_("views"))
    def views(self, obj):
        return grouped(obj.view_count)

    # -- The form --

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:  # what other apps say about it: a wire item corrected since it was taken
            context["notices"] = article_notices(obj)
            # Other apps' boxes above the form (live coverage's desk), with their scripts.
            context["panels"] = article_panels(request, obj)
            for panel in context["panels"]:
                context["media"] = context["media"] + panel.media
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        return type(form.__name__, (form,), {"user": request.user})

    def get_fieldsets(self, request, obj=None):
        publication = ["status", "loaded_version"]
        if user_can_publish(request.user):
            publication[1:1] = ["publish_at", "expire_at", "embargo_until", "partners_from"]
            if obj is not None:
                publication.append("significant_update")
        elif obj is not None and obj.embargo_until is not None:
            publication.insert(1, "embargo_until")  # shown, not editable (get_readonly_fields)
        now = timezone.localtime()
        return [
            (_("Text"), {"fields": ["title", "slug", "lead", "body"]}),
            (
                _("Search engines and social networks"),
                {
                    "fields": ["seo_title", "seo_description"],
                    "classes": ["collapse"],
                    "description": _("Leave empty to use the headline and the lead."),
                },
            ),
            (
                _("Classification"),
                {"fields": ["language", "section", "tags", "people", "countries", "source", "source_url", "authors"]},
            ),
            (
                _("Publication"),
                {
                    "fields": publication,
                    "description": _(
                        "Times are newsroom time: %(zone)s. Now it is %(local)s there (%(utc)s UTC). "
                        "A time in the past publishes at once; a future time schedules the article."
                    )
                    % {
                        "zone": newsroom_zone(),
                        "local": now.strftime("%H:%M"),
                        "utc": timezone.now().strftime("%H:%M"),
                    },
                },
            ),
            *(
                [(_("Front page"), {"fields": ["importance", "pinned_until", "breaking_until"]})]
                if user_can_publish(request.user)
                else []
            ),
            (_("Lead photo"), {"fields": ["photo", "photo_caption"]}),
            (
                _("Record"),
                {
                    "fields": ["created_by", "views", "created_at", "updated_at", "significant_update_at"],
                    "classes": ["collapse"],
                },
            ),
        ]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not user_can_publish(request.user):
            readonly.append("embargo_until")  # a wire's embargo: only an editor may change it
        if (
            obj is not None
            and obj.publish_at is not None
            and obj.status in {Article.Status.PUBLISHED, Article.Status.WITHDRAWN}
        ):
            # Readers, search engines and links out there know this address: keep it.
            readonly.append("slug")
        return readonly

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "title":
            kwargs["widget"] = forms.TextInput(attrs={"class": "vTextField headline-input"})
        if db_field.name == "body":
            kwargs["widget"] = RichTextWidget(body_extensions())
        if db_field.name == "photo":
            kwargs["widget"] = PhotoSelect(reverse("admin:photos_photo_choices"))
        if db_field.name == "tags":
            return TagNamesField(
                url=reverse_lazy("admin:articles_article_tag_names"),
                required=False,
                label=db_field.verbose_name.capitalize(),
                help_text=_("Pick existing topics or type a new one and press Enter."),
            )
        if db_field.name in NEWSROOM_TIME_FIELDS:
            kwargs["help_text"] = format_lazy(
                "{} ({})", db_field.help_text, _("newsroom time, %(zone)s") % {"zone": newsroom_zone()}
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        person = Person.objects.filter(user=request.user).first()
        if person is not None and "authors" not in initial:
            initial["authors"] = [person.pk]
        return initial

    def save_model(self, request, obj, form, change):
        # The form already refused what this user may not do; the service check is the last line.
        article_check_edit(article=obj, by=request.user, changed=set(form.changed_data))
        if not change:
            obj.created_by = request.user
        if form.cleaned_data.get("significant_update"):
            obj.significant_update_at = timezone.now()
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Correction:
            return super().save_formset(request, form, formset, change)
        notes = formset.save(commit=False)
        for note in notes:
            note.created_by = note.created_by or request.user
        formset.save()  # saves the notes and deletes the ones marked for deletion
        if notes:
            article_note_significant_update(article=form.instance, at=max(note.created_at for note in notes))
        return None

    # -- Changelist columns --

    @admin.display(ordering="status", description=_("status"))
    def state_badge(self, obj):
        state = obj.state
        label = STATE_LABELS[state]
        if state == "scheduled":
            label = format_lazy("{} {}", label, local_time(obj.publish_at))
        badge = format_html('<span class="state-badge state-{}">{}</span>', state, label)
        if obj.live_state == Article.LiveState.LIVE:  # the row's own fields: no query
            badge = format_html('{} <span class="state-badge state-live">{}</span>', badge, _("Live"))
        return badge

    @admin.display(ordering="publish_at", description=_("publication time"))
    def publish_time(self, obj):
        return local_time(obj.publish_at)

    @admin.display(description=_("authors"))
    def author_names(self, obj):
        return ", ".join(author.name for author in obj.authors.all()) or "—"

    # -- Actions, each confirmed on an intermediate page and written to the admin log --

    @admin.action(permissions=["publish"], description=_("Publish now"))
    def publish_now(self, request, queryset):
        return self._confirmed_action(request, queryset, article_publish, _("Publish now"), _("Published: %(count)d."))

    @admin.action(permissions=["publish"], description=_("Withdraw"))
    def withdraw(self, request, queryset):
        return self._confirmed_action(request, queryset, article_withdraw, _("Withdraw"), _("Withdrawn: %(count)d."))

    @admin.action(permissions=["publish"], description=_("Return to draft"))
    def return_to_draft(self, request, queryset):
        return self._confirmed_action(
            request, queryset, article_return_to_draft, _("Return to draft"), _("Returned to draft: %(count)d.")
        )

    def _confirmed_action(self, request, queryset, service, title, done):
        if request.POST.get("confirmed") != "yes":
            context = {
                **self.admin_site.each_context(request),
                "title": title,
                "articles": queryset,
                "action": request.POST.get("action"),
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                "opts": self.model._meta,
            }
            return TemplateResponse(request, "admin/articles/article/confirm_action.html", context)
        count = 0
        for article in queryset:
            try:
                count += service(article=article, by=request.user)
            except (PermissionDenied, ValidationError) as error:
                self.message_user(
                    request, f"{article}: {' '.join(getattr(error, 'messages', [str(error)]))}", messages.ERROR
                )
        self.message_user(request, done % {"count": count}, messages.SUCCESS)
        return None

    # -- Extra pages: schedule, revisions, preview links, topic autocomplete --

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("tag-names/", view(self.tag_names_view), name="articles_article_tag_names"),
            # Not behind admin_view: it answers logged-out browsers too (with "no").
            path("session/", self.session_view, name="articles_article_session"),
            path("schedule/", view(self.schedule_view), name="articles_article_schedule"),
            path(
                "<int:object_id>/revisions/<int:history_id>/",
                view(self.revision_view),
                name="articles_article_revision",
            ),
            path(
                "<int:object_id>/revisions/<int:history_id>/restore/",
                view(self.revision_restore_view),
                name="articles_article_revision_restore",
            ),
            path("<int:object_id>/share/", view(self.share_view), name="articles_article_share"),
            *super().get_urls(),
        ]

    def _article_or_404(self, request, object_id) -> Article:
        article = self.get_queryset(request).filter(pk=object_id).first()
        if article is None:
            raise Http404
        return article

    def schedule_view(self, request):
        if not user_can_publish(request.user):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": _("Schedule"),
            "opts": self.model._meta,
            "articles": Article.objects.scheduled().select_related("section", "created_by")[:500],
            "zone": newsroom_zone(),
        }
        return TemplateResponse(request, "admin/articles/article/schedule.html", context)

    def history_view(self, request, object_id, extra_context=None):
        """Revisions: who saved, when, which fields changed; diff and restore for each."""
        article = self._article_or_404(request, object_id)
        revisions = list(article.history.select_related("history_user")[:200])
        for newer, older in zip(revisions, revisions[1:] + [None], strict=True):
            newer.changed_fields = (
                [change.field for change in newer.diff_against(older).changes] if older is not None else []
            )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Revisions: %(title)s") % {"title": article.title},
            "opts": self.model._meta,
            "article": article,
            "original": article,
            "revisions": revisions,
            "can_restore": user_can_edit(request.user, article),
            "field_names": {field.name: field.verbose_name for field in Article._meta.fields},
        }
        return TemplateResponse(request, "admin/articles/article/revisions.html", context)

    def revision_view(self, request, object_id, history_id):
        article = self._article_or_404(request, object_id)
        revision = article.history.filter(history_id=history_id).select_related("history_user").first()
        if revision is None:
            raise Http404
        previous = revision.prev_record
        context = {
            **self.admin_site.each_context(request),
            "title": _("Revision of %(time)s") % {"time": local_time(revision.history_date)},
            "opts": self.model._meta,
            "article": article,
            "original": article,
            "revision": revision,
            "previous": previous,
            "diffs": revision_diffs(previous, revision),
            "is_latest": not article.history.filter(history_date__gt=revision.history_date).exists(),
            "can_restore": user_can_edit(request.user, article),
        }
        return TemplateResponse(request, "admin/articles/article/revision.html", context)

    def revision_restore_view(self, request, object_id, history_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self._article_or_404(request, object_id)
        revision = article.history.filter(history_id=history_id).first()
        if revision is None:
            raise Http404
        article_restore_revision(article=article, revision=revision, by=request.user)
        self.message_user(
            request,
            _("The revision of %(time)s is restored as a new revision.") % {"time": local_time(revision.history_date)},
        )
        return redirect("admin:articles_article_change", article.pk)

    def share_view(self, request, object_id):
        article = self._article_or_404(request, object_id)
        if not user_can_share(request.user, article):
            raise PermissionDenied
        form = PreviewLinkForm(request.POST or None)
        if request.method == "POST":
            if "revoke" in request.POST:
                link = get_object_or_404(PreviewLink, pk=request.POST.get("revoke"), article=article)
                preview_link_revoke(link=link, by=request.user)
                self.message_user(request, _("The preview link is revoked: it now answers 404."))
                return redirect("admin:articles_article_share", article.pk)
            if form.is_valid():
                link = preview_link_create(article=article, by=request.user, hours=form.cleaned_data["hours"])
                self.message_user(
                    request,
                    _("Preview link created: %(url)s") % {"url": request.build_absolute_uri(link.get_absolute_url())},
                )
                return redirect("admin:articles_article_share", article.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Preview links: %(title)s") % {"title": article.title},
            "opts": self.model._meta,
            "article": article,
            "original": article,
            "form": form,
            "links": [
                (link, request.build_absolute_uri(link.get_absolute_url()))
                for link in article.preview_links.select_related("created_by")
            ],
        }
        return TemplateResponse(request, "admin/articles/article/share.html", context)

    def session_view(self, request):
        """Whether this browser is still logged in to the admin, and the CSRF token to send a
        form with: the article form asks before saving (static/newsroom/article-desk.js), so an
        expired login never throws away what was typed."""
        user = request.user
        response = JsonResponse(
            {
                "authenticated": bool(user.is_authenticated and user.is_active and user.is_staff),
                "csrf": get_token(request),
            }
        )
        add_never_cache_headers(response)
        return response

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
        if term:  # by any of its names; the value is always the Russian name, the topic's key
            tags = starting_first(tags.filter(words_condition(TagAdmin.search_fields, term)), "name", term, ["name"])
        start = (page - 1) * TAG_SUGGESTIONS_PER_PAGE
        if start + TAG_SUGGESTIONS_PER_PAGE > newsroom_admin.LIST_CAP:  # scrolled past the cap: type more
            start, rows = 0, []
        else:
            rows = list(tags.values_list("name", "name_kk", "name_en")[start : start + TAG_SUGGESTIONS_PER_PAGE + 1])
        return JsonResponse(
            {
                "results": [
                    {"id": name, "text": " · ".join(dict.fromkeys(n for n in (name, kk, en) if n))}
                    for name, kk, en in rows[:TAG_SUGGESTIONS_PER_PAGE]
                ],
                "pagination": {"more": len(rows) > TAG_SUGGESTIONS_PER_PAGE},
            }
        )


@admin.register(Section)
class SectionAdmin(
    AdminNamesMixin, ForgetsCachedReadsMixin, TranslatedAdminMixin, RichTextAdminMixin, SlugAdminMixin, admin.ModelAdmin
):
    names = AdminNames(
        add=_("Add section"),
        change=_("Change section"),
        view=_("View section"),
        select=_("Select section to change"),
        select_view=_("Select section to view"),
        choose=_("Select section"),
        added=_("The section “{obj}” was added."),
        changed=_("The section “{obj}” was changed."),
        deleted=_("The section “{obj}” was deleted."),
    )
    list_display = ["name", "slug", "position", "article_count", "translations"]
    rich_text_fields = ["description", "description_kk", "description_en"]
    list_editable = ["position"]
    search_fields = ["name", "name_kk", "name_en"]
    fields = [("name", "name_kk", "name_en"), "slug", "position", "description", "description_kk", "description_en"]

    def get_changelist_instance(self, request):
        """Each section's articles, counted for the list only (one query): the autocomplete of the
        article form's section field uses ``get_queryset`` too, and counting a million articles
        there took a second."""
        changelist = super().get_changelist_instance(request)
        sections = list(changelist.result_list)
        counted = Article.objects.filter(section__in=sections).order_by().values_list("section")
        counts = dict(counted.annotate(n=Count("*")))
        for section in sections:
            section.article_total = counts.get(section.pk, 0)
        return changelist

    @admin.display(description=_("article count"))
    def article_count(self, obj):
        return obj.article_total


@admin.register(Person)
class PersonAdmin(
    MediaStorageErrorsMixin,
    AdminNamesMixin,
    ForgetsCachedReadsMixin,
    TranslatedAdminMixin,
    RichTextAdminMixin,
    SlugAdminMixin,
    IndexedSearchMixin,
    LargeListMixin,
    admin.ModelAdmin,
):
    names = AdminNames(
        add=_("Add person"),
        change=_("Change person"),
        view=_("View person"),
        select=_("Select person to change"),
        select_view=_("Select person to view"),
        choose=_("Select person"),
        added=_("The person “{obj}” was added."),
        changed=_("The person “{obj}” was changed."),
        deleted=_("The person “{obj}” was deleted."),
    )
    list_display = ["name", "position", "organisation", "country", "user", "translations"]
    rich_text_fields = ["bio", "bio_kk", "bio_en"]
    list_select_related = ["country", "user"]
    list_filter = [("user", admin.EmptyFieldListFilter)]
    search_fields = ["name", "name_en", "position", "position_kk", "position_en", "organisation"]
    autocomplete_fields = ["country", "user"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("name", "name_en"),
                    "slug",
                    ("position", "position_kk", "position_en"),
                    ("organisation", "organisation_kk", "organisation_en"),
                    "country",
                ]
            },
        ),
        (_("Profile"), {"fields": ["photo", "bio", "bio_kk", "bio_en"]}),
        (_("Author account"), {"fields": ["user"], "classes": ["collapse"]}),
    ]


@admin.register(Country)
class CountryAdmin(AdminNamesMixin, ForgetsCachedReadsMixin, admin.ModelAdmin):
    names = AdminNames(
        add=_("Add country"),
        change=_("Change country"),
        view=_("View country"),
        select=_("Select country to change"),
        select_view=_("Select country to view"),
        choose=_("Select country"),
        added=_("The country “{obj}” was added."),
        changed=_("The country “{obj}” was changed."),
        deleted=_("The country “{obj}” was deleted."),
    )
    list_display = ["name_ru", "name_kk", "name_en", "code"]
    search_fields = ["name_ru", "name_kk", "name_en", "code"]

    def has_add_permission(self, request):
        return False  # every ISO country is loaded by a migration; nobody types countries

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Tag)
class TagAdmin(
    AdminNamesMixin,
    ForgetsCachedReadsMixin,
    TranslatedAdminMixin,
    RichTextAdminMixin,
    SlugAdminMixin,
    IndexedSearchMixin,
    LargeListMixin,
    admin.ModelAdmin,
):
    names = AdminNames(
        add=_("Add topic"),
        change=_("Change topic"),
        view=_("View topic"),
        select=_("Select topic to change"),
        select_view=_("Select topic to view"),
        choose=_("Select topic"),
        added=_("The topic “{obj}” was added."),
        changed=_("The topic “{obj}” was changed."),
        deleted=_("The topic “{obj}” was deleted."),
    )
    list_display = ["name", "name_kk", "name_en", "slug", "article_count", "translations"]
    rich_text_fields = ["description"]
    search_fields = ["name", "name_kk", "name_en"]
    fields = [("name", "name_kk", "name_en"), "slug", "description"]

    def get_queryset(self, request):
        # Counted for the rows of the page only (a subquery on the topic's index), not grouped
        # over every topic's links; so not sortable either: that would count them all.
        used = TaggedArticle.objects.filter(tag=OuterRef("pk")).order_by().values("tag").annotate(n=Count("*"))
        return super().get_queryset(request).annotate(article_total=Coalesce(Subquery(used.values("n")), 0))

    @admin.display(description=_("article count"))
    def article_count(self, obj):
        return obj.article_total
