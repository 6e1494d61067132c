"""The project's set-up promises: configuration, migrations' data, roles."""

import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import Group

from articles.models import Country
from tests.conftest import subprocess_env

ROOT = Path(__file__).resolve().parent.parent


def run_check(**env):
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=subprocess_env(**{"SECRET_KEY": "", "DEBUG": "", **env}),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_refuses_to_start_without_a_secret_key_when_debug_is_off():
    result = run_check(DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_refuses_a_weak_secret_key_when_debug_is_off():
    result = run_check(DEBUG="0", SECRET_KEY="short", ALLOWED_HOSTS="example.kz")
    assert result.returncode != 0
    assert "SECRET_KEY is too weak" in result.stderr


def test_starts_with_a_strong_secret_key_when_debug_is_off():
    result = run_check(
        DEBUG="0", SECRET_KEY="k" * 20 + "0123456789abcdefghijklmnopqrstuvwxyz", ALLOWED_HOSTS="example.kz"
    )
    assert result.returncode == 0, result.stderr


def test_rejects_a_misspelt_debug_value():
    result = run_check(DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG must be one of" in result.stderr


@pytest.mark.django_db
def test_every_iso_country_is_loaded_with_russian_and_kazakh_names():
    assert Country.objects.count() == 249
    kz = Country.objects.get(code="KZ")
    assert (kz.name_ru, kz.name_kk, kz.name_en, kz.slug) == ("Казахстан", "Қазақстан", "Kazakhstan", "kazakhstan")
    assert Country.objects.get(code="AZ").name_kk == "Әзірбайжан"
    assert not Country.objects.filter(name_kk="").exists()


@pytest.mark.django_db
def test_roles_come_from_a_migration_and_only_editors_may_publish():
    editor = set(Group.objects.get(name="Editor").permissions.values_list("codename", flat=True))
    journalist = set(Group.objects.get(name="Journalist").permissions.values_list("codename", flat=True))
    assert "publish_article" in editor
    assert "publish_article" not in journalist
    assert {"add_article", "change_article"} <= journalist
    assert not any(codename.endswith("_agency") and not codename.startswith("view") for codename in editor | journalist)


def test_gunicorn_freezes_what_the_workers_share_before_forking():
    # gunicorn.conf.py's when_ready: the preloaded application (and its URL patterns, templates
    # and catalogues) is moved out of the garbage collector's sight before the fork, so a
    # worker's full collection no longer scans it (about 100 ms at the p99 of list pages).
    import gc
    import runpy
    from types import SimpleNamespace

    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert conf["preload_app"] is True
    gc.unfreeze()
    try:
        conf["when_ready"](SimpleNamespace(cfg=SimpleNamespace(preload_app=False)))
        assert gc.get_freeze_count() == 0
        conf["when_ready"](SimpleNamespace(cfg=SimpleNamespace(preload_app=True)))
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()
