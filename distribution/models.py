"""Partner API keys: a name, a short visible prefix and the key's hash (never the key itself)."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# A key reads "nrk_<prefix>_<secret>": the prefix finds the row (and tells an editor which key a
# partner holds), the secret is only ever stored as its SHA-256.
KEY_SCHEME = "nrk"
PREFIX_LENGTH = 8


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiKeyQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class ApiKey(models.Model):
    """One partner's key to the partner API (``distribution.api``). Made by
    ``manage.py create_api_key NAME``, which prints the key once; revoked in the admin."""

    name = models.CharField(_("partner"), max_length=200, help_text=_("Who holds the key, e.g. «Kazinform, лента»."))
    prefix = models.CharField(_("prefix"), max_length=PREFIX_LENGTH, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def issue(cls, name: str, *, by=None) -> tuple["ApiKey", str]:
        """A new key for ``name``: the saved row and the key, which exists nowhere else."""
        while True:
            prefix = secrets.token_hex(PREFIX_LENGTH // 2)
            if not cls.objects.filter(prefix=prefix).exists():
                break
        secret = secrets.token_urlsafe(32)
        key = cls.objects.create(name=name, prefix=prefix, key_hash=hash_secret(secret), created_by=by)
        return key, f"{KEY_SCHEME}_{prefix}_{secret}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
