"""A real S3 API server for tests: moto's ThreadedMotoServer on a free local port (real HTTP;
boto3 talks to it over the network, nothing is patched), and a bucket per test with the media
storage pointed at it the way the environment points production at S3 (newsroom/media.py)."""

import json
import logging
import secrets
import socket

import boto3
import pytest
from django.conf import settings as django_settings

from newsroom.media import S3_BACKEND, s3_options

ACCESS_KEY = "AKIAMEDIATESTS000001"
SECRET_KEY = "media-tests-secret-never-shown-0123456789"
REGION = "us-east-1"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def closed_port_url() -> str:
    """An address where nothing listens: the storage "does not answer" at once."""
    return f"http://127.0.0.1:{free_port()}"


def s3_environ(endpoint: str, bucket: str, public_url: str | None = None) -> dict:
    """The variables an operator sets for media on S3 (README), for ``s3_options``."""
    return {
        "MEDIA_STORAGE_BACKEND": S3_BACKEND,
        "AWS_STORAGE_BUCKET_NAME": bucket,
        "AWS_S3_ENDPOINT_URL": endpoint,
        "AWS_S3_REGION_NAME": REGION,
        "AWS_ACCESS_KEY_ID": ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
        # Path-style public addresses straight at the server: what a CDN in front would serve.
        "MEDIA_PUBLIC_URL": public_url or f"{endpoint}/{bucket}/",
    }


def use_s3(settings, environ: dict) -> None:
    """Point the default storage at a bucket (Django resets its cached storages when STORAGES
    changes: the ``setting_changed`` receiver in django.test.signals)."""
    settings.STORAGES = {
        **django_settings.STORAGES,
        "default": {"BACKEND": S3_BACKEND, "OPTIONS": s3_options(environ)},
    }
    settings.MEDIA_URL = environ["MEDIA_PUBLIC_URL"]


def public_read_policy(bucket: str) -> dict:
    """The bucket policy docs/deploy.md gives: anyone may read the objects, nothing else."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "PublicReadMedia",
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{bucket}/*",
            }
        ],
    }


@pytest.fixture(scope="session")
def s3_server():
    """The S3 API's address (``http://127.0.0.1:<port>``), for the whole session."""
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # a line per S3 request otherwise
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


class Bucket:
    def __init__(self, endpoint: str, name: str):
        self.endpoint, self.name = endpoint, name
        self.environ = s3_environ(endpoint, name)
        self.public_url = self.environ["MEDIA_PUBLIC_URL"]
        self.client = boto3.client(
            "s3",
            endpoint_url=endpoint,
            region_name=REGION,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
        )

    def keys(self) -> set[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.name)
        return {item["Key"] for page in pages for item in page.get("Contents", [])}

    def read(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()


@pytest.fixture
def s3_bucket(s3_server, settings):
    """A new, empty bucket on the test server, readable by the public through a bucket policy,
    with the media storage pointed at it."""
    bucket = Bucket(s3_server, f"media-{secrets.token_hex(6)}")
    bucket.client.create_bucket(Bucket=bucket.name)
    bucket.client.put_bucket_policy(Bucket=bucket.name, Policy=json.dumps(public_read_policy(bucket.name)))
    use_s3(settings, bucket.environ)
    return bucket
