from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("Newsroom")
admin.site.site_title = _("Newsroom")

urlpatterns = [
    path("admin/", admin.site.urls),
]

# The public site in Russian at /, in Kazakh at /kk/ and in English at /en/.
urlpatterns += i18n_patterns(path("", include("articles.urls")), prefix_default_language=False)

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
