"""Load every ISO 3166-1 country with Russian, Kazakh and English names (from pycountry)."""

import gettext

from django.db import migrations


def country_rows():
    import pycountry

    from newsroom.slugs import slugify

    translations = {
        language: gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language])
        for language in ("ru", "kk")
    }

    def name_in(language, country):
        # Prefer the common name ("Иран", "Южная Корея") when it is translated; else the official one.
        common = getattr(country, "common_name", None)
        if common:
            translated = translations[language].gettext(common)
            if translated != common:
                return translated
        return translations[language].gettext(country.name)

    for country in pycountry.countries:
        name_en = getattr(country, "common_name", None) or country.name
        yield {
            "code": country.alpha_2,
            "name_ru": name_in("ru", country),
            "name_kk": name_in("kk", country),
            "name_en": name_en,
            "slug": slugify(name_en, fallback=country.alpha_2.lower()),
        }


def load_countries(apps, schema_editor):
    Country = apps.get_model("articles", "Country")
    db = schema_editor.connection.alias
    existing = set(Country.objects.using(db).values_list("code", flat=True))
    Country.objects.using(db).bulk_create([Country(**row) for row in country_rows() if row["code"] not in existing])


class Migration(migrations.Migration):
    dependencies = [("articles", "0001_initial")]

    operations = [migrations.RunPython(load_countries, migrations.RunPython.noop)]
