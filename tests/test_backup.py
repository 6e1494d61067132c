"""make backup / make restore round-trip the demo content (a real SQLite file and media folder)."""

import subprocess
import sys
from pathlib import Path

from tests.conftest import subprocess_env

ROOT = Path(__file__).resolve().parent.parent


def manage(var_dir: Path, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=subprocess_env(DEBUG="1", NEWSROOM_VAR_DIR=str(var_dir), DATABASE_URL="", MEDIA_ROOT=""),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


COUNT = (
    "from articles.models import Article; print(Article.objects.count(), Article.objects.exclude(photo=None).count())"
)


def test_backup_and_restore_round_trip_the_demo_content(tmp_path):
    var = tmp_path / "var"
    var.mkdir()
    manage(var, "migrate", "--no-input", "-v0")
    manage(var, "load_demo")
    before = manage(var, "shell", "-v0", "-c", COUNT)
    images = sorted(path.relative_to(var) for path in (var / "media").rglob("*") if path.is_file())
    assert images

    archive = tmp_path / "backup.tar.gz"
    manage(var, "backup", "--output", str(archive))
    manage(var, "shell", "-v0", "-c", "from articles.models import Article; Article.objects.all().delete()")
    for path in (var / "media").rglob("*.webp"):
        path.unlink()

    manage(var, "restore", str(archive))
    assert manage(var, "shell", "-v0", "-c", COUNT) == before
    assert sorted(path.relative_to(var) for path in (var / "media").rglob("*") if path.is_file()) == images
