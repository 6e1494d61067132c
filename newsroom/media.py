"""Media on S3-compatible storage: the S3 backend's options read from the environment, what
"the media storage did not answer" is, every stored file (for backups), and the
``check --deploy`` probe of the bucket.

The local file system is the default. ``MEDIA_STORAGE_BACKEND=storages.backends.s3.S3Storage``
puts uploads in a bucket (django-storages); readers' pages then link them at
``MEDIA_PUBLIC_URL`` (a CDN or the bucket's public address), plain URLs without a signature,
so no reader request reaches the application for a photo and no page render touches the
storage. The secret key is never shown, logged or put in a message.
"""

from collections.abc import Iterator
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

S3_BACKEND = "storages.backends.s3.S3Storage"
# How long an upload waits for the storage before the form says it did not answer.
CONNECT_TIMEOUT = 3
READ_TIMEOUT = 20

STORAGE_FAILED_MESSAGE = _(
    "The photo could not be stored: the media storage did not answer. Nothing was saved; try again."
)


class StorageUnavailable(Exception):
    """The media storage could not be reached or refused a write or read."""


def public_base(url: str) -> tuple[str, str]:
    """``https://media.dknews.kz/some/prefix/`` -> (``https:``, ``media.dknews.kz/some/prefix``):
    django-storages' ``url_protocol`` and ``custom_domain`` (a host and an optional path)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ImproperlyConfigured(
            f"MEDIA_PUBLIC_URL must be an http(s) address such as https://media.example.com/; got {url!r}."
        )
    return f"{parts.scheme}:", (parts.netloc + parts.path).rstrip("/")


def public_origin(url: str) -> str:
    """The origin (``https://media.dknews.kz``) of ``MEDIA_PUBLIC_URL``, for the CSP's img-src."""
    protocol, domain = public_base(url)
    return f"{protocol}//{domain.split('/', 1)[0]}"


def s3_options(environ) -> dict:
    """``STORAGES["default"]["OPTIONS"]`` for ``S3Storage``, from the environment. Fails closed:
    without a bucket or a public address the site does not start."""
    missing = [name for name in ("AWS_STORAGE_BUCKET_NAME", "MEDIA_PUBLIC_URL") if not environ.get(name, "").strip()]
    if missing:
        raise ImproperlyConfigured(f"MEDIA_STORAGE_BACKEND is {S3_BACKEND}, but {' and '.join(missing)} is not set.")
    from botocore.config import Config

    protocol, domain = public_base(environ["MEDIA_PUBLIC_URL"].strip())
    return {
        "bucket_name": environ["AWS_STORAGE_BUCKET_NAME"].strip(),
        "endpoint_url": environ.get("AWS_S3_ENDPOINT_URL", "").strip() or None,  # empty: AWS itself
        "region_name": environ.get("AWS_S3_REGION_NAME", "").strip() or None,
        # Empty: boto3 finds credentials itself (an instance role, ~/.aws).
        "access_key": environ.get("AWS_ACCESS_KEY_ID") or None,
        "secret_key": environ.get("AWS_SECRET_ACCESS_KEY") or None,
        # Links are plain public addresses at MEDIA_PUBLIC_URL, never presigned: pages stay
        # cacheable, and their HTML never depends on the time they were rendered.
        "custom_domain": domain,
        "url_protocol": protocol,
        "querystring_auth": False,
        # Objects carry no ACL: readability is the bucket policy's job (docs/deploy.md), which
        # also works where ACLs are disabled (AWS's default for new buckets).
        "default_acl": None,
        # A name that exists gets a suffix, as on the file system (names are content hashes,
        # so this happens only for the same bytes).
        "file_overwrite": False,
        "object_parameters": {"CacheControl": "public, max-age=86400"},  # as nginx serves /media/
        "client_config": Config(
            connect_timeout=CONNECT_TIMEOUT,
            read_timeout=READ_TIMEOUT,
            retries={"mode": "standard", "max_attempts": 2},
        ),
    }


def storage_errors() -> tuple[type[BaseException], ...]:
    """The exceptions that mean the storage did not answer or refused: the file system's, and
    with the S3 backend, boto3's (unreachable, timed out, bad keys, no such bucket, an upload
    that failed)."""
    errors: tuple[type[BaseException], ...] = (OSError,)
    try:
        from boto3.exceptions import Boto3Error
        from botocore.exceptions import BotoCoreError, ClientError
    except ImportError:  # pragma: no cover - boto3 is a runtime requirement
        return errors
    return (*errors, Boto3Error, BotoCoreError, ClientError)


def describe(error: BaseException) -> str:
    """A log line's account of a storage error: its kind and S3's error code, never its text
    (which may hold a request signature or a key id)."""
    response = getattr(error, "response", None)
    code = response.get("Error", {}).get("Code", "") if isinstance(response, dict) else ""
    return f"{type(error).__name__}{f' ({code})' if code else ''}"


def stored_files(storage, folder: str = "") -> Iterator[str]:
    """Every file name in ``storage`` under ``folder``, depth first (``listdir`` is what both the
    file system and S3 backends answer; a missing media folder holds nothing)."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield f"{folder}{name}"
    for name in sorted(folders):
        yield from stored_files(storage, f"{folder}{name}/")


def bucket_problem(options: dict, *, timeout: float = 5) -> str | None:
    """Ask the bucket whether it is there and these keys may use it (``HeadBucket``, once, with a
    short timeout). None when it answers; else what is wrong, in words without any secret."""
    import boto3
    from botocore.config import Config
    from botocore.exceptions import BotoCoreError, ClientError

    client = boto3.session.Session().client(
        "s3",
        endpoint_url=options.get("endpoint_url"),
        region_name=options.get("region_name"),
        aws_access_key_id=options.get("access_key"),
        aws_secret_access_key=options.get("secret_key"),
        config=Config(connect_timeout=timeout, read_timeout=timeout, retries={"max_attempts": 1}),
    )
    bucket = options["bucket_name"]
    where = options.get("endpoint_url") or "AWS"
    try:
        client.head_bucket(Bucket=bucket)
    except ClientError as error:
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        if status == 404:
            return f"The bucket {bucket!r} does not exist at {where}."
        if status in (401, 403):
            return f"The bucket {bucket!r} at {where} refused these keys (HTTP {status}): wrong keys or no permission."
        return f"The bucket {bucket!r} at {where} answered HTTP {status}."
    except BotoCoreError as error:
        return f"The media storage at {where} did not answer ({type(error).__name__})."
    return None
