"""The plan in the admin: events (with a calendar file's import and the agency's plan as a
calendar), assignments (Take, Start the article, state moves) and the story budget, one page
per day. Who may do what is planning.services'; the admin shows only what it allows."""

import datetime as dt

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from articles.admin import newsroom_zone
from newsroom.admin import AdminNames, AdminNamesMixin
from newsroom.times import newsroom_time
from planning import ics, services
from planning.models import Assignment, Budget, Event
from planning.plan import assignments, day_budget, is_all_day, parse_day

NEWSROOM_TIME_FIELDS = {"starts_at", "ends_at", "due_at"}


class NewsroomTimeMixin:
    """Times typed and shown in newsroom time, the zone named in each time field's help."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and db_field.name in NEWSROOM_TIME_FIELDS:
            field.help_text = format_lazy(
                "{}{}", f"{db_field.help_text} " if db_field.help_text else "", _("Newsroom time, %(zone)s.")
            ) % {"zone": newsroom_zone()}
        return field


# -- Events ------------------------------------------------------------------------------------


class EventForm(forms.ModelForm):
    class Meta:
        model = Event
        fields = ["title", "starts_at", "ends_at", "place", "description", "contacts", "url", "repeat", "repeat_until"]

    def clean(self):
        data = super().clean()
        starts_at, ends_at = data.get("starts_at"), data.get("ends_at")
        if starts_at and ends_at and ends_at < starts_at:
            self.add_error("ends_at", _("The event cannot end before it starts."))
        if data.get("repeat_until") and not data.get("repeat"):
            self.add_error("repeat_until", _("Choose how the event repeats, or leave this empty."))
        if starts_at and data.get("repeat_until") and data["repeat_until"] < timezone.localtime(starts_at).date():
            self.add_error("repeat_until", _("The repeats cannot end before the event's first day."))
        return data


class CalendarImportForm(forms.Form):
    file = forms.FileField(
        label=_("Calendar file (.ics)"),
        help_text=_("An organiser's calendar, exported as iCalendar. Importing it again updates its events."),
    )


@admin.register(Event)
class EventAdmin(NewsroomTimeMixin, AdminNamesMixin, admin.ModelAdmin):
    names = AdminNames(
        add=_("Add event"),
        change=_("Change event"),
        view=_("View event"),
        select=_("Select event to change"),
        select_view=_("Select event to view"),
        choose=_("Select event"),
        added=_("The event “{obj}” was added."),
        changed=_("The event “{obj}” was changed."),
        deleted=_("The event “{obj}” was deleted."),
    )
    form = EventForm
    change_list_template = "admin/planning/event/change_list.html"
    list_display = ["title", "when", "place", "repeats", "imported"]
    list_filter = ["repeat"]
    search_fields = ["title", "place"]
    date_hierarchy = "starts_at"
    ordering = ["-starts_at", "-pk"]
    fieldsets = [
        (None, {"fields": ["title", ("starts_at", "ends_at"), "place", "description", "contacts", "url"]}),
        (_("Repeats"), {"fields": [("repeat", "repeat_until")]}),
    ]

    @admin.display(description=_("when"), ordering="starts_at")
    def when(self, obj):
        if is_all_day(obj.starts_at, obj.ends_at):
            return format_html("{} · {}", date_format(timezone.localtime(obj.starts_at), "d.m.Y"), gettext("all day"))
        if obj.ends_at:
            return f"{newsroom_time(obj.starts_at)}–{timezone.localtime(obj.ends_at).strftime('%H:%M')}"
        return newsroom_time(obj.starts_at)

    @admin.display(description=_("repeats"), ordering="repeat")
    def repeats(self, obj):
        if not obj.repeat:
            return "—"
        if obj.repeat_until:
            return gettext("%(repeat)s until %(date)s") % {
                "repeat": obj.get_repeat_display(),
                "date": obj.repeat_until.strftime("%d.%m.%Y"),
            }
        return obj.get_repeat_display()

    @admin.display(description=_("from a calendar"), boolean=True)
    def imported(self, obj):
        return bool(obj.ics_uid)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def get_urls(self):
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name="planning_event_import"),
            path("plan.ics", self.admin_site.admin_view(self.export_view), name="planning_event_export"),
            *super().get_urls(),
        ]

    def import_view(self, request):
        """An organiser's calendar file: all its events in the window, or none and the reason."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = CalendarImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                ics.check_size(upload.size)  # before reading it
                result = ics.import_calendar(upload.read(), by=request.user)
            except ics.CalendarError as error:
                form.add_error("file", str(error))
            else:
                messages.success(
                    request,
                    gettext("The calendar is imported: %(created)s new events, %(updated)s updated.")
                    % {"created": result.created, "updated": result.updated},
                )
                return HttpResponseRedirect(reverse("admin:planning_event_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Import a calendar"),
            "form": form,
            "days": settings.PLANNING_ICS_DAYS,
        }
        return TemplateResponse(request, "admin/planning/event/import.html", context)

    def export_view(self, request):
        """The agency's own events (not those imported from organisers) from 30 days ago on,
        and repeating ones still running, as an iCalendar file for staff."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        since = timezone.now() - dt.timedelta(days=30)
        events = Event.objects.filter(ics_uid="").filter(
            Q(starts_at__gte=since) | Q(~Q(repeat=""), Q(repeat_until__isnull=True) | Q(repeat_until__gte=since.date()))
        )
        response = HttpResponse(
            ics.export_calendar(events.order_by("starts_at", "pk"), name=gettext("Newsroom plan")),
            content_type="text/calendar; charset=utf-8",
        )
        response["Content-Disposition"] = 'attachment; filename="plan.ics"'
        return response


# -- Assignments -------------------------------------------------------------------------------


class AssigneesField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return services.display_name(obj)


class AssignmentForm(forms.ModelForm):
    class Meta:
        model = Assignment
        fields = ["slug", "section", "language", "kind", "due_at", "assignees", "notes", "event", "state"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 4})}

    def clean_due_at(self):
        due_at = self.cleaned_data.get("due_at")
        if self.instance.pk is None:
            try:
                services.check_due(due_at)
            except ValidationError as error:
                raise ValidationError(error.messages) from error
        return due_at

    def clean_assignees(self):
        users = self.cleaned_data.get("assignees")
        services.check_assignees(list(users or []))
        return users


@admin.register(Assignment)
class AssignmentAdmin(NewsroomTimeMixin, AdminNamesMixin, admin.ModelAdmin):
    names = AdminNames(
        add=_("Add assignment"),
        change=_("Change assignment"),
        view=_("View assignment"),
        select=_("Select assignment to change"),
        select_view=_("Select assignment to view"),
        choose=_("Select assignment"),
        added=_("The assignment “{obj}” was added."),
        changed=_("The assignment “{obj}” was changed."),
        deleted=_("The assignment “{obj}” was deleted."),
    )
    form = AssignmentForm
    change_form_template = "admin/planning/assignment/change_form.html"
    list_display = ["slug", "section", "due", "kind", "people", "state_shown", "event"]
    list_filter = ["state", "kind", "section", "language"]
    search_fields = ["slug", "notes"]
    date_hierarchy = "due_at"
    ordering = ["-due_at", "-pk"]
    fieldsets = [
        (None, {"fields": ["slug", ("section", "language"), ("kind", "due_at"), "assignees", "notes"]}),
        (_("Event and state"), {"fields": ["event", "state", "article"]}),
    ]

    def get_queryset(self, request):
        # Everyone who may see the plan sees all of it; the list shows "published" from the article.
        return assignments(super().get_queryset(request))

    def get_readonly_fields(self, request, obj=None):
        if services.user_can_plan(request.user):
            return ["article"]
        return [field.name for field in Assignment._meta.fields if field.editable and field.name != "id"] + [
            "assignees"
        ]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "event":
            since = timezone.now() - dt.timedelta(days=7)
            kwargs["queryset"] = Event.objects.filter(
                Q(starts_at__gte=since) | (~Q(repeat="") & (Q(repeat_until__isnull=True) | Q(repeat_until__gte=since)))
            ).order_by("starts_at", "pk")
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "assignees":
            return AssigneesField(
                queryset=services.assignable_users(),
                required=False,
                widget=forms.CheckboxSelectMultiple,
                label=db_field.verbose_name.capitalize(),
                help_text=db_field.help_text,
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        if "due_at" not in initial:
            # The next whole hour after the next, a due time a new assignment can keep.
            soon = timezone.localtime().replace(minute=0, second=0, microsecond=0) + dt.timedelta(hours=2)
            initial["due_at"] = soon
        return initial

    @admin.display(description=_("due"), ordering="due_at")
    def due(self, obj):
        return newsroom_time(obj.due_at)

    @admin.display(description=_("assignees"))
    def people(self, obj):
        return ", ".join(services.display_name(user) for user in obj.assignees.all()) or gettext("the desk")

    @admin.display(description=_("state"), ordering="state")
    def state_shown(self, obj):
        return obj.get_state_now_display()

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        request._assignees_before = (
            set(Assignment.assignees.through.objects.filter(assignment=obj).values_list("user_id", flat=True))
            if change
            else set()
        )
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if "assignees" in form.cleaned_data:
            before = getattr(request, "_assignees_before", set())
            new = [user for user in form.cleaned_data["assignees"] if user.pk not in before]
            if new:
                services.assignment_notify_assigned(assignment=form.instance, by=request.user, users=new)

    # -- The assignment's page: Take, Start the article, state moves --

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            user = request.user
            context["assignment_actions"] = {
                "take": services.user_can_take(user, obj),
                "start": services.user_can_start(user, obj),
                "states": [(state, Assignment.State(state).label) for state in services.states_for(user, obj)],
            }
            context["state_now"] = obj.get_state_now_display()
            if not services.user_can_plan(user):
                context["show_save"] = context["show_save_and_continue"] = False
                context["show_save_and_add_another"] = False
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_urls(self):
        def view(name, function):
            wrapped = self.admin_site.admin_view(function)
            return path(f"<int:object_id>/{name}/", wrapped, name=f"planning_assignment_{name}")

        return [
            view("start", self.start_view),
            view("take", self.take_view),
            view("move", self.move_view),
            *super().get_urls(),
        ]

    def _assignment(self, request, object_id) -> Assignment:
        if not self.has_view_permission(request):
            raise PermissionDenied
        return get_object_or_404(Assignment.objects.prefetch_related("assignees"), pk=object_id)

    def _back(self, request, assignment) -> HttpResponseRedirect:
        target = request.POST.get("next", "")
        if target.startswith("/admin/") and "//" not in target:
            return HttpResponseRedirect(target)
        return HttpResponseRedirect(reverse("admin:planning_assignment_change", args=[assignment.pk]))

    @staticmethod
    def _refused(request, error) -> None:
        messages.error(request, " ".join(getattr(error, "messages", None) or [str(error)]))

    def start_view(self, request, object_id):
        """Start the article (or open the one already started) and go to its page."""
        assignment = self._assignment(request, object_id)
        if request.method != "POST":
            return self._back(request, assignment)
        try:
            article = services.assignment_start_article(assignment=assignment, by=request.user)
        except PermissionDenied as error:
            self._refused(request, error)
            return self._back(request, assignment)
        messages.success(request, gettext("The article of “%(slug)s” is started.") % {"slug": assignment.slug})
        return HttpResponseRedirect(reverse("admin:articles_article_change", args=[article.pk]))

    def take_view(self, request, object_id):
        assignment = self._assignment(request, object_id)
        if request.method == "POST":
            try:
                services.assignment_take(assignment=assignment, by=request.user)
            except (PermissionDenied, ValidationError) as error:
                self._refused(request, error)
            else:
                messages.success(request, gettext("“%(slug)s” is yours.") % {"slug": assignment.slug})
        return self._back(request, assignment)

    def move_view(self, request, object_id):
        assignment = self._assignment(request, object_id)
        if request.method == "POST":
            try:
                moved = services.assignment_move(
                    assignment=assignment, state=request.POST.get("state", ""), by=request.user
                )
            except PermissionDenied as error:
                self._refused(request, error)
            else:
                messages.success(
                    request,
                    gettext("“%(slug)s” is now: %(state)s.")
                    % {"slug": moved.slug, "state": moved.get_state_display().lower()},
                )
        return self._back(request, assignment)


# -- The story budget --------------------------------------------------------------------------


def _url_of(name: str):
    """``reverse(name, args=[pk])`` for many pks: reversed once, the id put in after (300 rows
    reversed four times each cost 50 ms)."""
    pattern = reverse(name, args=[987654321])
    return lambda pk: pattern.replace("987654321", str(pk))


def _label_rows(rows) -> None:
    """What each budget row shows, ready for the template: its addresses, assignees' names,
    state label and due time in newsroom time (a row costs a few template lookups, not dozens)."""
    change, take, start = (_url_of(f"admin:planning_assignment_{name}") for name in ("change", "take", "start"))
    article = _url_of("admin:articles_article_change")
    labels = {**dict(Assignment.State.choices), Assignment.PUBLISHED: gettext("Published")}
    kinds = dict(Assignment.Kind.choices)
    zone = timezone.get_default_timezone()
    for row in rows:
        row.change_url, row.take_url, row.start_url = change(row.pk), take(row.pk), start(row.pk)
        row.article_url = article(row.article_id) if row.article_id else ""
        row.people = ", ".join(services.display_name(user) for user in row.assignees.all())
        row.state_label = labels[row.state_now]
        row.kind_label = kinds[row.kind]
        local = row.due_at.astimezone(zone)
        row.due_iso, row.due_time = local.isoformat(), local.strftime("%H:%M")


@admin.register(Budget)
class BudgetAdmin(AdminNamesMixin, admin.ModelAdmin):
    """``/admin/planning/budget/?date=YYYY-MM-DD``: the day's assignments by section and its
    events, printable. Today (newsroom time) without a date; a date that is not one says so and
    shows today."""

    names = AdminNames(
        add=_("Story budget"),
        change=_("Story budget"),
        view=_("Story budget"),
        select=_("Story budget"),
        select_view=_("Story budget"),
        choose=_("Story budget"),
        added=_("“{obj}”"),
        changed=_("“{obj}”"),
        deleted=_("“{obj}”"),
    )

    def has_module_permission(self, request):
        return services.user_can_see_plan(request.user)

    def has_view_permission(self, request, obj=None):
        # The page, never one row through it: an assignment's own page is AssignmentAdmin's.
        return obj is None and services.user_can_see_plan(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        # Django's other pages for the proxy stay (and answer 403): only the list is the budget.
        budget = path("", self.admin_site.admin_view(self.changelist_view), name="planning_budget_changelist")
        return [budget, *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        asked = request.GET.get("date")
        day = parse_day(asked)
        if day is not None and not (dt.date(1970, 1, 2) <= day <= dt.date(2200, 12, 30)):
            day = None
        bad_date = bool(asked) and day is None
        day = day or timezone.localdate()
        budget = day_budget(day)
        user = request.user
        rows = [row for section in budget.sections for row in section.assignments]
        services.mark_actions(user, rows)
        _label_rows(rows)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Story budget for %(day)s") % {"day": date_format(day, "l, j E Y")},
            "budget": budget,
            "day": day,
            "today": timezone.localdate(),
            "previous_day": day - dt.timedelta(days=1),
            "next_day": day + dt.timedelta(days=1),
            "bad_date": asked if bad_date else "",
            "zone": newsroom_zone(),
            "can_plan": services.user_can_plan(user),
            # Said once per page, not once per row.
            "overdue_label": gettext("overdue"),
            "desk_label": gettext("the desk"),
            "take_label": gettext("Take"),
            "start_label": gettext("Start the article"),
            "budget_title": self.names.select_view,
        }
        return TemplateResponse(request, "admin/planning/budget.html", context)
