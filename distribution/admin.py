"""The admin of what leaves the site: partner API keys (listed; allowed embargoed content by
editors, revoked by superusers; made by manage.py create_api_key, which prints a key once),
Telegram channels (the bot token is write-only), and each article's Telegram posts (a live blog's
key events' among them), also shown on the article's own page."""

import re

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.db.models import F
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from agencies.models import Agency
from articles.admin import ArticleAdmin
from distribution.models import ApiKey, Delivery, TelegramChannel, TelegramFollowUp, TelegramPost
from distribution.tasks import resume, send_again
from live.models import Entry
from newsroom.admin import AdminNames, AdminNamesMixin


@admin.register(ApiKey)
class ApiKeyAdmin(AdminNamesMixin, admin.ModelAdmin):
    names = AdminNames(
        add=_("Add API key"),
        change=_("Change API key"),
        view=_("View API key"),
        select=_("Select API key to change"),
        select_view=_("Select API key to view"),
        choose=_("Select API key"),
        added=_("The API key “{obj}” was added."),
        changed=_("The API key “{obj}” was changed."),
        deleted=_("The API key “{obj}” was deleted."),
    )
    list_display = ["name", "prefix", "embargoed_content", "created_at", "last_used_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter), "embargoed_content"]
    search_fields = ["name", "prefix"]
    fields = ["name", "prefix", "embargoed_content", "created_by", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["name", "prefix", "created_by", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False  # a key is printed once by manage.py create_api_key; see docs/distribution.md

    def has_revoke_permission(self, request):
        """Revoking cuts a partner off as deleting the key would: it takes the delete permission
        (superusers), not the change permission editors have to allow a key embargoed content."""
        return self.has_delete_permission(request)

    @admin.action(description=_("Revoke the selected keys"), permissions=["revoke"])
    def revoke(self, request, queryset):
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        self.message_user(
            request,
            ngettext("%(count)d key revoked.", "%(count)d keys revoked.", count) % {"count": count},
            messages.SUCCESS,
        )


# -- Telegram ---------------------------------------------------------------------------------


TOKEN_SHAPE = re.compile(r"^[0-9]{3,20}:[A-Za-z0-9_-]{20,100}$")


class TelegramChannelForm(forms.ModelForm):
    """The bot token is typed, never shown: the field is always empty, and left empty it keeps
    the saved token."""

    bot_token = forms.CharField(
        label=capfirst(_("bot token")),
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_("From @BotFather, e.g. 123456789:AA… Leave empty to keep the saved token; it is never shown."),
    )
    languages = forms.MultipleChoiceField(
        label=capfirst(_("languages")),
        choices=settings.LANGUAGES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Articles in these languages only; none: all."),
    )

    class Meta:
        model = TelegramChannel
        fields = ["name", "chat_id", "bot_token", "languages", "sections", "active"]
        widgets = {"sections": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.bot_token:
            self.fields["bot_token"].help_text = _(
                "Saved: %(token)s. Leave empty to keep it; type a new one from @BotFather to replace it."
            ) % {"token": self.instance.masked_token}

    def clean_bot_token(self):
        token = self.cleaned_data["bot_token"]
        if not token:
            if not self.instance.bot_token:
                raise forms.ValidationError(_("Enter the bot token."))
            return self.instance.bot_token
        if not TOKEN_SHAPE.match(token):
            # The message never repeats what was typed.
            raise forms.ValidationError(_("This is not a bot token: it looks like 123456789:AAE… (from @BotFather)."))
        return token


@admin.register(TelegramChannel)
class TelegramChannelAdmin(AdminNamesMixin, admin.ModelAdmin):
    names = AdminNames(
        add=_("Add Telegram channel"),
        change=_("Change Telegram channel"),
        view=_("View Telegram channel"),
        select=_("Select Telegram channel to change"),
        select_view=_("Select Telegram channel to view"),
        choose=_("Select Telegram channel"),
        added=_("The Telegram channel “{obj}” was added."),
        changed=_("The Telegram channel “{obj}” was changed."),
        deleted=_("The Telegram channel “{obj}” was deleted."),
    )
    form = TelegramChannelForm
    list_display = ["name", "chat_id", "token", "language_list", "active", "error"]
    list_filter = ["active"]
    search_fields = ["name", "chat_id"]
    readonly_fields = ["token", "active_since", "last_error", "last_error_at"]

    def get_fields(self, request, obj=None):
        if not self.has_change_permission(request, obj):
            # Read-only: the token's masked form stands where the field would be.
            return ["name", "chat_id", "token", "languages", "sections", "active", "active_since", "last_error"]
        fields = ["name", "chat_id", "bot_token", "languages", "sections", "active"]
        return fields if obj is None else [*fields, "active_since", "last_error", "last_error_at"]

    def changelist_view(self, request, extra_context=None):
        if TelegramChannel.objects.exists() and not Agency.objects.site_url():
            messages.warning(
                request,
                _(
                    "No post goes out: the site's address is unknown. Set SITE_URL, or the domain of the "
                    "publisher agency; the posts wait until then."
                ),
            )
        return super().changelist_view(request, extra_context)

    @admin.display(description=_("bot token"))
    def token(self, obj):
        return obj.masked_token

    @admin.display(description=_("languages"))
    def language_list(self, obj):
        names = dict(settings.LANGUAGES)
        return ", ".join(str(names.get(code, code)) for code in obj.languages) or _("all")

    @admin.display(description=_("last error"))
    def error(self, obj):
        return obj.last_error[:120]

    def save_model(self, request, obj, form, change):
        if "active" in form.changed_data and obj.active:
            obj.active_since = timezone.now()  # articles from now on; not those of the pause
        super().save_model(request, obj, form, change)
        if not obj.active:
            # Switched off: what has not gone out yet never will (nothing of it was sent).
            obj.posts.filter(state=Delivery.State.PENDING).delete()
        elif change and "active" in form.changed_data:
            resume(obj)  # switched on again: the follow-ups that waited go out


# The article list's state badges (static/newsroom/admin.css), by what they ask of an editor.
STATE_BADGES = {
    Delivery.State.SENT: "published",
    Delivery.State.PENDING: "draft",
    Delivery.State.SENDING: "draft",
    Delivery.State.FAILED: "withdrawn",
    Delivery.State.UNKNOWN: "review",
}


def entry_shown(post):
    """Which key event of the blog a post is («—»: the article's own post), or that it was
    deleted (its message is deleted too)."""
    if post.entry_id is None:
        return "—"
    try:
        entry = post.entry
    except Entry.DoesNotExist:
        entry = None
    if entry is None:
        return _("Deleted entry #%(id)s") % {"id": post.entry_id}
    return f"#{entry.pk}: {Truncator(str(entry)).chars(80)}"


def state_badge(obj):
    return format_html(
        '<span class="state-badge state-{}">{}</span>', STATE_BADGES.get(obj.state, "draft"), obj.get_state_display()
    )


class TelegramFollowUpInline(admin.TabularInline):
    model = TelegramFollowUp
    extra = 0
    fields = ["action", "state", "attempts", "created_at", "done_at", "last_error"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(TelegramPost)
class TelegramPostAdmin(AdminNamesMixin, admin.ModelAdmin):
    names = AdminNames(
        add=_("Add Telegram post"),
        change=_("Change Telegram post"),
        view=_("View Telegram post"),
        select=_("Select Telegram post to change"),
        select_view=_("Select Telegram post to view"),
        choose=_("Select Telegram post"),
        added=_("The Telegram post “{obj}” was added."),
        changed=_("The Telegram post “{obj}” was changed."),
        deleted=_("The Telegram post “{obj}” was deleted."),
    )
    list_display = ["state_shown", "article", "key_event", "channel", "message", "sent_at", "attempts", "last_error"]
    list_filter = ["state", "channel", ("entry", admin.EmptyFieldListFilter)]
    list_select_related = ["article", "channel", "entry"]
    search_fields = ["article__title"]
    fields = ["article", "key_event", "channel", "state_shown", "message_id", "message", "attempts", "sent_at",
              "created_at", "next_attempt_at", "last_error"]  # fmt: skip
    readonly_fields = ["article", "key_event", "channel", "state_shown", "message", "attempts", "sent_at",
                       "created_at", "next_attempt_at", "last_error"]  # fmt: skip
    inlines = [TelegramFollowUpInline]
    actions = ["mark_sent", "send_again"]
    change_form_template = "admin/distribution/telegrampost/change_form.html"

    def render_change_form(self, request, context, *args, obj=None, **kwargs):
        context["can_resolve"] = (
            obj is not None
            and obj.state in (Delivery.State.UNKNOWN, Delivery.State.FAILED)
            and self.has_change_permission(request, obj)
        )
        return super().render_change_form(request, context, *args, obj=obj, **kwargs)

    def response_change(self, request, obj):
        """The change page's own buttons: the same as the list's actions, for this post."""
        for name, action in (("_mark_sent", self.mark_sent), ("_send_again", self.send_again)):
            if name in request.POST:
                action(request, self.get_queryset(request).filter(pk=obj.pk))
                return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    def has_add_permission(self, request):
        return False  # the worker makes a post when an article is published

    def has_delete_permission(self, request, obj=None):
        return False  # a deleted record would be posted again: use the actions

    @admin.display(description=_("state"), ordering="state")
    def state_shown(self, obj):
        return state_badge(obj)

    @admin.display(description=_("key event"))
    def key_event(self, obj):
        return entry_shown(obj)

    @admin.display(description=_("message"))
    def message(self, obj):
        link = obj.message_link
        if link:
            return format_html('<a href="{}" rel="noopener" target="_blank">{}</a>', link, obj.message_id)
        return obj.message_id or "—"

    @admin.action(description=_("Mark as sent (the message is in the channel)"), permissions=["change"])
    def mark_sent(self, request, queryset):
        count = queryset.filter(state__in=[Delivery.State.UNKNOWN, Delivery.State.FAILED]).update(
            state=Delivery.State.SENT, sent_at=timezone.now(), last_error=""
        )
        self.message_user(
            request,
            ngettext("%(count)d post marked as sent.", "%(count)d posts marked as sent.", count) % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Send again (a second message if the first one is there)"), permissions=["change"])
    def send_again(self, request, queryset):
        count = send_again(queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)d post will be sent again within seconds.",
                "%(count)d posts will be sent again within seconds.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )


class TelegramPostInline(admin.TabularInline):
    """The article's page shows where it went: one line per channel, and for a live blog one
    more per key event sent to Telegram."""

    model = TelegramPost
    extra = 0
    can_delete = False
    fields = ["channel", "key_event", "state_shown", "message", "sent_at", "last_error", "details"]
    readonly_fields = fields
    verbose_name = _("Telegram post")
    verbose_name_plural = _("Telegram posts")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        # Only on the page of an article that went somewhere: the add page and the pages of
        # articles with no post carry no (empty) formset for the form to send back.
        return obj is not None and super().has_view_permission(request, obj) and obj.telegram_posts.exists()

    def get_queryset(self, request):
        # (Not the inherited one: it asks has_view_permission without the article, which is
        # False above, and would show no rows. The formset keeps the article's own posts.)
        return TelegramPost.objects.select_related("channel", "entry").order_by(
            F("entry_id").asc(nulls_first=True), "created_at", "pk"
        )

    key_event = TelegramPostAdmin.key_event
    state_shown = TelegramPostAdmin.state_shown
    message = TelegramPostAdmin.message

    @admin.display(description=_("details"))
    def details(self, obj):
        if not obj.pk:
            return ""
        url = reverse("admin:distribution_telegrampost_change", args=[obj.pk])
        label = _("Mark as sent or send again") if obj.state in ("unknown", "failed") else _("Details")
        return format_html('<a href="{}">{}</a>', url, label)


# The article's page lists its posts; articles knows nothing of distribution (the arrow points
# this way), so the inline is added from here.
ArticleAdmin.inlines = [*ArticleAdmin.inlines, TelegramPostInline]
