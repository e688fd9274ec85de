import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def start_django(tmp_path, **env):
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))
    }
    environment.update(
        {
            "DJANGO_SETTINGS_MODULE": "veileder.settings",
            "DJANGO_SECRET_KEY_FILE": str(tmp_path / "missing"),
            **env,
        }
    )
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('started')"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_without_a_secret_key_refuses_to_start(tmp_path):
    result = start_django(tmp_path)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY er ikke satt" in result.stderr


def test_a_local_key_file_or_the_variable_lets_it_start(tmp_path):
    key_file = tmp_path / "secret_key"
    key_file.write_text("en-lokal-nøkkel-som-er-lang-nok-for-test\n")
    assert start_django(tmp_path, DJANGO_SECRET_KEY_FILE=str(key_file)).stdout == "started\n"
    assert start_django(tmp_path, DJANGO_SECRET_KEY="fra-miljøet").stdout == "started\n"


def test_env_example_lists_every_variable_the_settings_and_gunicorn_read():
    import re

    read = set()
    for name in ("veileder/settings.py", "gunicorn.conf.py"):
        source = (ROOT / name).read_text(encoding="utf-8")
        read |= set(re.findall(r'(?:env(?:_bool|_list)?|environ\.get)\(\s*"([A-Z0-9_]+)"', source))
    listed = set(re.findall(r"^#? ?([A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.M))
    assert read, "no variables found: the pattern above no longer matches the settings"
    assert sorted(read - listed) == []
