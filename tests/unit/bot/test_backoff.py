"""The one backoff policy: exponential with jitter, bounded in attempts and in total time."""

from __future__ import annotations

import pytest

from bot.backoff import Backoff
from bot.telegram.settings import load_bot_settings

POLICY = Backoff(attempts=6, first_delay=0.5, max_delay=4.0, total_seconds=30.0)


def test_the_nominal_delay_doubles_up_to_the_cap() -> None:
    assert [POLICY.nominal_delay(n) for n in range(1, 7)] == [0.5, 1.0, 2.0, 4.0, 4.0, 4.0]


@pytest.mark.parametrize("failures", [1, 2, 3, 4, 5])
def test_jitter_stays_between_half_and_the_whole_nominal_delay(failures: int) -> None:
    nominal = POLICY.nominal_delay(failures)
    lowest = POLICY.next_delay(failures, elapsed=0.0, rng=lambda: 0.0)
    highest = POLICY.next_delay(failures, elapsed=0.0, rng=lambda: 0.999999)
    assert lowest == nominal / 2
    assert highest is not None and nominal / 2 < highest <= nominal


def test_it_gives_up_when_the_attempts_are_used() -> None:
    assert POLICY.next_delay(5, elapsed=0.0, rng=lambda: 0.5) is not None
    assert POLICY.next_delay(6, elapsed=0.0, rng=lambda: 0.5) is None


def test_it_gives_up_when_the_time_is_used_and_never_waits_past_it() -> None:
    assert POLICY.next_delay(1, elapsed=30.0) is None
    assert POLICY.next_delay(4, elapsed=29.5, rng=lambda: 0.999) == pytest.approx(0.5)


def test_one_attempt_means_no_retry() -> None:
    assert Backoff(1, 0.1, 0.1, 10.0).next_delay(1, elapsed=0.0) is None


@pytest.mark.parametrize(
    ("attempts", "first", "maximum", "total"),
    [(0, 0.1, 1.0, 1.0), (3, 0.0, 1.0, 1.0), (3, 2.0, 1.0, 1.0), (3, 0.1, 1.0, 0.0)],
)
def test_an_unusable_policy_is_refused(
    attempts: int, first: float, maximum: float, total: float
) -> None:
    with pytest.raises(ValueError):
        Backoff(attempts, first, maximum, total)


def test_the_numbers_come_from_the_settings() -> None:
    settings = load_bot_settings(
        {
            "TELEGRAM_RETRY_ATTEMPTS": "3",
            "TELEGRAM_RETRY_SECONDS": "2",
            "RASA_OUTAGE_SECONDS": "90",
            "RASA_MAX_WAITING": "7",
            "REPLY_RECOVERY_SECONDS": "0.5",
            "ACTION_SERVER_URL": "http://127.0.0.1:5055",
        }
    )
    assert (settings.telegram_retry.attempts, settings.telegram_retry.total_seconds) == (3, 2.0)
    assert settings.telegram_retry.max_delay <= 2.0
    assert settings.rasa_outage.total_seconds == 90.0
    assert settings.rasa_max_waiting == 7
    assert settings.reply_recovery.max_delay <= 0.5
    assert settings.action_server_url == "http://127.0.0.1:5055"
    defaults = load_bot_settings({})
    assert defaults.rasa_outage.total_seconds == 120.0
    assert defaults.action_server_url is None
