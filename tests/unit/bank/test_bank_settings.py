"""Settings from the environment: defaults, the generated key file, weak keys refused."""

from __future__ import annotations

import stat
from decimal import Decimal
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


def test_each_variable_is_read_under_its_own_name_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = {
        "DATABASE_URL": "sqlite://",
        "BANK_SECRET_KEY": STRONG,
        "MINI_MAX_PER_REQUEST": " 20 ",
        "mini_max_per_day": "30",  # not the variable's name
        "ARGON2_TIME_COST": "9",  # not read from the environment
        "ASSIST_WAIT_MINUTES": "   ",  # blank: the default
        "TELEGRAM_BOT_USERNAME": "@OtroBot_ec",
        "CALL_CENTER_HOURS": " de 9:00\n a 17:00 ",
    }
    settings = load_settings(env, var_dir=tmp_path)
    assert settings.mini_max_per_request == Decimal("20.00")
    assert settings.mini_max_per_day == Decimal("100.00")
    assert settings.argon2_time_cost == 2 and settings.assist_wait_minutes == 10
    assert settings.telegram_bot_username == "OtroBot_ec"
    assert settings.call_center_hours == "de 9:00 a 17:00"
    # Built directly, the settings read nothing from the process environment.
    monkeypatch.setenv("MINI_MAX_PER_DAY", "30")
    assert Settings(database_url="sqlite://", secret_key=STRONG).mini_max_per_day == 100


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"MINI_MAX_PER_DAY": "cien"}, "MINI_MAX_PER_DAY must be an amount in dollars, like 50.00"),
        ({"MINI_MAX_PER_DAY": "10.001"}, "MINI_MAX_PER_DAY must be a positive amount"),
        ({"MINI_MAX_PER_REQUEST": "150"}, "MINI_MAX_PER_REQUEST cannot exceed MINI_MAX_PER_DAY"),
        ({"ASSIST_WAIT_MINUTES": "diez"}, "ASSIST_WAIT_MINUTES must be a whole number of minutes"),
        ({"ASSIST_WAIT_MINUTES": "2000"}, "ASSIST_WAIT_MINUTES must be between 1 and 1440"),
        ({"TELEGRAM_BOT_USERNAME": "no es"}, "TELEGRAM_BOT_USERNAME must be a Telegram username"),
        ({"BANK_SECRET_KEY": "x" * 40}, "BANK_SECRET_KEY is too repetitive"),
    ],
)
def test_a_refused_value_names_its_variable_and_never_the_value(
    tmp_path: Path, env: dict[str, str], message: str
) -> None:
    full = {"DATABASE_URL": "sqlite://", "BANK_SECRET_KEY": STRONG, **env}
    with pytest.raises(SettingsError, match=message) as refused:
        load_settings(full, var_dir=tmp_path)
    assert refused.value.__cause__ is None and refused.value.__suppress_context__
    for value in env.values():
        assert value not in str(refused.value)
