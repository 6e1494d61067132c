"""manage.py create_api_key NAME: a partner API key, printed once (only its hash is kept)."""

from django.core.management.base import BaseCommand, CommandError

from distribution.models import ApiKey


class Command(BaseCommand):
    help = "Create a partner API key and print it once: only its hash is stored."

    def add_arguments(self, parser):
        parser.add_argument("name", help="Who gets the key, e.g. «Kazinform».")

    def handle(self, *args, name, **options):
        name = name.strip()
        if not name:
            raise CommandError("Give the partner's name, e.g. create_api_key Kazinform.")
        if len(name) > ApiKey._meta.get_field("name").max_length:
            raise CommandError("The name is too long: at most 200 characters.")
        key, secret = ApiKey.issue(name)
        self.stdout.write(secret)
        self.stderr.write(
            f"The key for «{key.name}» (prefix {key.prefix}) is above. It is shown only now: "
            "give it to the partner; it cannot be read back. Revoke it in the admin (API keys)."
        )
