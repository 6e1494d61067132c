"""Talking in the admin: the comments panel on an article's page (``talk_panel``, through
``settings.ARTICLE_PANELS``, with who was notified of what about the article), the open comments
column of the articles' list (``OPEN_COMMENTS_COLUMN``, ``settings.ARTICLE_LIST_COLUMNS``), the
views a comment posts and resolves through, the inbox (the header's bell leads there), each
person's email settings, and the notification emails' states for editors. Every write goes
through planning.comments and planning.notifications."""

import datetime as dt

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from articles.desk import ListColumn, Panel
from articles.models import Article
from articles.services import articles_for, user_can_publish
from newsroom.admin import AdminNames, AdminNamesMixin
from newsroom.numbers import grouped
from planning import comments as talk
from planning.models import ArticleComment, Notification, NotificationRecipient, NotificationSettings
from planning.notifications import mark_read

TALK_MEDIA = forms.Media(js=["newsroom/desk-common.js", "newsroom/talk.js"], css={"all": ["newsroom/talk.css"]})
NOTIFIED_SHOWN = 30  # the article's newest notifications the panel lists
INBOX_PAGE = 30


# -- The article's list: open comments per article, one subquery ----------------------------------


def _open_comments():
    open_comments = (
        ArticleComment.objects.filter(article=OuterRef("pk"), resolved_at__isnull=True)
        .order_by()
        .values("article")
        .annotate(n=Count("*"))
        .values("n")
    )
    return Coalesce(Subquery(open_comments, output_field=IntegerField()), 0)


def _show_open_comments(count: int) -> str:
    return grouped(count) if count else "—"


OPEN_COMMENTS_COLUMN = ListColumn(
    name="open_comments", description=_("open comments"), expression=_open_comments, render=_show_open_comments
)


# -- The panel on the article's page ------------------------------------------------------------------


class CommentForm(forms.Form):
    """The comment box. No ``maxlength``: a browser would cut a pasted text silently; the
    service says how long it is instead, and the text stays in the box."""

    text = forms.CharField(
        label=_("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "class": "talk-box__text"}),
        help_text=_("Plain text. Write @ and a colleague's login to tell them."),
    )
    quote = forms.CharField(
        label=_("Passage"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "class": "talk-box__quote"}),
        help_text=_("Optional: the text the comment is about. Select it in the body and press «Quote the selection»."),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "talk")
        super().__init__(*args, **kwargs)


def comment_rows(user, article: Article) -> list[ArticleComment]:
    rows = list(
        ArticleComment.objects.filter(article=article)
        .select_related("author", "resolved_by", "article")
        .prefetch_related("mentions")
    )
    for comment in rows:
        comment_row(user, comment)
    return rows


def comment_row(user, comment: ArticleComment) -> ArticleComment:
    comment.html = talk.comment_html(comment)
    comment.can_resolve = comment.resolved_at is None and talk.user_can_resolve(user, comment)
    return comment


def talk_context(request, article: Article, *, form: CommentForm) -> dict:
    rows = comment_rows(request.user, article)
    notified = list(
        Notification.objects.filter(article=article)
        .select_related("actor")
        .prefetch_related(Prefetch("deliveries", NotificationRecipient.objects.select_related("user").order_by("pk")))
        .order_by("-created_at", "-pk")[:NOTIFIED_SHOWN]
    )
    return {
        "article": article,
        "open_comments": [comment for comment in rows if comment.resolved_at is None],
        "resolved_comments": [comment for comment in rows if comment.resolved_at is not None],
        "can_comment": talk.user_can_comment(request.user, article),
        "form": form,
        "notified": notified,
        "limit": talk.COMMENT_MAX_CHARS,
    }


def talk_panel(request, article: Article) -> Panel:
    """Comments on the article (open ones, newest last; resolved ones folded away), the box to
    write one, and who was notified of what about the article: on every article."""
    context = talk_context(request, article, form=CommentForm())
    return Panel(html=render_to_string("admin/planning/talk_panel.html", context, request=request), media=TALK_MEDIA)


def article_page(article_id: int, anchor: str = "talk") -> str:
    return f"{reverse('admin:articles_article_change', args=[article_id])}#{anchor}"


# -- Comments: the views their forms post to ----------------------------------------------------------


@admin.register(ArticleComment)
class ArticleCommentAdmin(AdminNamesMixin, admin.ModelAdmin):
    """Comments are written and resolved on their article's page (the views below); editors also
    get the newsroom's comments as a list, open ones first to find."""

    names = AdminNames(
        add=_("Add comment"),
        change=_("Change comment"),
        view=_("View comment"),
        select=_("Select comment to change"),
        select_view=_("Comments on drafts"),
        choose=_("Select comment"),
        added=_("The comment “{obj}” was added."),
        changed=_("The comment “{obj}” was changed."),
        deleted=_("The comment “{obj}” was deleted."),
    )
    list_display = ["text", "on_article", "author", "created_at", "resolved_at"]
    list_select_related = ["article", "author"]
    list_filter = [("resolved_at", admin.EmptyFieldListFilter)]
    search_fields = ["text"]
    list_per_page = 50
    fields = ["article", "author", "text", "quote", "mentions", "created_at", "resolved_by", "resolved_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).defer("article__body")

    def has_module_permission(self, request):
        return super().has_module_permission(request) and user_can_publish(request.user)

    def has_view_permission(self, request, obj=None):
        return user_can_publish(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(ordering="article__title", description=_("article"))
    def on_article(self, obj):
        return format_html('<a href="{}">{}</a>', article_page(obj.article_id, f"comment-{obj.pk}"), obj.article.title)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("post/<int:article_id>/", view(self.post_view), name="planning_articlecomment_post"),
            path("<int:comment_id>/resolve/", view(self.resolve_view), name="planning_articlecomment_resolve"),
            *super().get_urls(),
        ]

    def post_view(self, request, article_id):
        """The comment box: JSON for talk.js (``Accept: application/json``: the new comment, or
        the errors), otherwise back to the article's page, or the box again with the errors and
        everything typed."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = articles_for(request.user).filter(pk=article_id).first()
        if article is None:
            raise Http404
        wants_json = "application/json" in request.headers.get("Accept", "")
        form = CommentForm(request.POST)
        comment = None
        if form.is_valid():
            try:
                comment = talk.comment_post(
                    article=article, by=request.user, text=form.cleaned_data["text"], quote=form.cleaned_data["quote"]
                )
            except ValidationError as refusal:
                for field, errors in refusal.message_dict.items():
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
            except PermissionDenied as refusal:
                form.add_error(None, str(refusal))
        unknown = talk.resolve_mentions(comment.text, article)[1] if comment else []
        note = ""
        if unknown:
            note = ngettext(
                "Not notified: %(names)s (nobody by that login may open this article).",
                "Not notified: %(names)s (nobody by these logins may open this article).",
                len(unknown),
            ) % {"names": ", ".join(f"@{name}" for name in unknown)}
        if wants_json:
            if comment is None:
                errors = {name: list(found) for name, found in form.errors.items()}
                return JsonResponse({"errors": errors}, status=400)
            comment = ArticleComment.objects.select_related("author", "article").get(pk=comment.pk)
            html = render_to_string(
                "admin/planning/comment.html", {"comment": comment_row(request.user, comment)}, request=request
            )
            return JsonResponse({"id": comment.pk, "html": html, "note": note}, status=201)
        if comment is not None:
            self.message_user(request, gettext("The comment is posted."), messages.SUCCESS)
            if note:
                self.message_user(request, note, messages.WARNING)
            return redirect(article_page(article.pk, f"comment-{comment.pk}"))
        context = {
            **self.admin_site.each_context(request),
            **talk_context(request, article, form=form),
            "title": _("Comment on: %(title)s") % {"title": article.title},
            "opts": self.model._meta,
            "media": TALK_MEDIA,
        }
        return TemplateResponse(request, "admin/planning/comment_post.html", context, status=400)

    def resolve_view(self, request, comment_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        comment = ArticleComment.objects.select_related("article").filter(pk=comment_id).first()
        if comment is None or not articles_for(request.user).filter(pk=comment.article_id).exists():
            raise Http404
        try:
            talk.comment_resolve(comment=comment, by=request.user)
        except PermissionDenied as refusal:
            self.message_user(request, str(refusal), messages.ERROR)
        else:
            self.message_user(request, gettext("The comment is resolved."), messages.SUCCESS)
        return redirect(article_page(comment.article_id))


# -- The inbox -------------------------------------------------------------------------------------------


def parse_cursor(value: str) -> tuple[dt.datetime, int] | None:
    """``<created_at in µs since the epoch>-<id>`` of the last row shown; None if malformed."""
    micros, _sep, pk = value.partition("-")
    if not (micros.isdigit() and pk.isdigit()) or len(micros) > 20:
        return None
    try:
        moment = dt.datetime.fromtimestamp(int(micros) / 1_000_000, tz=dt.UTC)
    except (OverflowError, OSError, ValueError):
        return None
    return moment.replace(microsecond=int(micros) % 1_000_000), int(pk)


def cursor_of(row: NotificationRecipient) -> str:
    micros = int(row.created_at.timestamp()) * 1_000_000 + row.created_at.microsecond
    return f"{micros}-{row.pk}"


def inbox_page(user, before: tuple[dt.datetime, int] | None = None, size: int = INBOX_PAGE):
    """One page of ``user``'s inbox, newest first, by keyset on (created_at, id): one index range
    (``planning_inbox``) read ``size`` + 1 rows deep, at any depth and any inbox's size. The
    rows, and the cursor of the next page or None."""
    rows = NotificationRecipient.objects.filter(user=user)
    if before is not None:
        moment, pk = before
        rows = rows.filter(Q(created_at__lt=moment) | Q(created_at=moment, pk__lt=pk))
    rows = list(
        rows.select_related("notification__actor", "notification__article")
        .defer("notification__article__body", "notification__article__lead")
        .order_by("-created_at", "-pk")[: size + 1]
    )
    more = len(rows) > size
    rows = rows[:size]
    return rows, (cursor_of(rows[-1]) if more and rows else None)


class NotificationSettingsForm(forms.ModelForm):
    class Meta:
        model = NotificationSettings
        fields = ["email", "language"]
        widgets = {"email": forms.RadioSelect, "language": forms.RadioSelect}


@admin.register(Notification)
class NotificationAdmin(AdminNamesMixin, admin.ModelAdmin):
    """The inbox: the list of notifications is each person's own (``inbox_view``), every staff
    member has one; nobody adds, changes or deletes a notification by hand."""

    names = AdminNames(
        add=_("Add notification"),
        change=_("Change notification"),
        view=_("View notification"),
        select=_("Your notifications"),
        select_view=_("Your notifications"),
        choose=_("Select notification"),
        added=_("The notification “{obj}” was added."),
        changed=_("The notification “{obj}” was changed."),
        deleted=_("The notification “{obj}” was deleted."),
    )

    # Listed in the admin's index with the planning permissions (the roles' migration); the
    # inbox itself is every staff member's, through the bell.

    def has_view_permission(self, request, obj=None):
        """Everyone's own inbox; one notification's page: its people, and editors."""
        user = request.user
        if not (user.is_active and user.is_staff):
            return False
        if obj is None or user_can_publish(user):
            return True
        return NotificationRecipient.objects.filter(notification=obj, user=user).exists()

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:recipient_id>/open/", view(self.open_view), name="planning_notification_open"),
            path("read/", view(self.read_all_view), name="planning_notification_read_all"),
            path("settings/", view(self.settings_view), name="planning_notification_settings"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        return self.inbox_view(request)

    def inbox_view(self, request):
        """The person's own notifications, newest first (in place of the changelist)."""
        before = None
        if "before" in request.GET:
            before = parse_cursor(request.GET["before"])
            if before is None:
                raise Http404
        rows, cursor = inbox_page(request.user, before)
        context = {
            **self.admin_site.each_context(request),
            "title": self.names.select,
            "opts": self.model._meta,
            "rows": rows,
            "next_cursor": cursor,
            "first_page": before is None,
        }
        return TemplateResponse(request, "admin/planning/inbox.html", context)

    def open_view(self, request, recipient_id):
        """A notification clicked: marked read, then its article (or the inbox)."""
        row = NotificationRecipient.objects.filter(pk=recipient_id, user=request.user).select_related("notification")
        row = row.first()
        if row is None:
            raise Http404
        mark_read(user=request.user, ids=[row.pk])
        url = row.notification.url
        if not url or not url_has_allowed_host_and_scheme(url, allowed_hosts=None):
            url = reverse("admin:planning_notification_changelist")
        return redirect(url)

    def read_all_view(self, request):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        count = mark_read(user=request.user)
        self.message_user(
            request,
            ngettext("%(count)s notification marked read.", "%(count)s notifications marked read.", count)
            % {"count": grouped(count)},
            messages.SUCCESS,
        )
        return redirect("admin:planning_notification_changelist")

    def settings_view(self, request):
        """The person's own email settings: none (the default), each at once, or hourly."""
        current = NotificationSettings.objects.filter(user=request.user).first()
        if current is None:
            current = NotificationSettings(user=request.user, language=request.LANGUAGE_CODE)
        form = NotificationSettingsForm(request.POST or None, instance=current)
        if request.method == "POST" and form.is_valid():
            form.save()
            self.message_user(request, gettext("Your notification settings are saved."), messages.SUCCESS)
            return redirect("admin:planning_notification_settings")
        context = {
            **self.admin_site.each_context(request),
            "title": _("Notifications by email"),
            "opts": self.model._meta,
            "form": form,
            "mail_on": bool(settings.EMAIL_ENABLED),
            "address": request.user.email,
        }
        return TemplateResponse(request, "admin/planning/settings.html", context)


# -- The emails' states, for editors ------------------------------------------------------------------


@admin.register(NotificationRecipient)
class NotificationEmailAdmin(AdminNamesMixin, admin.ModelAdmin):
    """Every notification email and its state: an «unknown» one (the server may or may not have
    taken it) is never sent again by itself; an editor who has checked may send it again."""

    names = AdminNames(
        add=_("Add notification email"),
        change=_("Change notification email"),
        view=_("View notification email"),
        select=_("Notification emails"),
        select_view=_("Notification emails"),
        choose=_("Select notification email"),
        added=_("The notification email “{obj}” was added."),
        changed=_("The notification email “{obj}” was changed."),
        deleted=_("The notification email “{obj}” was deleted."),
    )

    list_display = ["time", "person", "what", "email", "email_attempts", "email_sent_at", "email_error"]
    list_select_related = ["user", "notification__actor", "notification__article"]
    list_filter = ["email"]
    list_per_page = 50
    actions = ["send_again"]
    fields = [
        "notification",
        "user",
        "created_at",
        "read_at",
        "email",
        "email_attempts",
        "email_next_attempt_at",
        "email_sent_at",
        "email_error",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).exclude(email="").defer("notification__article__body")

    def has_module_permission(self, request):
        return super().has_module_permission(request) and user_can_publish(request.user)

    def has_view_permission(self, request, obj=None):
        return user_can_publish(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # the action below asks nothing more than seeing the list

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(ordering="created_at", description=_("time"))
    def time(self, obj):
        return timezone.localtime(obj.created_at).strftime("%d.%m.%Y %H:%M")

    @admin.display(description=_("person"))
    def person(self, obj):
        return obj.user.get_full_name() or obj.user.get_username()

    @admin.display(description=_("what happened"))
    def what(self, obj):
        return str(obj.notification)

    @admin.action(description=_("Send the email again"))
    def send_again(self, request, queryset):
        count = queryset.filter(email__in=["unknown", "failed"]).update(
            email=NotificationRecipient.Email.PENDING, email_next_attempt_at=timezone.now(), email_error=""
        )
        self.message_user(
            request,
            ngettext("%(count)s email will be sent again.", "%(count)s emails will be sent again.", count)
            % {"count": count},
            messages.SUCCESS,
        )
