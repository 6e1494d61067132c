"""News agencies: the publisher (with its legal registration) and the sources articles credit."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from newsroom.i18n import TranslatedMixin, translation
from newsroom.slugs import UniqueSlugMixin
from newsroom.text import PlainTextMixin
from photos.images import DatedPath, SafeImageField


class AgencyQuerySet(models.QuerySet):
    def publisher(self):
        """The one agency that publishes this site, or None before it is set up."""
        return self.filter(is_publisher=True).first()

    def site_url(self) -> str:
        """The site's address for links read outside it (mails): SITE_URL, else the publisher's
        domain over HTTPS; empty when neither is set."""
        if settings.SITE_URL:
            return settings.SITE_URL.rstrip("/")
        publisher = self.publisher()
        return f"https://{publisher.domain.strip().lower()}" if publisher and publisher.domain.strip() else ""


class Agency(PlainTextMixin, TranslatedMixin, UniqueSlugMixin, models.Model):
    name = models.CharField(
        _("full name"), max_length=255, help_text=_("e.g. Международное информационное агентство «DKNews»")
    )
    name_kk = translation(models.CharField, _("full name (Kazakh)"), max_length=255)
    name_en = translation(models.CharField, _("full name (English)"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=100, help_text=_("e.g. МИА «DKNews»"))
    short_name_kk = translation(models.CharField, _("short name (Kazakh)"), max_length=100)
    short_name_en = translation(models.CharField, _("short name (English)"), max_length=100)
    slug = models.SlugField(
        _("slug"), max_length=120, unique=True, blank=True, help_text=_("Leave empty to build it from the short name.")
    )
    domain = models.CharField(
        _("domain"), max_length=255, blank=True, help_text=_("Shown in credits: «..., передает DKNews.kz».")
    )
    founded_year = models.PositiveSmallIntegerField(_("founded in"), null=True, blank=True)
    is_publisher = models.BooleanField(
        _("publisher of this site"),
        default=False,
        help_text=_("Exactly one agency publishes this site; the others are sources."),
    )
    registration_authority = models.CharField(_("registration authority"), max_length=255, blank=True)
    registration_authority_kk = translation(models.CharField, _("registration authority (Kazakh)"), max_length=255)
    registration_authority_en = translation(models.CharField, _("registration authority (English)"), max_length=255)
    registration_number = models.CharField(_("registration certificate number"), max_length=50, blank=True)
    registration_number_en = translation(
        models.CharField,
        _("registration certificate number (Latin letters)"),
        max_length=50,
        help_text=_("As English documents write it, e.g. 10484-AA. Empty: the number as above."),
    )
    registration_date = models.DateField(_("registration date"), null=True, blank=True)
    logo = SafeImageField(
        _("logo"),
        upload_to=DatedPath("agencies"),
        blank=True,
        help_text=_("Search engines show it with the articles (at least 112 px)."),
    )

    objects = AgencyQuerySet.as_manager()

    slug_source = "short_name"
    slug_fallback = "agency"
    translated_fields = ("name", "short_name", "registration_authority")

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["short_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_publisher"],
                condition=Q(is_publisher=True),
                name="agencies_agency_one_publisher",
                violation_error_message=_("Another agency is already the publisher. Untick it there first."),
            ),
            models.CheckConstraint(
                condition=Q(founded_year__isnull=True) | Q(founded_year__gte=1800, founded_year__lte=2200),
                name="agencies_agency_founded_year_range",
                violation_error_message=_("The founding year must be between 1800 and 2200."),
            ),
        ]

    def __str__(self):
        return self.short_name

    def clean(self):
        super().clean()
        if self.is_publisher:
            # The imprint in every page's footer is a legal requirement: the publisher needs it all.
            required = ["registration_authority", "registration_number", "registration_date", "founded_year"]
            missing = {
                field: _("The publisher needs this for the imprint in every page's footer.")
                for field in required
                if not getattr(self, field)
            }
            if missing:
                raise ValidationError(missing)

    @property
    def credit_name(self) -> str:
        """The name a credit line uses: «..., передает DKNews.kz»."""
        return self.domain or self.i18n.short_name


class PromoBlock(PlainTextMixin, TranslatedMixin, models.Model):
    """One of the agency's channels, advertised under articles (a Telegram channel, a newsletter).
    Each language's site may point to a channel of its own (``url_kk``, ``url_en``)."""

    title = models.CharField(_("title"), max_length=200)
    title_kk = translation(models.CharField, _("title (Kazakh)"), max_length=200)
    title_en = translation(models.CharField, _("title (English)"), max_length=200)
    text = models.TextField(_("text"), blank=True)
    text_kk = translation(models.TextField, _("text (Kazakh)"))
    text_en = translation(models.TextField, _("text (English)"))
    url = models.URLField(_("link"), max_length=500)
    url_kk = translation(models.URLField, _("link (Kazakh)"), max_length=500)
    url_en = translation(models.URLField, _("link (English)"), max_length=500)
    link_text = models.CharField(
        _("link text"), max_length=100, blank=True, help_text=_("Leave empty for «Subscribe for free».")
    )
    link_text_kk = translation(models.CharField, _("link text (Kazakh)"), max_length=100)
    link_text_en = translation(models.CharField, _("link text (English)"), max_length=100)
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0, help_text=_("Smaller numbers come first."))

    translated_fields = ("title", "text", "url", "link_text")

    class Meta:
        verbose_name = _("promo block")
        verbose_name_plural = _("promo blocks")
        ordering = ["position", "pk"]

    def __str__(self):
        return self.title
