"""Settings from the environment: defaults, the generated key file, weak keys refused."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from bank.settings import Settings, SettingsError, load_settings

STRONG = "3f9a1c0e7b5d2a4f8c6e1b3d5f7a9c0e"


def test_defaults_create_var_sqlite_url_and_key_file(tmp_path: Path) -> None:
    var = tmp_path / "var"
    settings = load_settings({}, var_dir=var)
    assert settings.database_url == f"sqlite:///{var / 'bank.db'}"
    key_file = var / "bank_secret.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(settings.secret_key) == 64
    # The same key is read back on the next start.
    assert load_settings({}, var_dir=var).secret_key == settings.secret_key


def test_environment_wins(tmp_path: Path) -> None:
    env = {"DATABASE_URL": "sqlite://", "BANK_SECRET_KEY": STRONG}
    settings = load_settings(env, var_dir=tmp_path)
    assert settings.database_url == "sqlite://"
    assert settings.secret_key == STRONG
    assert not (tmp_path / "bank_secret.key").exists()


@pytest.mark.parametrize("key", ["short", "changeme", "a" * 40, "abababababababababababababababab"])
def test_weak_keys_are_refused(tmp_path: Path, key: str) -> None:
    with pytest.raises(SettingsError):
        load_settings({"BANK_SECRET_KEY": key, "DATABASE_URL": "sqlite://"}, var_dir=tmp_path)


def test_secret_key_is_not_in_repr() -> None:
    assert STRONG not in repr(Settings(database_url="sqlite://", secret_key=STRONG))


def test_subkeys_are_separate_and_stable() -> None:
    settings = Settings(database_url="sqlite://", secret_key=STRONG)
    otp, box = settings.subkey("otp-hmac"), settings.subkey("secret-box")
    assert len(otp) == 32 and otp != box
    assert otp == Settings(database_url="x", secret_key=STRONG).subkey("otp-hmac")
    assert STRONG.encode() not in otp
