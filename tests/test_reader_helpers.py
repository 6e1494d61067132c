"""The reader-facing pieces still written in Python, each in its empty case: the addresses of a
picture, the JSON-LD of a site without a publisher, search snippets of nothing, the news feed's
date pattern."""

import datetime as dt

import pytest
import time_machine
from django.test import RequestFactory

from photos.models import Photo
from photos.pictures import picture_attrs
from website import search, seo
from website.templating import feed_time_pattern


def test_a_picture_of_no_photo_or_of_a_photo_without_an_image_has_no_address():
    assert picture_attrs(None) == {} and picture_attrs(Photo(alt_text="x")) == {}


def test_no_publisher_means_no_organization_json_ld():
    assert seo.organization_ld(None, RequestFactory().get("/")) == ""


@pytest.mark.django_db
def test_snippets_of_no_results_or_no_query_are_empty():
    assert search.snippets([], "нефть") == {} and search.snippets([], "") == {}
    assert search.clean_query("\x00\x0b  ") == ""


ALMATY_NOON = dt.datetime(2026, 12, 31, 7, 0, tzinfo=dt.UTC)  # 12:00 on New Year's Eve in Almaty


@time_machine.travel(ALMATY_NOON, tick=False)
def test_the_news_feed_dates_today_by_time_this_year_by_day_and_before_by_year():
    today_in_almaty = ALMATY_NOON - dt.timedelta(hours=11, minutes=30)  # 00:30 local, 19:30 UTC the day before
    assert feed_time_pattern(today_in_almaty) == "H:i"
    assert feed_time_pattern(today_in_almaty - dt.timedelta(hours=1)) == "j E, H:i"
    assert feed_time_pattern(dt.datetime(2025, 12, 31, 18, 0, tzinfo=dt.UTC)) == "j E Y, H:i"
