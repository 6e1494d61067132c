"""What an anonymous reader's request skips in the middleware (newsroom/middleware.py): no
session, no language from cookies or Accept-Language, no nonce, no hash of answers no cache
keeps; and the view beacon answered before all of it (readership/middleware.py)."""

import logging

import pytest
from django.contrib.sessions.backends.db import SessionStore

from tests.factories import ArticleFactory, PublisherFactory
from tests.reading import beacon_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_session_load(monkeypatch):
    """Any attempt to load a session fails the request."""

    def load(self):
        raise AssertionError("a session was loaded")

    monkeypatch.setattr(SessionStore, "load", load)


def test_a_readers_pages_and_beacon_load_no_session(client, no_session_load, caplog):
    caplog.set_level(logging.INFO, logger="newsroom.requests")  # it names the user: not by loading a session
    PublisherFactory()
    article = ArticleFactory()
    page = client.get(article.get_absolute_url())
    assert page.status_code == 200
    assert client.get("/").status_code == 200 and client.get("/nope/").status_code == 404
    assert client.post(f"{beacon_url(page)}?t={'a' * 32}").status_code == 204
    client.cookies["sessionid"] = "whatever"  # a beacon from a signed-in browser: still none
    assert client.post(f"{beacon_url(page)}?t={'b' * 32}").status_code == 204
    assert f"GET {article.get_absolute_url()} 200" in caplog.text and "user=-" in caplog.text


def test_the_language_comes_from_the_path_alone(client):
    PublisherFactory()
    client.cookies["django_language"] = "en"
    for path, language in [("/", "ru"), ("/kk/", "kk"), ("/en/", "en"), ("/kkk/", "ru")]:
        answer = client.get(path, headers={"Accept-Language": "kk, en;q=0.8"})
        assert answer["Content-Language"] == language, path
        assert "Accept-Language" not in answer.get("Vary", "")


def test_the_admin_speaks_the_language_its_user_picked(admin_client):
    admin_client.cookies["django_language"] = "kk"
    answer = admin_client.get("/admin/")
    assert answer["Content-Language"] == "kk" and 'lang="kk"' in answer.content.decode()


def test_only_the_admin_gets_a_nonce(client, admin_client):
    PublisherFactory()
    assert "nonce-" not in client.get("/")["Content-Security-Policy"]
    assert "'nonce-" in admin_client.get("/admin/")["Content-Security-Policy"]


def test_etags_only_for_answers_a_cache_keeps(client):
    PublisherFactory()
    assert client.get("/")["ETag"]
    login = client.get("/admin/login/")
    assert "no-store" in login["Cache-Control"] and "ETag" not in login
