"""The benchmark's yardstick pages: the constant page (``FLOOR_PAGE``) that the bare Django
project (bench/bare) and the project's whole stack (bench/floor/settings.py) both answer."""

FLOOR_PAGE = (
    "<!DOCTYPE html><html lang=ru><head><meta charset=utf-8><title>floor</title></head><body>"
    + "x" * 2900
    + "</body></html>"
).encode()
