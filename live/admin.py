"""Live coverage in the admin: the desk on a live blog's article page (``live_panel``, through
``settings.ARTICLE_PANELS``), the views its forms post to (an entry, with or without JavaScript;
key event and pin; starting, ending and reopening the coverage), and the entries' own pages.
Every write goes through live.services, which decides who may do what."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from articles.admin import body_extensions, local_time
from articles.desk import Panel
from articles.diff import readable_text, word_diff
from articles.models import Article, Person
from articles.services import articles_for
from live.forms import CoverageStartForm, EntryAdminForm, EntryBoxForm, add_refusal, newsroom_time_help
from live.models import Entry
from live.services import (
    CURATED_FIELDS,
    coverage_end,
    coverage_start,
    entry_delete,
    entry_edit,
    entry_post,
    entry_set_flags,
    user_can_change_entry,
    user_can_curate,
    user_can_delete_entry,
    user_can_post,
)
from newsroom.admin import AdminNames, AdminNamesMixin
from newsroom.widgets import RichTextWidget

DESK_ENTRIES = 50  # the panel lists the newest; the entries' list has them all
DESK_MEDIA = forms.Media(
    js=["newsroom/desk-common.js", "newsroom/live-desk.js"], css={"all": ["newsroom/live-desk.css"]}
)


# -- The panel on the article's page -------------------------------------------------------------


def live_panel(request, article: Article) -> Panel | None:
    """The live coverage box of ``article``'s admin page: for a live blog the state, the entry
    box and the newest entries; for another article, editors' «Start live coverage»."""
    if article.live_state == Article.LiveState.NONE and not user_can_curate(request.user):
        return None
    context = desk_context(request, article, form=EntryBoxForm(curating=user_can_curate(request.user)))
    html = render_to_string("admin/live/panel.html", context, request=request)
    return Panel(html=html, media=context["form"].media + DESK_MEDIA)


def desk_context(request, article: Article, *, form: EntryBoxForm) -> dict:
    user, now = request.user, timezone.now()
    state = article.live_state
    context = {
        "article": article,
        "state": state,
        "states": Article.LiveState,
        "state_label": Article.LiveState(state).label,
        "curating": user_can_curate(user),
        "form": form,
        "start_form": CoverageStartForm(),
        "now": now,
    }
    if state == Article.LiveState.NONE:
        return context
    rows = (
        Entry.objects.filter(article=article)
        .select_related("created_by")
        .prefetch_related("authors")
        .newest_first()[: DESK_ENTRIES + 1]
    )
    entries = [entry_row(user, entry, now) for entry in rows]
    context.update(
        {
            "entries": entries[:DESK_ENTRIES],
            "more": len(entries) > DESK_ENTRIES,
            "can_post": state == Article.LiveState.LIVE and user_can_post(user, article),
            "all_url": f"{reverse('admin:live_entry_changelist')}?article__id__exact={article.pk}",
        }
    )
    return context


def entry_row(user, entry: Entry, now) -> Entry:
    """``entry`` with what its row in the panel shows and offers to ``user``."""
    entry.scheduled = entry.published_at > now
    entry.can_change = user_can_change_entry(user, entry)
    entry.can_delete = user_can_delete_entry(user, entry)
    entry.can_curate = user_can_curate(user)
    return entry


def article_page(article_id: int, anchor: str = "live") -> str:
    return f"{reverse('admin:articles_article_change', args=[article_id])}#{anchor}"


# -- The entries' admin ---------------------------------------------------------------------------


@admin.register(Entry)
class EntryAdmin(AdminNamesMixin, admin.ModelAdmin):
    names = AdminNames(
        add=_("Post a live entry"),
        change=_("Change live entry"),
        view=_("View live entry"),
        select=_("Select live entry to change"),
        select_view=_("Select live entry to view"),
        choose=_("Select live entry"),
        added=_("The live entry “{obj}” was posted."),
        changed=_("The live entry “{obj}” was changed."),
        deleted=_("The live entry “{obj}” was deleted."),
    )
    form = EntryAdminForm
    list_display = ["title", "blog", "published", "author_names", "marks"]
    list_select_related = ["article", "created_by"]
    list_filter = ["key_event", "pinned"]
    search_fields = ["headline"]
    autocomplete_fields = ["article", "authors"]
    date_hierarchy = "published_at"
    list_per_page = 50
    fields = ["article", "headline", "body", "authors", "published_at", "key_event", "pinned", "telegram"]

    # -- Permissions: the rules live in live.services; the admin only asks. --

    def get_queryset(self, request):
        entries = super().get_queryset(request).prefetch_related("authors")
        if user_can_curate(request.user):  # editors open every article
            return entries
        return entries.filter(article__in=articles_for(request.user))

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return super().has_change_permission(request)
        return user_can_change_entry(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is None:
            return super().has_delete_permission(request) and user_can_curate(request.user)
        return user_can_delete_entry(request.user, obj)

    def get_readonly_fields(self, request, obj=None):
        readonly = ["article"] if obj is not None else []
        if not user_can_curate(request.user):
            readonly += CURATED_FIELDS
        return readonly

    # -- The form: the article's editor; the services' refusals as form errors --

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "body":
            kwargs["widget"] = RichTextWidget(body_extensions())
        if db_field.name == "published_at":
            kwargs["help_text"] = newsroom_time_help(_("empty on a new entry: now; a later time schedules it"))
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        person = Person.objects.filter(user=request.user).first()
        if person is not None and "authors" not in initial:
            initial["authors"] = [person.pk]
        return initial

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        return type(form.__name__, (form,), {"refusal": getattr(request, "_live_refusal", None)})

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as refusal:
            # The services refused what the form let through (the coverage ended meanwhile, a
            # time before its start); the save was rolled back. The same form again, its
            # text kept, with their message on it.
            request._live_refusal = refusal
            return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        if change:
            entry_edit(entry=obj, by=request.user, changed=set(form.changed_data) - {"authors"})
            return
        entry = entry_post(
            article=obj.article,
            by=request.user,
            body=obj.body,
            headline=obj.headline,
            published_at=obj.published_at,
            key_event=obj.key_event,
            pinned=obj.pinned,
            telegram=obj.telegram,
            authors=list(form.cleaned_data.get("authors") or []) or None,
        )
        obj.pk, obj.created_by, obj.body, obj.published_at = entry.pk, entry.created_by, entry.body, entry.published_at

    def save_related(self, request, form, formsets, change):
        if change:  # a new entry's authors were set by entry_post (the poster's person by default)
            super().save_related(request, form, formsets, change)

    def delete_model(self, request, obj):
        request._live_article_id = obj.article_id
        entry_delete(entry=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for entry in queryset:
            entry_delete(entry=entry, by=request.user)

    # The services write the admin log themselves.
    def log_addition(self, request, obj, message):
        return None

    def log_change(self, request, obj, message):
        return None

    def log_deletion(self, request, obj, object_repr):
        return None

    def log_deletions(self, request, queryset):
        return None

    # -- Back to the blog's page after a save or a deletion --

    def response_post_save_add(self, request, obj):
        return redirect(article_page(obj.article_id, obj.anchor))

    def response_post_save_change(self, request, obj):
        return redirect(article_page(obj.article_id, obj.anchor))

    def response_delete(self, request, obj_display, obj_id):
        response = super().response_delete(request, obj_display, obj_id)
        article_id = getattr(request, "_live_article_id", None)
        if article_id is not None and "_popup" not in request.POST:
            return redirect(article_page(article_id))
        return response

    # -- Changelist columns --

    @admin.display(ordering="headline", description=_("entry"))
    def title(self, obj):
        return obj.headline or obj.summary(100)

    @admin.display(ordering="article__title", description=_("live blog"))
    def blog(self, obj):
        return format_html('<a href="{}">{}</a>', article_page(obj.article_id), obj.article.title)

    @admin.display(ordering="published_at", description=_("published at"))
    def published(self, obj):
        if obj.published_at > timezone.now():
            return gettext("scheduled for %(time)s") % {"time": local_time(obj.published_at)}
        return local_time(obj.published_at)

    @admin.display(description=_("authors"))
    def author_names(self, obj):
        return ", ".join(author.name for author in obj.authors.all()) or "—"

    @admin.display(description=_("marks"))
    def marks(self, obj):
        return render_to_string("admin/live/marks.html", {"entry": obj})

    # -- The revisions --

    def history_view(self, request, object_id, extra_context=None):
        """An entry's revisions (django-simple-history): who saved, when, and what the headline
        and the text became, as word differences."""
        entry = self.get_queryset(request).filter(pk=object_id).select_related("article").first()
        if entry is None or not self.has_view_or_change_permission(request, entry):
            raise Http404
        revisions = list(entry.history.select_related("history_user")[:100])
        for newer, older in zip(revisions, revisions[1:] + [None], strict=True):
            newer.headline_diff = word_diff(older.headline if older else "", newer.headline)
            newer.body_diff = word_diff(readable_text(older.body) if older else "", readable_text(newer.body))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Revisions: %(title)s") % {"title": entry},
            "opts": self.model._meta,
            "entry": entry,
            "original": entry,
            "revisions": revisions,
        }
        return TemplateResponse(request, "admin/live/entry/revisions.html", context)

    # -- The desk's views --

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("post/<int:article_id>/", view(self.post_view), name="live_entry_post"),
            path("<int:entry_id>/flags/", view(self.flags_view), name="live_entry_flags"),
            path("coverage/<int:article_id>/", view(self.coverage_view), name="live_entry_coverage"),
            *super().get_urls(),
        ]

    def _article_or_404(self, request, article_id) -> Article:
        article = articles_for(request.user).filter(pk=article_id).first()
        if article is None:
            raise Http404
        return article

    def post_view(self, request, article_id):
        """The entry box: JSON for the desk's script (``Accept: application/json``: the new row,
        or the errors), otherwise back to the article's page, or the box again with the errors
        and everything typed."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self._article_or_404(request, article_id)
        wants_json = "application/json" in request.headers.get("Accept", "")
        curating = user_can_curate(request.user)
        form = EntryBoxForm(request.POST, curating=curating)
        entry = None
        if form.is_valid():
            data = form.cleaned_data
            try:
                entry = entry_post(
                    article=article,
                    by=request.user,
                    body=data["body"],
                    headline=data["headline"],
                    **{name: data[name] for name in EntryBoxForm.CURATED if data.get(name)},
                )
            except ValidationError as refusal:
                add_refusal(form, refusal)
            except PermissionDenied as refusal:
                if not wants_json:
                    raise
                return JsonResponse({"errors": {"__all__": [str(refusal)]}}, status=403)
        if wants_json:
            if entry is None:
                errors = {name: list(found) for name, found in form.errors.items()}
                return JsonResponse({"errors": errors}, status=400)
            entry = Entry.objects.prefetch_related("authors").select_related("created_by").get(pk=entry.pk)
            row = render_to_string(
                "admin/live/entry_row.html",
                {"entry": entry_row(request.user, entry, timezone.now()), "article": article},
                request=request,
            )
            return JsonResponse({"id": entry.pk, "html": row}, status=201)
        if entry is not None:
            self.message_user(request, gettext("The entry is posted."), messages.SUCCESS)
            return redirect(article_page(article.pk))
        context = {
            **self.admin_site.each_context(request),
            **desk_context(request, article, form=form),
            "title": _("Post to the live blog: %(title)s") % {"title": article.title},
            "opts": self.model._meta,
            "media": form.media + DESK_MEDIA,
        }
        return TemplateResponse(request, "admin/live/post.html", context)

    def flags_view(self, request, entry_id):
        """An editor's key event and pin buttons: ``key_event`` or ``pinned``, "1" or "0"."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        entry = self.get_queryset(request).filter(pk=entry_id).first()
        if entry is None:
            raise Http404
        flags = {name: request.POST[name] == "1" for name in ("key_event", "pinned") if name in request.POST}
        if flags:
            try:
                entry_set_flags(entry=entry, by=request.user, **flags)
            except ValidationError as refusal:
                self.message_user(request, " ".join(refusal.messages), messages.ERROR)
        return redirect(article_page(entry.article_id, entry.anchor))

    def coverage_view(self, request, article_id):
        """Start (now or at a newsroom time), end or reopen the coverage: editors."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self._article_or_404(request, article_id)
        action = request.POST.get("action")
        try:
            if action == "start":
                form = CoverageStartForm(request.POST)
                if not form.is_valid():
                    raise ValidationError(form.errors["at"])
                coverage_start(article=article, by=request.user, at=form.cleaned_data["at"])
                done = gettext("Live coverage started.")
            elif action == "reopen":  # from the same start: entries already posted stay after it
                coverage_start(article=article, by=request.user, at=article.coverage_start_at)
                done = gettext("Live coverage reopened.")
            elif action == "end":
                coverage_end(article=article, by=request.user)
                done = gettext("Live coverage ended.")
            else:
                raise Http404
        except ValidationError as refusal:
            self.message_user(request, " ".join(refusal.messages), messages.ERROR)
        else:
            self.message_user(request, done, messages.SUCCESS)
        return redirect(article_page(article.pk))
