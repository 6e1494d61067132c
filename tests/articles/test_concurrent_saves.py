"""20 journalists save 20 different articles through the admin at the same moment: nothing lost."""

import concurrent.futures
import http.cookiejar
import re
import threading
import urllib.parse
import urllib.request

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import Group
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection

from articles.models import Article
from tests.factories import ArticleFactory, UserFactory

JOURNALISTS = 20


def session_cookie(user) -> str:
    """What logging in leaves in the browser: a session for ``user``."""
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return session.session_key


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need a server database")
@pytest.mark.django_db(transaction=True)
def test_twenty_journalists_save_at_once_and_nothing_is_lost(live_server):
    group = Group.objects.get(name="Journalist")
    work = []
    for number in range(JOURNALISTS):
        journalist = UserFactory(username=f"journalist{number}")
        journalist.groups.add(group)
        article = ArticleFactory(title=f"Черновик {number}", status="draft", publish_at=None, created_by=journalist)
        work.append((session_cookie(journalist), article.pk, number))
    everyone_ready = threading.Barrier(JOURNALISTS)

    def save(job):
        session_key, pk, number = job
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        opener.addheaders = [("Cookie", f"{settings.SESSION_COOKIE_NAME}={session_key}")]
        url = f"{live_server.url}/admin/articles/article/{pk}/change/"
        page = opener.open(url, timeout=60).read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        version = re.search(r'name="loaded_version" value="(\d+)"', page).group(1)
        csrf_cookie = next(cookie.value for cookie in jar if cookie.name == "csrftoken")
        form = {
            "csrfmiddlewaretoken": token, "loaded_version": version, "title": f"Черновик {number}",
            "slug": "", "lead": f"Лид журналиста {number}", "body": f"<p>Текст {number}</p>", "language": "ru",
            "status": "review", "photo_caption": "", "_save": "Сохранить",
        }  # fmt: skip
        request = urllib.request.Request(
            url,
            data=urllib.parse.urlencode(form).encode(),
            headers={
                "Cookie": f"{settings.SESSION_COOKIE_NAME}={session_key}; csrftoken={csrf_cookie}",
                "Referer": url,
            },
        )
        everyone_ready.wait(timeout=60)  # all twenty press "Save" together
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.url

    with concurrent.futures.ThreadPoolExecutor(max_workers=JOURNALISTS) as pool:
        results = list(pool.map(save, work))

    assert all(status == 200 and url.endswith("/admin/articles/article/") for status, url in results), results
    for _, pk, number in work:
        article = Article.objects.get(pk=pk)
        assert (article.lead, article.status, article.version) == (f"Лид журналиста {number}", "review", 2)
        assert article.history.count() == 2
