"""Encryption at rest (portal/keys.py, portal/crypto.py, portal/checks.py):
where the keys come from, the fields' tokens in the raw rows, and the
start-up check that refuses a wrong or missing key."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.db import connection
from django.test import override_settings

from portal import checks, crypto
from portal.keys import KeyConfigurationError, development_key_file, load_keys, parse_keys
from portal.models import CANARY_TEXT, EncryptionCanary

ROOT = Path(__file__).resolve().parents[2]
NEW_KEY = Fernet.generate_key().decode()


def raw_values(table: str, column: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {connection.ops.quote_name(column)} FROM {connection.ops.quote_name(table)}")
        return [row[0] for row in cursor.fetchall()]


# Where the keys come from


def test_keys_are_read_newest_first_from_the_environment_comma_separated():
    first, second = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    assert load_keys(from_env=f"{first}, {second}", key_file="", development_file=None) == [first, second]


def test_a_key_file_holds_one_key_a_line_with_comments(tmp_path):
    first, second = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    path = tmp_path / "keys"
    path.write_text(f"# newest first\n{first}\n\n{second}\n")
    assert load_keys(from_env="", key_file=str(path), development_file=None) == [first, second]


def test_no_key_outside_development_is_refused():
    with pytest.raises(KeyConfigurationError, match="FIELD_ENCRYPTION_KEYS"):
        load_keys(from_env="", key_file="", development_file=None)


def test_an_unreadable_key_file_is_refused(tmp_path):
    with pytest.raises(KeyConfigurationError, match="cannot be read"):
        load_keys(from_env="", key_file=str(tmp_path / "missing"), development_file=None)


def test_a_malformed_key_is_refused_by_its_position():
    with pytest.raises(KeyConfigurationError, match="number 2 is not a Fernet key"):
        parse_keys(f"{NEW_KEY},change-me")


def test_development_makes_one_key_file_once_and_keeps_it(tmp_path):
    path = tmp_path / "var" / "field-encryption-keys"
    made = development_key_file(path)
    assert len(made) == 1
    assert development_key_file(path) == made
    assert path.stat().st_mode & 0o077 == 0
    assert load_keys(from_env="", key_file="", development_file=path) == made


# The fields


def test_text_is_a_different_token_at_each_write_and_reads_back():
    first, second = crypto.encrypt("I felt alone"), crypto.encrypt("I felt alone")
    assert first != second
    assert "alone" not in first
    assert crypto.decrypt(first) == crypto.decrypt(second) == "I felt alone"
    assert crypto.encrypt("") == ""


def test_a_value_no_key_opens_raises_rather_than_shows_the_token():
    token = crypto.encrypt("I felt alone")
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY]), pytest.raises(crypto.UndecryptableValue):
        crypto.decrypt(token)


def test_an_older_key_still_reads_and_rotate_moves_to_the_newest():
    token = crypto.encrypt("I felt alone")
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY, *settings.FIELD_ENCRYPTION_KEYS]):
        assert crypto.decrypt(token) == "I felt alone"
        assert not crypto.is_under_newest_key(token)
        rotated = crypto.rotate(token)
        assert crypto.is_under_newest_key(rotated)
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY]):
        assert crypto.decrypt(rotated) == "I felt alone"


def test_files_are_tokens_a_chunk_a_line_and_stream_back():
    data = os.urandom(crypto.FILE_CHUNK * 2 + 17)
    stored = b"".join(crypto.encrypt_chunks([data[:1000], data[1000:]]))
    assert data[:64] not in stored
    lines = stored.splitlines(keepends=True)
    assert len(lines) == 4  # the format line and three chunks
    assert b"".join(crypto.decrypt_lines(lines)) == data
    assert crypto.file_is_under_newest_key(lines)
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY, *settings.FIELD_ENCRYPTION_KEYS]):
        assert not crypto.file_is_under_newest_key(lines)
        rotated = list(crypto.rotate_lines(lines))
        assert crypto.file_is_under_newest_key(rotated)
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY]):
        assert b"".join(crypto.decrypt_lines(rotated)) == data


def test_a_file_that_is_not_encrypted_is_refused():
    with pytest.raises(crypto.UndecryptableValue):
        list(crypto.decrypt_lines([b"%PDF-1.4\n"]))


@pytest.mark.django_db
def test_the_column_holds_a_token_and_the_model_reads_text():
    canary = EncryptionCanary.objects.create(value="a very private sentence")
    stored = raw_values(EncryptionCanary._meta.db_table, "value")
    assert not any("private" in value for value in stored)
    assert EncryptionCanary.objects.get(pk=canary.pk).value == "a very private sentence"


@pytest.mark.django_db
def test_an_encrypted_column_is_not_searched_in_sql():
    with pytest.raises(FieldError):
        EncryptionCanary.objects.filter(value__icontains="private").count()
    with pytest.raises(FieldError):
        EncryptionCanary.objects.filter(value="a very private sentence").count()
    assert EncryptionCanary.objects.filter(value="").count() == 0


# The start-up check


@pytest.mark.django_db
def test_the_first_migrate_wrote_the_canary_under_the_key():
    EncryptionCanary.objects.get_or_create(defaults={"value": CANARY_TEXT})
    assert EncryptionCanary.objects.first().value == CANARY_TEXT
    assert checks.encryption_keys_open_the_data() == []


@pytest.mark.django_db
def test_a_wrong_key_is_an_error_of_the_check_and_refuses_the_start():
    EncryptionCanary.objects.create(value=CANARY_TEXT)
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY]):
        errors = checks.encryption_keys_open_the_data()
        assert [error.id for error in errors] == ["portal.E101"]
        assert "portal_encryptioncanary" in errors[0].msg
        with pytest.raises(ImproperlyConfigured, match="wrong or missing"):
            checks.verify_at_start()


@pytest.mark.django_db
def test_a_new_key_in_front_of_the_old_one_passes():
    EncryptionCanary.objects.create(value=CANARY_TEXT)
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY, *settings.FIELD_ENCRYPTION_KEYS]):
        assert checks.encryption_keys_open_the_data() == []


@pytest.mark.django_db
def test_without_a_canary_nothing_stored_passes_any_key():
    EncryptionCanary.objects.all().delete()
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY]):
        assert checks.encryption_keys_open_the_data() == []


# In a real process (slow)


def _start(command: list[str], **variables: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FIELD_ENCRYPTION", "DJANGO_ALLOW_ASYNC"))}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", PYTHONPATH=str(ROOT), PORTAL_ENV_FILE=os.devnull)
    env.update(variables)
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "s" * 20 + "e" * 20 + "c" * 20,
    "ALLOWED_HOSTS": "portal.example.org",
    "PORTAL_BASE_URL": "https://portal.example.org",
}


@pytest.mark.slow
def test_production_without_keys_refuses_to_start():
    done = _start([sys.executable, "-c", "import django; django.setup()"], **PRODUCTION)
    assert done.returncode != 0
    assert "Set FIELD_ENCRYPTION_KEYS" in done.stderr


@pytest.mark.slow
def test_production_with_the_placeholder_key_refuses_to_start():
    done = _start(
        [sys.executable, "-c", "import django; django.setup()"],
        **PRODUCTION,
        FIELD_ENCRYPTION_KEYS="change-me-to-a-fernet-key",
    )
    assert done.returncode != 0
    assert "not a Fernet key" in done.stderr


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_manage_py_refuses_a_wrong_key_and_runs_with_the_right_one():
    EncryptionCanary.objects.create(value=CANARY_TEXT)
    name = connection.settings_dict["NAME"]
    url = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + f"/{name}"
    wrong = _start([sys.executable, "manage.py", "check"], DATABASE_URL=url, FIELD_ENCRYPTION_KEYS=NEW_KEY)
    assert wrong.returncode != 0
    assert "portal.E101" in wrong.stderr
    keys = ",".join(settings.FIELD_ENCRYPTION_KEYS)
    right = _start([sys.executable, "manage.py", "check"], DATABASE_URL=url, FIELD_ENCRYPTION_KEYS=keys)
    assert right.returncode == 0, right.stderr


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_celery_worker_refuses_a_wrong_key_before_taking_tasks():
    EncryptionCanary.objects.create(value=CANARY_TEXT)
    name = connection.settings_dict["NAME"]
    url = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + f"/{name}"
    celery = str(Path(sys.executable).parent / "celery")
    command = [celery, "-A", "config", "worker", "--pool", "solo", "--concurrency", "1", "--without-heartbeat"]
    wrong = _start(command, DATABASE_URL=url, FIELD_ENCRYPTION_KEYS=NEW_KEY)
    assert wrong.returncode != 0
    assert "Refusing to start" in wrong.stderr + wrong.stdout
    assert "portal_encryptioncanary" in wrong.stderr + wrong.stdout


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_gunicorn_refuses_a_wrong_key_before_serving():
    EncryptionCanary.objects.create(value=CANARY_TEXT)
    name = connection.settings_dict["NAME"]
    url = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + f"/{name}"
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    command = [gunicorn, "-c", "deploy/gunicorn.conf.py", "config.wsgi"]
    wrong = _start(
        command, DATABASE_URL=url, FIELD_ENCRYPTION_KEYS=NEW_KEY, GUNICORN_BIND="127.0.0.1:0", WEB_CONCURRENCY="1"
    )
    assert wrong.returncode != 0
    assert "wrong or missing" in wrong.stderr
