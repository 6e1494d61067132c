"""Admin helpers shared by the apps: forgetting cached pages after edits, lists that stay fast at
hundreds of thousands of rows (a capped count, pages by id, searches an index can answer), and
uploads that fail as a form error when the media storage does not answer, the sentences the
admin builds around a model's name («Добавить статью», not «Добавить
статья»), also for the accounts and login records of the third-party apps, whose admins this
module re-registers."""

import functools
import logging
import operator
from dataclasses import dataclass

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin, messages
from django.contrib.admin.options import IS_POPUP_VAR
from django.contrib.admin.views.main import ORDER_VAR, SEARCH_VAR
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.paginator import EmptyPage, Paginator
from django.db.models import Case, Q, Value, When
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.functional import Promise, cached_property
from django.utils.html import format_html
from django.utils.text import smart_split, unescape_string_literal
from django.utils.translation import gettext, gettext_noop, ngettext_lazy, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from newsroom import media
from newsroom.i18n import TRANSLATIONS
from newsroom.pagecache import pages_changed
from newsroom.text import plain

storage_log = logging.getLogger("newsroom.media")


class ForgetsCachedReadsMixin:
    """After any save or delete through this admin (list_editable and inlines included), forget
    every cached public page and the data every page shows (``pagecache.page_data``), now and
    again once the admin's transaction commits, so readers see the change at once."""

    def changed(self) -> None:
        pages_changed()

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        self.changed()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        self.changed()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        self.changed()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        self.changed()


class MediaStorageErrorsMixin:
    """A file the media storage does not take (S3 unreachable, wrong keys, no such bucket; a full
    disk) is a form error on the add or change page, never a 500. The admin saves inside a
    transaction, so when the storage fails the row is rolled back; the page is then shown again
    from the same POST with ``STORAGE_FAILED_MESSAGE`` at the file field. Files written before
    the failure stay behind under their content-hash names, harmless."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except (media.StorageUnavailable, *media.storage_errors()) as error:
            if request.method != "POST" or getattr(request, "media_storage_failed", False):
                raise
            cause = error.__cause__ if isinstance(error, media.StorageUnavailable) and error.__cause__ else error
            storage_log.warning("%s: the media storage did not answer: %s", self.opts.label, media.describe(cause))
            request.media_storage_failed = True
            for upload in request.FILES.values():
                upload.seek(0)  # read again by the second validation
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if not getattr(request, "media_storage_failed", False):
            return form

        class StorageFailedForm(form):
            def clean(self):
                cleaned = super().clean()
                files = [name for name in self.changed_data if name in self.files]
                self.add_error(files[0] if files else None, media.STORAGE_FAILED_MESSAGE)
                return cleaned

        return StorageFailedForm


# A list counts at most this many rows, and pages no further (``CappedPaginator``); a searched
# list (or an autocomplete widget's answer) this many: a word in a tenth of 500,000 photos
# took 65 ms to count to 10,000.
LIST_CAP = 10_000
SEARCH_CAP = 1_000
# A search word shorter than this matches the start of a word, longer ones anywhere in it: a
# trigram index (pg_trgm) answers both, and a one- or two-letter infix would match nearly all.
SHORT_WORD = 3
MAX_SEARCH_WORDS = 8


class CappedPaginator(Paginator):
    """A paginator for lists of hundreds of thousands of rows.

    ``count`` never counts past ``cap`` + 1 rows (one query over at most that many, whatever
    the filters), so ``capped`` says "more than ``cap``" instead of an exact ``COUNT(*)`` of the
    whole table; the pages stop at the cap, and a page asked for past it is the last one.
    A page reads its ids first, then its rows by id: skipping 9,950 rows of an index is cheap,
    skipping 9,950 whole rows (and their annotations) is not, so the 200th page costs about
    what the first does. ``ranked``: the rows are a search's newest ``cap`` matches, best first.
    """

    def __init__(self, object_list, per_page, orphans=0, allow_empty_first_page=True, *, cap=None, ranked=False):
        super().__init__(object_list, per_page, orphans, allow_empty_first_page)
        self.cap = LIST_CAP if cap is None else cap
        self.ranked = ranked
        self.past_cap = False  # a page past the cap was asked for

    @cached_property
    def count(self) -> int:
        """The number of rows, or ``cap`` + 1 when there are more than ``cap``."""
        return self.object_list.order_by().values("pk")[: self.cap + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > self.cap

    @cached_property
    def num_pages(self) -> int:
        if self.capped:
            return max(1, self.cap // self.per_page)
        return super().num_pages

    def validate_number(self, number):
        try:
            return super().validate_number(number)
        except EmptyPage:
            if not self.capped or int(number) < 1:
                raise
            self.past_cap = True
            return self.num_pages

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.cap)
        if top + self.orphans >= self.count:
            top = min(self.count, self.cap)
        ids = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        return self._get_page(self.object_list.filter(pk__in=ids), number, self)

    @property
    def cap_display(self) -> str:
        """The cap as the active language writes numbers: «10 000», "10,000"."""
        return number_format(self.cap, force_grouping=True)


class LargeListMixin:
    """For a list that grows to hundreds of thousands of rows (articles, photos, topics, people):
    no exact count (Django's own ``show_full_result_count``, and ``CappedPaginator``), no
    facet counts, and a warning when a page past the cap is asked for."""

    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    paginator = CappedPaginator
    list_per_page = 50  # Django's 100 rows took as long to render as the queries to find them

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        searched = request.GET.get(SEARCH_VAR, "").strip() or request.GET.get("term", "").strip()
        cap = SEARCH_CAP if searched else LIST_CAP
        return self.paginator(queryset, per_page, orphans, allow_empty_first_page, cap=cap)

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        paginator = changelist.paginator
        if getattr(paginator, "past_cap", False):
            changelist.page_num = paginator.num_pages
            messages.warning(
                request,
                gettext(
                    "Pages stop at %(cap)s rows. Narrow the list with the search, a filter or a date "
                    "to reach the others."
                )
                % {"cap": paginator.cap_display},
            )
        return changelist


def search_words(term: str) -> list[str]:
    """The words of a search as Django's admin reads them ("a quoted phrase" is one word), without
    the characters no text field holds (PostgreSQL refuses a NUL byte in a query)."""
    words = []
    for bit in smart_split(plain(term)):
        if bit.startswith(('"', "'")) and bit[0] == bit[-1] and len(bit) > 1:
            bit = unescape_string_literal(bit)
        if bit.strip():
            words.append(bit)
    return words[:MAX_SEARCH_WORDS]


def words_condition(fields, term: str) -> Q:
    """Every word of ``term`` in one of ``fields`` (Django's admin search): a word shorter than
    ``SHORT_WORD`` at the start of the field's text, a longer one anywhere in it."""
    condition = Q()
    for word in search_words(term):
        lookup = "istartswith" if len(word) < SHORT_WORD else "icontains"
        condition &= functools.reduce(operator.or_, (Q(**{f"{field}__{lookup}": word}) for field in fields))
    return condition


def starting_first(queryset, field: str, term: str, ordering):
    """``queryset`` with the rows whose ``field`` starts with ``term``'s first word first, then
    in ``ordering``, when that word is long enough to match inside a word (a shorter one matches
    the start only already, and the list's own order is then an index's). It also keeps
    PostgreSQL from walking the ``ordering`` index in the hope of meeting the matches early:
    matches that sort together (every «Ерлан» after 26,000 other names) made that walk read
    half the table."""
    words = search_words(term)
    if not words or len(words[0]) < SHORT_WORD:
        return queryset
    first = Case(When(**{f"{field}__istartswith": words[0]}, then=Value(0)), default=Value(1))
    return queryset.order_by(first, *ordering)


class IndexedSearchMixin:
    """The admin's search (the list and the autocomplete widgets) over plain text fields, as
    ``words_condition`` builds it: on PostgreSQL each field has a trigram index on its upper-case
    text (``gin_trgm_ops``, migrations), which answers both the prefix and the contains lookups,
    so no search reads the whole table. Unless a column was clicked, the rows whose first search
    field starts with the term come first (``starting_first``): for names; a list whose matches
    are spread evenly over its order (photos, newest first) sets ``search_starting_first`` off.
    """

    search_starting_first = True

    def get_search_results(self, request, queryset, search_term):
        term = " ".join(search_term.split())
        if not term:
            return queryset, False
        fields = self.get_search_fields(request)
        found = queryset.filter(words_condition(fields, term))
        if self.search_starting_first and ORDER_VAR not in request.GET:
            ordering = queryset.query.order_by or self.get_ordering(request) or self.model._meta.ordering
            found = starting_first(found, fields[0], term, ordering)
        return found, False


class TranslatedAdminMixin:
    """For models with Kazakh and English columns (``newsroom.i18n``): a translation too long for
    its column is an error that names the language, and the list says which translations are
    missing (readers of those sites then get the Russian text)."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        language = db_field.name.rpartition("_")[2]
        if formfield is not None and language in TRANSLATIONS and getattr(db_field, "max_length", None):
            formfield.error_messages["max_length"] = TOO_LONG[language]
        return formfield

    @admin.display(description=_("translations"))
    def translations(self, obj):
        missing = obj.missing_translations()
        if not missing:
            return gettext("complete")
        return gettext("missing: %(languages)s") % {"languages": ", ".join(str(MISSING[code]) for code in missing)}


# A language in the list's "missing: ..." cell, lowercase as inside a sentence.
MISSING = {"kk": pgettext_lazy("missing translation", "Kazakh"), "en": pgettext_lazy("missing translation", "English")}

# A translation longer than its column, in words that name the language.
TOO_LONG = {
    "kk": ngettext_lazy(
        "The Kazakh text is too long: at most %(limit_value)d character (it has %(show_value)d).",
        "The Kazakh text is too long: at most %(limit_value)d characters (it has %(show_value)d).",
        "limit_value",
    ),
    "en": ngettext_lazy(
        "The English text is too long: at most %(limit_value)d character (it has %(show_value)d).",
        "The English text is too long: at most %(limit_value)d characters (it has %(show_value)d).",
        "limit_value",
    ),
}


@dataclass(frozen=True)
class AdminNames:
    """The admin's sentences about one model, each a whole translatable sentence.

    Django builds them from the model's name («Add %s» + «статья»), which in Russian gives
    «Добавить статья» and «статья … был успешно добавлен»: the name needs the accusative case
    and the verb its gender. Whole sentences let each language say it its own way: «Добавить
    статью», «Статья «…» добавлена», «Мақаланы өзгерту». Messages take ``{obj}``.
    """

    add: Promise  # the add button and page: «Добавить статью»
    change: Promise  # «Изменить статью»
    view: Promise  # «Просмотреть статью»
    select: Promise  # the list: «Выберите статью для изменения»
    select_view: Promise  # the list for who may only view: «Выберите статью для просмотра»
    choose: Promise  # the list in a pop-up that picks one: «Выберите статью»
    added: Promise  # «Статья «{obj}» добавлена.»
    changed: Promise  # «Статья «{obj}» изменена.»
    deleted: Promise  # «Статья «{obj}» удалена.»


class AdminNamesMixin:
    """Use ``names`` (an ``AdminNames``) for the page titles, the add button and the messages
    after adding, changing and deleting, instead of Django's sentences around the model's name."""

    names: AdminNames | None = None

    def changelist_view(self, request, extra_context=None):
        if self.names is not None:
            if IS_POPUP_VAR in request.GET:
                title = self.names.choose
            elif self.has_change_permission(request):
                title = self.names.select
            else:
                title = self.names.select_view
            extra_context = {"title": title, "add_label": self.names.add, **(extra_context or {})}
        return super().changelist_view(request, extra_context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if self.names is not None:
            if add:
                context["title"] = self.names.add
            elif self.has_change_permission(request, obj):
                context["title"] = self.names.change
            else:
                context["title"] = self.names.view
            context["add_label"] = self.names.add
        return super().render_change_form(request, context, add, change, form_url, obj)

    def response_add(self, request, obj, post_url_continue=None):
        request._admin_names_event = ("added", obj)
        try:
            return super().response_add(request, obj, post_url_continue)
        finally:
            del request._admin_names_event

    def response_change(self, request, obj):
        request._admin_names_event = ("changed", obj)
        try:
            return super().response_change(request, obj)
        finally:
            del request._admin_names_event

    def response_delete(self, request, obj_display, obj_id):
        request._admin_names_event = ("deleted", obj_display)
        try:
            return super().response_delete(request, obj_display, obj_id)
        finally:
            del request._admin_names_event

    def message_user(self, request, message, level=messages.INFO, extra_tags="", fail_silently=False):
        event = getattr(request, "_admin_names_event", None)
        if self.names is not None and event is not None and level == messages.SUCCESS:
            message = self._names_message(request, *event)
        return super().message_user(request, message, level, extra_tags, fail_silently)

    def _names_message(self, request, event: str, obj):
        """The success message of ``event`` (added, changed, deleted), with Django's follow-ups."""
        if event == "deleted":
            return format_html(str(self.names.deleted), obj=obj)
        display = str(obj)
        if self.has_change_permission(request, obj):
            opts = self.opts
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
            display = format_html('<a href="{}">{}</a>', url, display)
        message = format_html(str(getattr(self.names, event)), obj=display)
        if "_continue" in request.POST and self.has_change_permission(request, obj):
            message = format_html("{} {}", message, gettext("You may edit it again below."))
        elif "_addanother" in request.POST:
            message = format_html("{} {}", message, gettext("You can add another one below."))
        return message


# Django's own strings that its Russian and Kazakh catalogues do not translate yet (added in
# Django 6.1): our catalogue does (locale/*/LC_MESSAGES/django.po).
DJANGO_STRINGS = [gettext_noop("- Select an option -")]


# -- The third-party models the admin shows (accounts, login records), with their sentences --


def _renamed(model, names: AdminNames) -> None:
    """Re-register ``model``'s admin as a subclass that speaks in ``names``."""
    model_admin = admin.site._registry[model]
    admin.site.unregister(model)
    admin.site.register(model, type(type(model_admin).__name__, (AdminNamesMixin, type(model_admin)), {"names": names}))


_renamed(
    get_user_model(),
    AdminNames(
        add=_("Add user"),
        change=_("Change user"),
        view=_("View user"),
        select=_("Select user to change"),
        select_view=_("Select user to view"),
        choose=_("Select user"),
        added=_("The user “{obj}” was added."),
        changed=_("The user “{obj}” was changed."),
        deleted=_("The user “{obj}” was deleted."),
    ),
)
_renamed(
    Group,
    AdminNames(
        add=_("Add group"),
        change=_("Change group"),
        view=_("View group"),
        select=_("Select group to change"),
        select_view=_("Select group to view"),
        choose=_("Select group"),
        added=_("The group “{obj}” was added."),
        changed=_("The group “{obj}” was changed."),
        deleted=_("The group “{obj}” was deleted."),
    ),
)
_renamed(
    AccessAttempt,
    AdminNames(
        add=_("Add login attempt"),
        change=_("Change login attempt"),
        view=_("View login attempt"),
        select=_("Select login attempt to change"),
        select_view=_("Select login attempt to view"),
        choose=_("Select login attempt"),
        added=_("The login attempt “{obj}” was added."),
        changed=_("The login attempt “{obj}” was changed."),
        deleted=_("The login attempt “{obj}” was deleted."),
    ),
)
_renamed(
    AccessLog,
    AdminNames(
        add=_("Add login record"),
        change=_("Change login record"),
        view=_("View login record"),
        select=_("Select login record to change"),
        select_view=_("Select login record to view"),
        choose=_("Select login record"),
        added=_("The login record “{obj}” was added."),
        changed=_("The login record “{obj}” was changed."),
        deleted=_("The login record “{obj}” was deleted."),
    ),
)
_renamed(
    AccessFailureLog,
    AdminNames(
        add=_("Add failed login"),
        change=_("Change failed login"),
        view=_("View failed login"),
        select=_("Select failed login to change"),
        select_view=_("Select failed login to view"),
        choose=_("Select failed login"),
        added=_("The failed login “{obj}” was added."),
        changed=_("The failed login “{obj}” was changed."),
        deleted=_("The failed login “{obj}” was deleted."),
    ),
)
