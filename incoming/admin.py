"""The incoming desk in the admin: the wire items list (filters, search, new and urgent items
marked), an item's page with its versions and the Take button, and the sources (editors only)."""

import datetime as dt
import html
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.contrib.postgres.search import SearchQuery, SearchVector
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.db.models import BooleanField, ExpressionWrapper, Q, Value
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from articles.diff import readable_text, word_diff
from incoming.models import URGENT, DeskLook, Item, RoutingRule, Source
from incoming.services import AlreadyTaken, item_take, user_can_take
from newsroom.admin import AdminNames, AdminNamesMixin, search_words, words_condition

# A journalist's marks of new items stay while they page and filter: the last look moves only
# once the previous one is this old.
LOOK_SECONDS = 300


def local_time(value) -> str:
    return timezone.localtime(value).strftime("%d.%m.%Y %H:%M") if value else "—"


def item_search_vector() -> SearchVector:
    """The full-text vector of an item's headline and text (``simple``: words as written, in any
    language), the same expression as the index of migration 0002."""
    return SearchVector("headline", "body", config="simple")


# -- Sources (editors) ---------------------------------------------------------------------------


class SourceForm(forms.ModelForm):
    """The key is typed, never shown back: left empty, the saved key stays."""

    credentials = forms.CharField(
        label=capfirst(_("key")),
        required=False,
        strip=True,
        max_length=500,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )
    clear_credentials = forms.BooleanField(label=capfirst(_("remove the saved key")), required=False)

    class Meta:
        model = Source
        fields = [
            "name",
            "kind",
            "address",
            "credentials",
            "clear_credentials",
            "agency",
            "language",
            "section",
            "poll_seconds",
            "idle_alert_minutes",
            "active",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.credentials:
            self.fields["credentials"].help_text = _(
                "A key is saved. Leave empty to keep it; type a new one to replace it."
            )
        else:
            self.fields["credentials"].help_text = _("The partner's API key, sent as a Bearer token. Empty: none.")
            del self.fields["clear_credentials"]

    def clean_credentials(self):
        typed = self.cleaned_data.get("credentials", "")
        if self.data.get(self.add_prefix("clear_credentials")):
            return ""
        return typed or self.instance.credentials

    def clean(self):
        cleaned = super().clean()
        # The saved key goes only where it was typed for: a new host needs it typed again.
        saved, address = self.instance.credentials, cleaned.get("address", "")
        moved = self.instance.pk and urlsplit(address).hostname != urlsplit(self.instance.address).hostname
        typed = self.data.get(self.add_prefix("credentials"), "").strip()
        if saved and moved and not typed and cleaned.get("credentials"):
            self.add_error("credentials", _("The address is on another host: type the key again (or remove it)."))
        return cleaned


class RoutingRuleInline(admin.TabularInline):
    model = RoutingRule
    extra = 1
    fields = ["words", "section", "notify", "position"]
    autocomplete_fields = ["section"]


@admin.register(Source)
class SourceAdmin(AdminNamesMixin, admin.ModelAdmin):
    names = AdminNames(
        add=_("Add wire source"),
        change=_("Change wire source"),
        view=_("View wire source"),
        select=_("Select wire source to change"),
        select_view=_("Select wire source to view"),
        choose=_("Select wire source"),
        added=_("The wire source “{obj}” was added."),
        changed=_("The wire source “{obj}” was changed."),
        deleted=_("The wire source “{obj}” was deleted."),
    )
    form = SourceForm
    list_display = ["name", "kind", "agency", "active", "health", "last_item"]
    view_on_site = False
    list_filter = ["kind", "active"]
    list_select_related = ["agency"]
    search_fields = ["name"]
    autocomplete_fields = ["agency", "section"]
    readonly_fields = ["health", "last_error", "polled_at", "succeeded_at", "item_at", "next_poll_at", "failures"]
    inlines = [RoutingRuleInline]
    actions = ["poll_now"]

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "key_state"]

    def get_fieldsets(self, request, obj=None):
        if self.has_change_permission(request, obj):
            main = ["name", "kind", "address", "credentials"]
            if obj is not None and obj.credentials:
                main.append("clear_credentials")
        else:  # read-only: a key is said to be saved, never shown
            main = ["name", "kind", "address", "key_state"]
        fieldsets = [
            (None, {"fields": [*main, "agency", "language", "section"]}),
            (_("Polling"), {"fields": ["poll_seconds", "idle_alert_minutes", "active"]}),
        ]
        if obj is not None:
            fieldsets.append(
                (
                    _("Last polls"),
                    {
                        "fields": [
                            "health",
                            "last_error",
                            "polled_at",
                            "succeeded_at",
                            "item_at",
                            "next_poll_at",
                            "failures",
                        ]
                    },
                )
            )
        return fieldsets

    @admin.display(description=_("key"))
    def key_state(self, obj):
        return _("saved") if obj.credentials else "—"

    @admin.display(description=_("state"))
    def health(self, obj):
        if not obj.active:
            return format_html('<span class="state-badge state-draft">{}</span>', _("inactive"))
        if obj.failures:
            return format_html(
                '<span class="state-badge state-withdrawn">{}</span>',
                ngettext("failing: %(count)d poll in a row", "failing: %(count)d polls in a row", obj.failures)
                % {"count": obj.failures},
            )
        idle = obj.idle_since()
        if idle is not None:
            return format_html(
                '<span class="state-badge state-withdrawn">{}</span>',
                _("no item since %(time)s") % {"time": local_time(idle)},
            )
        if obj.succeeded_at is None:
            return format_html('<span class="state-badge state-review">{}</span>', _("not polled yet"))
        return format_html('<span class="state-badge state-published">{}</span>', _("working"))

    @admin.display(description=_("last item received"), ordering="item_at")
    def last_item(self, obj):
        return local_time(obj.item_at)

    @admin.action(description=_("Poll the selected sources now"), permissions=["change"])
    def poll_now(self, request, queryset):
        count = queryset.filter(active=True).update(next_poll_at=timezone.now())
        message = ngettext(
            "%(count)d source will be polled within a few seconds.",
            "%(count)d sources will be polled within a few seconds.",
            count,
        )
        self.message_user(request, message % {"count": count})


# -- Items (journalists and editors) -------------------------------------------------------------

AFTER_VAR = "after"  # the keyset cursor: the id of the last item of the page before
SEARCH_PROBE = 200  # matches asked of the full-text index before the list's own order (the search)


class KeysetChangeList(ChangeList):
    """The Incoming list's pages by keyset, newest first: a page is the items older than the last
    one of the page before (``?after=<id>``), read from the index of the filter in use; nothing is
    counted and no row is skipped, so the ten-thousandth page of a million items costs what the
    first does. (Counting even a capped 10,000 of a filtered list read the heap: 95 ms at a
    million items, bench/incoming.py.)"""

    keyset = True

    def get_filters_params(self, params=None):
        params = super().get_filters_params(params)
        params.pop(AFTER_VAR, None)
        return params

    def get_results(self, request):
        self.params.pop(AFTER_VAR, None)  # filter and search links start from the newest again
        rows = self.queryset
        after = request.GET.get(AFTER_VAR, "")
        last = None
        if after.isdecimal() and len(after) < 19:  # an id; anything else: the newest page
            last = Item.objects.filter(pk=int(after)).values("received_at", "pk").first()
        if last is not None:
            # The first condition alone is an index range; the OR inside it only breaks the tie.
            rows = rows.filter(received_at__lte=last["received_at"]).filter(
                Q(received_at__lt=last["received_at"]) | Q(pk__lt=last["pk"])
            )
        page = list(rows[: self.list_per_page + 1])
        self.result_list = page[: self.list_per_page]
        self.result_count = len(self.result_list)
        self.full_result_count = None
        self.show_full_result_count = False
        self.show_admin_actions = False
        self.can_show_all = False
        self.multi_page = False
        self.paginator = None
        self.newest_url = self.get_query_string() if last is not None else ""
        self.older_url = (
            self.get_query_string({AFTER_VAR: self.result_list[-1].pk}) if len(page) > self.list_per_page else ""
        )


class TakenFilter(admin.SimpleListFilter):
    title = _("taken")
    parameter_name = "taken"

    def lookups(self, request, model_admin):
        return [("no", _("not taken")), ("yes", _("taken"))]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.filter(article__isnull=True)
        if self.value() == "yes":
            return queryset.filter(article__isnull=False)
        return queryset


class LanguageFilter(admin.SimpleListFilter):
    """The site's languages (Django's own filter would read every item for its distinct values)."""

    title = _("language")
    parameter_name = "language"

    def lookups(self, request, model_admin):
        return [(code, _(name)) for code, name in settings.LANGUAGES]

    def queryset(self, request, queryset):
        if self.value() in {code for code, _name in settings.LANGUAGES}:
            return queryset.filter(language=self.value())
        return queryset


class UrgencyFilter(admin.SimpleListFilter):
    title = _("urgency")
    parameter_name = "urgency"

    def lookups(self, request, model_admin):
        return [("urgent", _("urgent (1–3)")), ("flagged", _("matching the routing rules"))]

    def queryset(self, request, queryset):
        if self.value() == "urgent":
            return queryset.filter(urgency__lte=URGENT)
        if self.value() == "flagged":
            return queryset.filter(flagged=True)
        return queryset


@admin.register(Item)
class ItemAdmin(AdminNamesMixin, admin.ModelAdmin):
    names = AdminNames(
        add=_("Add wire item"),
        change=_("Change wire item"),
        view=_("View wire item"),
        select=_("Select wire item to change"),
        select_view=_("Incoming"),
        choose=_("Select wire item"),
        added=_("The wire item “{obj}” was added."),
        changed=_("The wire item “{obj}” was changed."),
        deleted=_("The wire item “{obj}” was deleted."),
    )
    change_form_template = "admin/incoming/item/change_form.html"
    change_list_template = "admin/incoming/item/change_list.html"
    list_display = ["marked_headline", "source", "urgency", "received", "taken"]
    view_on_site = False  # get_absolute_url is the item's own admin page
    list_display_links = ["marked_headline"]
    list_filter = ["source", LanguageFilter, UrgencyFilter, TakenFilter, "pubstatus"]
    list_select_related = ["source", "taken_by", "article"]
    search_fields = ["headline", "body"]
    search_help_text = _("Words of the headline or the text.")
    sortable_by = []
    ordering = ["-received_at", "-id"]
    list_per_page = 50
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    actions = None

    # -- Permissions: anyone who may take reads; nobody edits what a partner sent. --

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        items = super().get_queryset(request).defer("raw").select_related("source", "article", "taken_by")
        new_since = getattr(request, "incoming_new_since", None)  # set by changelist_view
        if new_since is None:
            return items.annotate(is_new=Value(False))
        return items.annotate(is_new=ExpressionWrapper(Q(received_at__gt=new_since), output_field=BooleanField()))

    def get_search_results(self, request, queryset, search_term):
        """PostgreSQL: the full-text index over headline and text (every word, as written);
        SQLite: every word in the headline or the text, as Django's admin searches."""
        words = search_words(search_term)
        if not words:
            return queryset, False
        if connection.vendor != "postgresql":
            return queryset.filter(words_condition(["headline", "body"], search_term)), False
        query = SearchQuery(" ".join(words), config="simple", search_type="websearch")
        found = queryset.alias(search=item_search_vector()).filter(search=query)
        # Newest first, PostgreSQL walks the list's index and reads each item's text until a page
        # is full: quick for a common word, the whole table for a rare one (34 s at a million
        # items, bench/incoming.py). So the full-text index is asked first, in no order, for a
        # few hundred matches: if that is all of them, the page is sorted from those alone.
        probe = list(found.order_by().values_list("pk", flat=True)[:SEARCH_PROBE])
        if len(probe) < SEARCH_PROBE:
            return queryset.filter(pk__in=probe), False
        return found, False

    # -- The list: new since the journalist's last look, urgent ones in red --

    def get_changelist(self, request, **kwargs):
        return KeysetChangeList

    def changelist_view(self, request, extra_context=None):
        request.incoming_new_since = self.last_look(request)
        return super().changelist_view(request, extra_context)

    def last_look(self, request) -> dt.datetime | None:
        """Items received after this are new to the user; the look moves on every LOOK_SECONDS."""
        now = timezone.now()
        look, first = DeskLook.objects.get_or_create(user=request.user, defaults={"looked_at": now})
        if first:
            return None
        if now - look.looked_at > dt.timedelta(seconds=LOOK_SECONDS):
            look.previous_at, look.looked_at = look.looked_at, now
            look.save(update_fields=["previous_at", "looked_at"])
        return look.previous_at

    @admin.display(description=_("headline"))
    def marked_headline(self, obj):
        is_new = getattr(obj, "is_new", False)
        return format_html(
            '{}<span class="{}">{}</span>{}',
            format_html('<span class="wire-new">{}</span> ', _("new")) if is_new else "",
            "wire-urgent" if obj.is_urgent else "",
            obj.headline,
            format_html(' <span class="state-badge state-withdrawn">{}</span>', obj.get_pubstatus_display())
            if obj.pubstatus != Item.Status.USABLE
            else "",
        )

    @admin.display(description=_("received"), ordering="received_at")
    def received(self, obj):
        return local_time(obj.received_at)

    @admin.display(description=_("taken"))
    def taken(self, obj):
        if obj.article_id is None:
            return "—"
        return format_html(
            "{} · {}",
            obj.taken_by.get_full_name() or obj.taken_by.get_username() if obj.taken_by else "—",
            local_time(obj.taken_at),
        )

    # -- The item's page and the Take button --

    def get_urls(self):
        urls = super().get_urls()
        take = path("<int:object_id>/take/", self.admin_site.admin_view(self.take_view), name="incoming_item_take")
        return [take, *urls]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        item = self.get_object(request, object_id)
        if item is None:  # Django's own answer: back to the list, "does not exist"
            return super().change_view(request, object_id, form_url, extra_context)
        versions = list(item.versions.all())
        newer = [item, *versions]
        history = [
            {
                "version": version,
                "headline": word_diff(version.headline, newer[index].headline),
                "body": word_diff(
                    html.unescape(readable_text(version.body)), html.unescape(readable_text(newer[index].body))
                ),
            }
            for index, version in enumerate(versions)
        ]
        extra_context = {
            **(extra_context or {}),
            "item": item,
            "history": history,
            "can_take": user_can_take(request.user)
            and item.article_id is None
            and item.pubstatus == Item.Status.USABLE,
            "is_urgent": item.is_urgent,
            "embargo_ahead": item.embargoed is not None and item.embargoed > timezone.now(),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def take_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_view_permission(request):
            raise PermissionDenied
        item = get_object_or_404(self.get_queryset(request), pk=object_id)
        try:
            article = item_take(item=item, by=request.user)
        except PermissionDenied as error:
            messages.error(request, str(error) or _("You may not take wire items."))
            return redirect("admin:incoming_item_change", item.pk)
        except AlreadyTaken as taken:
            holder = taken.item.taken_by
            messages.warning(
                request,
                format_html(
                    '{} <a href="{}">{}</a>',
                    _("%(name)s took this item at %(time)s.")
                    % {
                        "name": holder.get_full_name() or holder.get_username() if holder else "—",
                        "time": local_time(taken.item.taken_at),
                    },
                    reverse("admin:articles_article_change", args=[taken.item.article_id]),
                    _("Open the draft"),
                ),
            )
            return redirect("admin:incoming_item_change", item.pk)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("admin:incoming_item_change", item.pk)
        messages.success(request, _("A draft was made from the wire item: rewrite it in your own words."))
        return redirect("admin:articles_article_change", article.pk)
