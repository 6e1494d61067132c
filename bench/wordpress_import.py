"""A generated WordPress export of N posts, imported twice: how long, and how much memory?

    .venv/bin/python bench/wordpress_import.py [--posts 100000] [--keep]

Writes ``var/bench-wordpress-<posts>.xml`` (WXR 1.2 as WordPress writes it: 40 categories, 2,000
tags, 30 authors; block-editor bodies of four paragraphs with a caption shortcode, an embed
block or an unknown shortcode now and then; one post in ten a draft, one in fifty trashed,
pages and menu items between them), then runs ``manage.py import_wordpress`` on a fresh
PostgreSQL database ``newsroom_bench_wordpress`` (production settings) and again on the same
file (nothing changed), and prints the time and the peak memory (RSS) of each run. The targets
(issue 19): the first run under 10 minutes, the second under 3, at most 300 MB.
"""

import argparse
import os
import random
import resource
import secrets
import subprocess
import sys
import time
from pathlib import Path
from xml.sax.saxutils import escape

import psycopg

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
SERVER = "postgres://postgres@127.0.0.1:5432"
DATABASE = "newsroom_bench_wordpress"
WORDS = (
    "министр культуры посол встреча сотрудничество Казахстан Астана Алматы экономика инфляция тенге "
    "парламент сенат закон фестиваль театр спорт чемпионат медаль школа больница дорога мост"
).split()


def sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def generate(path: Path, posts: int) -> None:
    rng = random.Random(19)
    categories = [(f"rubrika-{n}", f"Рубрика {n}") for n in range(40)]
    tags = [(f"tema-{n}", f"Тема {n}") for n in range(2000)]
    with path.open("w", encoding="utf-8") as out:
        out.write(
            '<?xml version="1.0" encoding="UTF-8" ?>\n<rss version="2.0" '
            'xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">\n'
            "<channel>\n<title>Bench</title>\n<link>https://old.example.kz</link>\n<wp:wxr_version>1.2</wp:wxr_version>\n"
        )
        for n in range(30):
            out.write(
                f"<wp:author><wp:author_login>{cdata(f'author{n}')}</wp:author_login>"
                f"<wp:author_display_name>{cdata(f'Автор {n}')}</wp:author_display_name></wp:author>\n"
            )
        for nicename, name in categories:
            out.write(
                f"<wp:category><wp:category_nicename>{cdata(nicename)}</wp:category_nicename>"
                f"<wp:cat_name>{cdata(name)}</wp:cat_name></wp:category>\n"
            )
        for n in range(1, posts + 1):
            kind = "page" if n % 97 == 0 else "nav_menu_item" if n % 89 == 0 else "post"
            status = "trash" if n % 50 == 0 else "draft" if n % 10 == 0 else "publish"
            paragraphs = [
                f"<!-- wp:paragraph -->\n<p>{sentence(rng, 30)}</p>\n<!-- /wp:paragraph -->" for _ in range(4)
            ]
            if n % 7 == 0:
                paragraphs.append(
                    '[caption id="attachment_1" width="600"]'
                    '<img src="https://old.example.kz/wp-content/uploads/missing.jpg" /> Подпись[/caption]'
                )
            if n % 11 == 0:
                paragraphs.append(
                    '<!-- wp:embed {"url":"https://www.youtube.com/watch?v=dQw4w9WgXcQ"} -->\n'
                    '<figure class="wp-block-embed"><div class="wp-block-embed__wrapper">\n'
                    "https://www.youtube.com/watch?v=dQw4w9WgXcQ\n</div></figure>\n<!-- /wp:embed -->"
                )
            if n % 13 == 0:
                paragraphs.append('[contact-form-7 id="1"]')
            day = 1 + n % 28
            year = 2006 + n * 20 // posts
            category = categories[n % len(categories)]
            post_tags = [tags[(n * 7 + k) % len(tags)] for k in range(3)]
            out.write(
                "<item>\n"
                f"<title>{cdata(sentence(rng, 8))}</title>\n"
                f"<link>https://old.example.kz/{year}/{(n % 12) + 1:02d}/{day:02d}/post-{n}/</link>\n"
                f"<dc:creator>{cdata(f'author{n % 30}')}</dc:creator>\n"
                f'<guid isPermaLink="false">https://old.example.kz/?p={n}</guid>\n'
                f"<content:encoded>{cdata(chr(10).join(paragraphs))}</content:encoded>\n"
                f"<excerpt:encoded>{cdata('')}</excerpt:encoded>\n"
                f"<wp:post_id>{n}</wp:post_id>\n"
                f"<wp:post_date>{cdata(f'{year}-{(n % 12) + 1:02d}-{day:02d} 12:00:00')}</wp:post_date>\n"
                f"<wp:post_date_gmt>{cdata(f'{year}-{(n % 12) + 1:02d}-{day:02d} 06:00:00')}</wp:post_date_gmt>\n"
                f"<wp:post_name>{cdata(f'post-{n}')}</wp:post_name>\n"
                f"<wp:status>{cdata(status)}</wp:status>\n"
                f"<wp:post_type>{cdata(kind)}</wp:post_type>\n"
                f'<category domain="category" nicename="{category[0]}">{cdata(category[1])}</category>\n'
                + "".join(
                    f'<category domain="post_tag" nicename="{t[0]}">{cdata(escape(t[1]))}</category>\n'
                    for t in post_tags
                )
                + "</item>\n"
            )
        out.write("</channel>\n</rss>\n")


def timed_import(path: Path, env: dict) -> tuple[float, float, str]:
    """Seconds and peak RSS (MB) of one run of the command, and the report's first lines."""
    started = time.monotonic()
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    result = subprocess.run(
        [PYTHON, "manage.py", "import_wordpress", str(path), "--no-progress"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    seconds = time.monotonic() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if result.returncode != 0:
        print(result.stderr[-2000:])
    return seconds, max(peak, before) / 1024, "\n".join(result.stdout.splitlines()[:3])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=100_000)
    args = parser.parse_args()
    path = ROOT / "var" / f"bench-wordpress-{args.posts}.xml"
    path.parent.mkdir(exist_ok=True)
    if not path.exists():
        started = time.monotonic()
        generate(path, args.posts)
        print(f"generated {path.name}: {path.stat().st_size / 1e6:.0f} MB in {time.monotonic() - started:.0f} s")
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": f"{SERVER}/{DATABASE}",
    }
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as db:
        db.execute(f"DROP DATABASE IF EXISTS {DATABASE}")
        db.execute(f"CREATE DATABASE {DATABASE}")
    subprocess.run([PYTHON, "manage.py", "migrate", "--no-input", "-v0"], cwd=ROOT, env=env, check=True)
    for label in ("first run", "second run (nothing changed)"):
        seconds, peak, head = timed_import(path, env)
        print(f"{label}: {seconds:.0f} s, peak RSS {peak:.0f} MB\n  " + head.replace("\n", "\n  "))


if __name__ == "__main__":
    sys.exit(main())
