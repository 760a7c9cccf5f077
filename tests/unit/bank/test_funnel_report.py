"""The funnel read from a real bank: a registration locked at the PIN, helped by an agent and
finished in a new journey; an SMS code typed after it expired; an expired activation code in the
child's registration; and nothing personal in what is reported or exported."""

from __future__ import annotations

from datetime import date, timedelta

from bank_helpers import (
    MARIA_CEDULA,
    MARIA_MOBILE,
    expect,
    from_username_to_finish,
    latest_sms_code,
    to_contact,
    to_pin,
    to_username,
)
from mini_journey_helpers import CHILD_CHAT, new_code
from test_bank_assist_tickets import PAULA, expect_code

from bank.bootstrap import Bank
from bank.clock import FixedClock
from bank.demo import ANDREA
from bank.funnel import FunnelReport, Period, StepFigures, build_report, funnel_csv, funnel_lines

MARIA_CHAT = "tg:5001"
OTHER_CHAT = "tg:5002"
IDLE_CHAT = "tg:5003"
# The fixed clock starts on 2026-01-15 at 12:00 UTC (07:00 in Ecuador).
PERIOD = Period(date(2026, 1, 15), date(2026, 1, 17))


def lock_help_and_finish(bank: Bank, clock: FixedClock) -> None:
    """María locks her identity with wrong PINs, Paula unlocks it and hands back, and María
    registers in a new journey from the same chat."""
    reg = bank.registration
    for _ in range(3):
        to_pin(bank, MARIA_CHAT)
        reg.submit_pin(sender_id=MARIA_CHAT, pin="9999")
    number = bank.tickets.open(sender_id=MARIA_CHAT, reason="locked").data["ticket"]
    clock.advance(minutes=2)
    expect_code(bank.assist_desk.take(agent=PAULA, ticket_number=number), "taken")
    reason = "Verificada por teléfono con preguntas"
    expect_code(
        bank.assist_phone.unlock(agent=PAULA, cedula_or_ruc=MARIA_CEDULA, reason=reason),
        "unlocked",
    )
    expect_code(bank.assist_desk.hand_back(agent=PAULA), "handed_back")
    clock.advance(minutes=1)
    to_username(bank, MARIA_CHAT)
    clock.advance(minutes=3)
    from_username_to_finish(bank, MARIA_CHAT, username="mariajose2026")
    expect(reg.complete(sender_id=MARIA_CHAT), "completed")


def expire_a_code_and_cancel(bank: Bank, clock: FixedClock) -> None:
    """From another chat, María types her SMS code after its 5 minutes, then cancels."""
    reg = bank.registration
    to_contact(bank, OTHER_CHAT, MARIA_CEDULA)
    expect(reg.request_otp(sender_id=OTHER_CHAT), "sent")
    code = latest_sms_code(bank, MARIA_MOBILE)
    clock.advance(minutes=4)
    reg.touch(sender_id=OTHER_CHAT)
    clock.advance(minutes=2)
    expect(reg.submit_otp(sender_id=OTHER_CHAT, code=code), "expired")
    expect(reg.cancel(sender_id=OTHER_CHAT), "cancelled")


def registration_story(bank: Bank, clock: FixedClock) -> None:
    """The registrations the tests read: finished after a lock, cancelled, left idle."""
    expire_a_code_and_cancel(bank, clock)
    lock_help_and_finish(bank, clock)
    bank.registration.start(sender_id=IDLE_CHAT)


def step(report: FunnelReport, name: str) -> StepFigures:
    return next(figures for figures in report.steps if figures.step == name)


def test_the_registration_funnel_from_the_bank(bank: Bank, clock: FixedClock) -> None:
    registration_story(bank, clock)
    report = build_report(
        bank.sessions, journey="registration", period=PERIOD, now=clock.now() + timedelta(hours=1)
    )

    # María's cancelled journey, her locked one and her last one, and the idle one.
    assert report.started == 4
    assert report.finished == 1
    out = report.outcomes
    assert (out.cancelled, out.ended, out.abandoned, out.in_progress) == (1, 1, 1, 0)
    assert (out.finished_after_lock, out.finished_after_handoff) == (1, 1)
    assert step(report, "identity_number").reached == 4
    assert step(report, "pin").reached == 3
    assert step(report, "otp").reached == 2
    assert step(report, "username").reached == 1
    assert step(report, "additional_cedula").reached == 0
    assert step(report, "pin").locks == 1
    assert step(report, "pin").handoffs == 1  # the ticket was opened after the lock
    assert step(report, "otp").expired_codes == 1
    assert (report.locks, report.expired_codes, report.handoffs) == (1, 1, 1)
    left = {figures.step: figures.left for figures in report.steps if figures.left}
    assert left == {"pin": 1, "otp": 1, "identity_number": 1}
    assert step(report, "otp").median_seconds is not None
    assert report.median_seconds_to_finish is not None
    assert [(d.started, d.finished) for d in report.days] == [(4, 1), (0, 0)]


def test_an_expired_activation_code_counts_at_its_step(bank: Bank, clock: FixedClock) -> None:
    reg = bank.mini_registration
    reg.start(sender_id=CHILD_CHAT)
    expect(reg.submit_cedula(sender_id=CHILD_CHAT, text=ANDREA.cedula), "ok", "activation_code")
    code = new_code(bank)
    clock.advance(minutes=6)
    reg.touch(sender_id=CHILD_CHAT)  # still here: the journey is not idle
    clock.advance(minutes=5)
    expect(reg.submit_activation_code(sender_id=CHILD_CHAT, code=code), "expired")

    report = build_report(
        bank.sessions, journey="mini_registration", period=PERIOD, now=clock.now()
    )

    assert report.started == 1
    assert step(report, "activation_code").expired_codes == 1
    assert report.outcomes.in_progress == 1
    assert (
        build_report(bank.sessions, journey="registration", period=PERIOD, now=clock.now()).started
        == 0
    )


def test_nothing_personal_in_the_report_the_csv_or_the_text(bank: Bank, clock: FixedClock) -> None:
    registration_story(bank, clock)
    report = build_report(bank.sessions, journey="registration", period=PERIOD, now=clock.now())
    shown = funnel_csv(report) + "\n".join(funnel_lines(report)) + repr(report)

    personal = [
        MARIA_CHAT,
        OTHER_CHAT,
        IDLE_CHAT,
        "5001",
        "5002",
        MARIA_CEDULA,
        MARIA_CEDULA[:2] + "*",  # a masked identity
        MARIA_MOBILE,
        "mariajose2026",
        "María",
        "Luis",
        "Paula",
        PAULA,
        "Verificada",
    ]
    for value in personal:
        assert value not in shown, value
