"""Newsletters in the admin: the newsletters (with their confirmed readers), the readers (read
only but the language, never added by hand), the suppressed addresses (with a list's import),
the issues (their articles, a preview, a test sent to oneself, sending now or at a time, back to
draft, and what their outbox holds) and the outbox itself (``Delivery``, where an editor may
send a mail in doubt again). Every rule is newsletters.services'; the sending is the worker's."""

import datetime as dt

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.core.validators import validate_email
from django.db.models import Count, Q
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from newsletters import mail, services
from newsletters.models import Delivery, Issue, IssueArticle, Newsletter, Subscriber, Subscription, Suppression
from newsroom.admin import AdminNames, AdminNamesMixin
from newsroom.mail import Refused, Unknown, deliver

# An issue in these states may still be edited, filled and sent; the others are history.
OPEN_STATES = (Issue.State.DRAFT, Issue.State.SCHEDULED)
IMPORT_MAX_BYTES = 5 * 1024 * 1024


def warn_without_mail_server(request) -> None:
    if not settings.EMAIL_ENABLED:
        messages.warning(
            request,
            gettext(
                "No mail server is configured (EMAIL_HOST is not set): no newsletter and no confirmation "
                "mail is sent. Issues wait until it is set."
            ),
        )


# -- Newsletters ---------------------------------------------------------------------------------


@admin.register(Newsletter)
class NewsletterAdmin(AdminNamesMixin, admin.ModelAdmin):
    names = AdminNames(
        add=_("Add newsletter"),
        change=_("Change newsletter"),
        view=_("View newsletter"),
        select=_("Select newsletter to change"),
        select_view=_("Select newsletter to view"),
        choose=_("Select newsletter"),
        added=_("The newsletter “{obj}” was added."),
        changed=_("The newsletter “{obj}” was changed."),
        deleted=_("The newsletter “{obj}” was deleted."),
    )
    list_display = ["name", "language", "schedule", "fill", "active", "readers"]
    list_filter = ["active", "language", "schedule"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [
        (None, {"fields": ["name", "slug", "description", "language", "active", "position"]}),
        (_("Schedule"), {"fields": ["schedule", ("send_time", "weekday"), "fill"]}),
        (_("Sender and links"), {"fields": ["from_name", "from_email", "utm_campaign"], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                confirmed_readers=Count(
                    "subscriptions",
                    filter=Q(subscriptions__confirmed_at__isnull=False, subscriptions__unsubscribed_at__isnull=True),
                )
            )
        )

    @admin.display(description=_("confirmed readers"), ordering="confirmed_readers")
    def readers(self, obj):
        return obj.confirmed_readers

    def changelist_view(self, request, extra_context=None):
        warn_without_mail_server(request)
        return super().changelist_view(request, extra_context)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "GET":
            warn_without_mail_server(request)
        return super().changeform_view(request, object_id, form_url, extra_context)


# -- Readers -------------------------------------------------------------------------------------


class ConfirmedFilter(admin.SimpleListFilter):
    title = _("confirmed")
    parameter_name = "confirmed"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(confirmed_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(confirmed_at__isnull=True)
        return queryset


class SubscriptionInline(admin.TabularInline):
    """What the reader asked for and when: the readers' own pages change it, never the admin."""

    model = Subscription
    extra = 0
    can_delete = False
    fields = ["newsletter", "requested_at", "confirmed_at", "unsubscribed_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("newsletter")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Subscriber)
class SubscriberAdmin(AdminNamesMixin, admin.ModelAdmin):
    names = AdminNames(
        add=_("Add subscriber"),
        change=_("Change subscriber"),
        view=_("View subscriber"),
        select=_("Select subscriber to change"),
        select_view=_("Select subscriber to view"),
        choose=_("Select subscriber"),
        added=_("The subscriber “{obj}” was added."),
        changed=_("The subscriber “{obj}” was changed."),
        deleted=_("The subscriber “{obj}” was deleted."),
    )
    list_display = ["email", "language", "created_at", "confirmed_at", "confirm_state", "left_at"]
    list_filter = [ConfirmedFilter, "language", "confirm_state"]
    search_fields = ["email"]
    date_hierarchy = "created_at"
    inlines = [SubscriptionInline]
    fieldsets = [
        (None, {"fields": ["email", "language", "created_at", "confirmed_at", "left_at"]}),
        (
            _("Confirmation mail"),
            {
                "fields": [
                    "confirm_state",
                    "confirm_requested_at",
                    "confirm_sent_at",
                    "confirm_attempts",
                    "confirm_error",
                ]
            },
        ),
        (_("Proof of consent"), {"fields": ["signup_ip", "signup_user_agent"]}),
    ]
    readonly_fields = [
        "email",
        "created_at",
        "confirmed_at",
        "left_at",
        "confirm_state",
        "confirm_requested_at",
        "confirm_sent_at",
        "confirm_attempts",
        "confirm_error",
        "signup_ip",
        "signup_user_agent",
    ]

    def has_add_permission(self, request):
        return False  # readers sign up themselves (double opt-in); nobody is subscribed by hand

    def get_deleted_objects(self, objs, request):
        """Erasing a reader (docs/newsletters.md) takes their outbox rows with them: the outbox's
        own pages never delete a row (``DeliveryAdmin``), which must not stand in the way."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        perms_needed.discard(Delivery._meta.verbose_name)
        return deleted, counts, perms_needed, protected


# -- Suppressed addresses --------------------------------------------------------------------------


class SuppressionImportForm(forms.Form):
    addresses = forms.CharField(
        label=_("Addresses"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12, "cols": 60}),
        help_text=_("One address per line."),
    )
    file = forms.FileField(
        label=_("Or a file (.txt or .csv)"),
        required=False,
        help_text=_("One address per line; in a .csv file, the first column."),
    )
    reason = forms.ChoiceField(label=_("Reason"), choices=Suppression.Reason.choices, initial=Suppression.Reason.IMPORT)
    note = forms.CharField(label=_("Note"), required=False, max_length=500)

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload is None:
            return ""
        if not upload.name.lower().endswith((".txt", ".csv")):
            raise forms.ValidationError(_("Choose a .txt or .csv file."))
        if upload.size > IMPORT_MAX_BYTES:
            raise forms.ValidationError(_("The file is too large: at most 5 MB."))
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise forms.ValidationError(_("The file is not UTF-8 text: save it as UTF-8 and try again.")) from error

    def clean(self):
        data = super().clean()
        if not self.errors and not (data.get("addresses", "").strip() or data.get("file", "").strip()):
            raise forms.ValidationError(_("Type the addresses or choose a file."))
        return data

    def lines(self) -> list[tuple[int, str, str]]:
        """(line number, the line as typed, its address or "" when it is none) of the text, then
        of the file, blank lines left out."""
        rows = []
        for source in (self.cleaned_data["addresses"], self.cleaned_data["file"]):
            for number, line in enumerate(source.splitlines(), start=1):
                text = line.strip()
                if not text:
                    continue
                first = text.replace(";", ",").split(",", 1)[0].strip().strip('"').strip()
                try:
                    validate_email(first)
                except forms.ValidationError:
                    first = ""
                rows.append((number, text, first))
        return rows


@admin.register(Suppression)
class SuppressionAdmin(AdminNamesMixin, admin.ModelAdmin):
    names = AdminNames(
        add=_("Add suppressed address"),
        change=_("Change suppressed address"),
        view=_("View suppressed address"),
        select=_("Select suppressed address to change"),
        select_view=_("Select suppressed address to view"),
        choose=_("Select suppressed address"),
        added=_("The suppressed address “{obj}” was added."),
        changed=_("The suppressed address “{obj}” was changed."),
        deleted=_("The suppressed address “{obj}” was deleted."),
    )
    change_list_template = "admin/newsletters/suppression/change_list.html"
    list_display = ["email", "reason", "note", "created_at"]
    list_filter = ["reason"]
    search_fields = ["email"]
    date_hierarchy = "created_at"
    fields = ["email", "reason", "note", "created_at"]

    def get_urls(self):
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name="newsletters_suppression_import"),
            *super().get_urls(),
        ]

    def import_view(self, request):
        """A list of addresses into the suppression list: the valid ones are added, the others are
        given back with their line numbers, in the box, to correct and import again."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = SuppressionImportForm(request.POST or None, request.FILES or None)
        invalid = []
        if request.method == "POST" and form.is_valid():
            rows = form.lines()
            valid = [address for _number, _text, address in rows if address]
            invalid = [(number, text) for number, text, address in rows if not address]
            added = services.suppress(valid, reason=form.cleaned_data["reason"], note=form.cleaned_data["note"])
            if valid:
                messages.success(
                    request,
                    ngettext(
                        "%(added)d address added to the suppression list (%(known)d were already there).",
                        "%(added)d addresses added to the suppression list (%(known)d were already there).",
                        added,
                    )
                    % {"added": added, "known": len({a.lower() for a in valid}) - added},
                )
            if not invalid:
                return HttpResponseRedirect(reverse("admin:newsletters_suppression_changelist"))
            form = SuppressionImportForm(
                initial={
                    "addresses": "\n".join(text for _number, text in invalid),
                    "reason": form.cleaned_data["reason"],
                    "note": form.cleaned_data["note"],
                }
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Import suppressed addresses"),
            "form": form,
            "invalid": invalid,
        }
        return TemplateResponse(request, "admin/newsletters/suppression/import.html", context)


# -- Issues ------------------------------------------------------------------------------------------


class IssueArticleInline(admin.TabularInline):
    model = IssueArticle
    extra = 0
    fields = ["position", "article"]
    autocomplete_fields = ["article"]
    ordering = ["position", "pk"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("article")

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and (obj is None or obj.state in OPEN_STATES)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or obj.state in OPEN_STATES)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or obj.state in OPEN_STATES)


class ScheduleForm(forms.Form):
    at = forms.DateTimeField(required=False)


@admin.register(Issue)
class IssueAdmin(AdminNamesMixin, admin.ModelAdmin):
    names = AdminNames(
        add=_("Add issue"),
        change=_("Change issue"),
        view=_("View issue"),
        select=_("Select issue to change"),
        select_view=_("Select issue to view"),
        choose=_("Select issue"),
        added=_("The issue “{obj}” was added."),
        changed=_("The issue “{obj}” was changed."),
        deleted=_("The issue “{obj}” was deleted."),
    )
    change_form_template = "admin/newsletters/issue/change_form.html"
    list_display = ["subject", "newsletter", "state", "send_at", "recipients", "created_at"]
    list_filter = ["state", "newsletter"]
    list_select_related = ["newsletter"]
    search_fields = ["subject"]
    date_hierarchy = "created_at"
    inlines = [IssueArticleInline]
    fields = ["newsletter", "subject", "preheader", "state", "send_at", "started_at", "finished_at", "recipients",
              "created_by", "last_error"]  # fmt: skip
    SHOWN = ["state", "send_at", "started_at", "finished_at", "recipients", "created_by", "last_error"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.state not in OPEN_STATES:
            return ["newsletter", "subject", "preheader", *self.SHOWN]
        return self.SHOWN

    def has_change_permission(self, request, obj=None):
        """A sent issue (or one being sent, or left empty) is history: shown, never changed."""
        return super().has_change_permission(request, obj) and (obj is None or obj.state in OPEN_STATES)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or obj.state in OPEN_STATES)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("newsletter", "created_by")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def changelist_view(self, request, extra_context=None):
        warn_without_mail_server(request)
        return super().changelist_view(request, extra_context)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "GET":
            warn_without_mail_server(request)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk:
            context["issue_panel"] = self.panel(request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def panel(self, request, issue: Issue) -> dict:
        """What the issue's page offers and shows above its form: the buttons this editor may use
        now, and the outbox's rows by state (one query)."""
        can_send = issue.state in OPEN_STATES and self.has_change_permission(request, issue)
        counts = Delivery.objects.filter(issue=issue).aggregate(
            **{state.value: Count("pk", filter=Q(state=state.value)) for state in Delivery.State}
        )
        deliveries = reverse("admin:newsletters_delivery_changelist")
        return {
            "can_send": can_send,
            "can_unschedule": issue.state == Issue.State.SCHEDULED and can_send,
            "states": [
                (state.label, counts[state.value], f"{deliveries}?issue__id__exact={issue.pk}&state={state.value}")
                for state in Delivery.State
                if counts[state.value]
            ],
            "in_doubt": counts[Delivery.State.UNKNOWN] + counts[Delivery.State.FAILED],
            "deliveries_url": f"{deliveries}?issue__id__exact={issue.pk}",
            "empty": issue.state == Issue.State.EMPTY,
            "schedule_at": timezone.localtime(issue.send_at or timezone.now() + dt.timedelta(hours=1)).strftime(
                "%Y-%m-%dT%H:%M"
            ),
            "mail_enabled": settings.EMAIL_ENABLED,
        }

    # -- The issue's buttons --

    def get_urls(self):
        def view(name, function):
            wrapped = self.admin_site.admin_view(function)
            return path(f"<int:object_id>/{name}/", wrapped, name=f"newsletters_issue_{name}")

        return [
            view("preview", self.preview_view),
            view("fill", self.fill_view),
            view("test", self.test_view),
            view("schedule", self.schedule_view),
            view("unschedule", self.unschedule_view),
            *super().get_urls(),
        ]

    def _issue(self, request, object_id, *, change: bool) -> Issue:
        issue = get_object_or_404(Issue.objects.select_related("newsletter"), pk=object_id)
        allowed = self.has_change_permission(request, issue) if change else self.has_view_permission(request, issue)
        if not allowed:
            raise PermissionDenied
        return issue

    def _back(self, issue) -> HttpResponseRedirect:
        return HttpResponseRedirect(reverse("admin:newsletters_issue_change", args=[issue.pk]))

    def preview_view(self, request, object_id):
        """The mail as readers get it, the reader's links pointing nowhere."""
        issue = self._issue(request, object_id, change=False)
        html = mail.render_issue(issue).html.replace(mail.UNSUBSCRIBE, "#").replace(mail.PREFERENCES, "#")
        response = HttpResponse(html, content_type="text/html; charset=utf-8")
        response["Content-Security-Policy"] = "sandbox; script-src 'none'"
        response["X-Frame-Options"] = "SAMEORIGIN"
        return response

    def fill_view(self, request, object_id):
        issue = self._issue(request, object_id, change=True)
        if request.method == "POST":
            articles = services.automatic_articles(issue.newsletter, until=timezone.now())
            services.set_articles(issue, articles)
            if articles:
                messages.success(
                    request,
                    ngettext(
                        "The issue is filled: %(count)d article.",
                        "The issue is filled: %(count)d articles.",
                        len(articles),
                    )
                    % {"count": len(articles)},
                )
            else:
                messages.warning(
                    request, gettext("No news to fill the issue with: nothing was published in its period.")
                )
        return self._back(issue)

    def test_view(self, request, object_id):
        """The issue to the editor's own address, now, as a reader would get it."""
        issue = self._issue(request, object_id, change=False)
        if request.method != "POST":
            return self._back(issue)
        email = request.user.email
        if not settings.EMAIL_ENABLED:
            messages.error(request, gettext("Nothing was sent: no mail server is configured (EMAIL_HOST is not set)."))
        elif not email:
            messages.error(request, gettext("Nothing was sent: your account has no email address."))
        else:
            rendered = mail.render_issue(issue)
            reader = Subscriber(email=email, language=issue.newsletter.language, token="test")
            try:
                deliver(mail.issue_message(rendered, reader))
            except Refused as error:
                messages.error(request, gettext("The test was not sent: %(reason)s") % {"reason": error})
            except Unknown as error:
                messages.warning(request, gettext("The test may not have been sent: %(reason)s") % {"reason": error})
            else:
                messages.success(request, gettext("A test was sent to %(email)s.") % {"email": email})
        return self._back(issue)

    def schedule_view(self, request, object_id):
        """Send now (no time given) or at the time given, in newsroom time."""
        issue = self._issue(request, object_id, change=True)
        if request.method != "POST":
            return self._back(issue)
        form = ScheduleForm(request.POST)
        if "now" in request.POST:
            at = None
        elif form.is_valid() and form.cleaned_data["at"]:
            at = form.cleaned_data["at"]
        else:
            messages.error(request, gettext("Enter the date and time to send the issue at."))
            return self._back(issue)
        try:
            issue = services.issue_schedule(issue=issue, at=at)
        except services.IssueError as error:
            messages.error(request, str(error))
        else:
            when = timezone.localtime(issue.send_at).strftime("%d.%m.%Y %H:%M")
            if at is None:
                messages.success(request, gettext("The issue goes out within a minute."))
            else:
                messages.success(request, gettext("The issue is scheduled for %(when)s.") % {"when": when})
            warn_without_mail_server(request)
        return self._back(issue)

    def unschedule_view(self, request, object_id):
        issue = self._issue(request, object_id, change=True)
        if request.method == "POST":
            try:
                services.issue_unschedule(issue=issue)
            except services.IssueError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, gettext("The issue is a draft again: it will not be sent."))
        return self._back(issue)


# -- The outbox ------------------------------------------------------------------------------------


@admin.register(Delivery)
class DeliveryAdmin(AdminNamesMixin, admin.ModelAdmin):
    names = AdminNames(
        add=_("Add delivery"),
        change=_("Change delivery"),
        view=_("View delivery"),
        select=_("Select delivery to change"),
        select_view=_("Select delivery to view"),
        choose=_("Select delivery"),
        added=_("The delivery “{obj}” was added."),
        changed=_("The delivery “{obj}” was changed."),
        deleted=_("The delivery “{obj}” was deleted."),
    )
    list_display = ["subscriber", "issue", "state", "attempts", "sent_at", "error"]
    list_filter = ["state", "issue"]
    list_select_related = ["subscriber", "issue"]
    search_fields = ["subscriber__email"]
    fields = ["issue", "subscriber", "state", "attempts", "next_attempt_at", "sent_at", "error"]
    readonly_fields = fields
    actions = ["send_again"]

    def has_add_permission(self, request):
        return False  # the worker writes the outbox when an issue starts

    def has_delete_permission(self, request, obj=None):
        return False  # a deleted row would be a mail nobody knows the fate of

    @admin.action(
        description=_("Send again (unknown or failed only; the mail may arrive twice)"), permissions=["change"]
    )
    def send_again(self, request, queryset):
        doubtful = queryset.filter(state__in=[Delivery.State.UNKNOWN, Delivery.State.FAILED])
        if request.POST.get("confirmed") != "yes":
            rows = list(doubtful.select_related("subscriber", "issue")[:200])
            if not rows:
                self.message_user(
                    request, gettext("Only unknown or failed deliveries can be sent again."), messages.WARNING
                )
                return None
            context = {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": gettext("Send again?"),
                "rows": rows,
                "count": doubtful.count(),
                "selected": queryset.values_list("pk", flat=True),
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            }
            return TemplateResponse(request, "admin/newsletters/delivery/send_again.html", context)
        count = services.deliveries_send_again(doubtful)
        self.message_user(
            request,
            ngettext("%(count)d mail will be sent again.", "%(count)d mails will be sent again.", count)
            % {"count": count},
            messages.SUCCESS,
        )
        return None
