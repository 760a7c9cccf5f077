"""A child's reason and a parent's mission title are kept without a leading "para"/"por", so the
sentences that echo them ("Le pedí $5,00 para «…»", "su premio por «…»") never say it twice."""

from __future__ import annotations

import pytest
from money_helpers import CHILD_CHAT, PARENT_CHAT, expect, sign_in_andrea, sign_in_carlos
from sqlalchemy import select

from bank.bootstrap import Bank
from bank.db import unit_of_work
from bank.mini.free_text import without_purpose_word
from bank.models import CustomerNotification, MiniRequest


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("para mi bicicleta", "mi bicicleta"),
        ("Para el recreo", "el recreo"),
        ("PARA comprar un libro", "comprar un libro"),
        ("pa' la bici", "la bici"),
        ("pa’ unos chicles", "unos chicles"),
        ("pa un helado", "un helado"),
        ("por mi cumpleaños", "mi cumpleaños"),
        ("mi bicicleta", "mi bicicleta"),
        ("paracaídas de juguete", "paracaídas de juguete"),
        ("pal cole", "pal cole"),
        ("para", "para"),
        ("porque sí", "porque sí"),
        ("un libro para la escuela", "un libro para la escuela"),
    ],
)
def test_one_leading_purpose_word_goes(typed: str, kept: str) -> None:
    assert without_purpose_word(typed) == kept


def test_a_mission_title_is_kept_without_its_purpose_word(bank: Bank) -> None:
    missions = bank.mini_missions
    assert missions.check_title("Por lavar los platos").data["title"] == "lavar los platos"
    assert missions.check_title("para ordenar tu cuarto").data["title"] == "ordenar tu cuarto"
    assert missions.check_title("por ir").data["title"] == "por ir"  # too short without it


def test_a_money_reason_is_kept_without_its_purpose_word(bank: Bank) -> None:
    sign_in_andrea(bank)
    asked = expect(
        bank.mini_requests.ask_money(sender_id=CHILD_CHAT, amount="5", reason="pa' mi bicicleta"),
        "asked",
    )
    assert asked.data["request"]["reason"] == "mi bicicleta"


def test_a_reason_kept_before_issue_15_is_echoed_without_its_purpose_word(bank: Bank) -> None:
    sign_in_andrea(bank)
    ref = expect(
        bank.mini_requests.ask_money(sender_id=CHILD_CHAT, amount="5", reason="un libro"), "asked"
    ).data["request"]["ref"]
    with unit_of_work(bank.sessions) as session:
        session.get(MiniRequest, int(ref)).reason = "para mi bicicleta"  # an older row
    sign_in_carlos(bank)
    pending = expect(bank.mini_requests.pending(sender_id=PARENT_CHAT), "ok").data["requests"]
    assert [r["reason"] for r in pending] == ["mi bicicleta"]
    decided = bank.mini_requests.decide(sender_id=PARENT_CHAT, request_ref=ref, approve=True)
    assert decided.data["request"]["reason"] == "mi bicicleta"
    with unit_of_work(bank.sessions) as session:
        notice = session.scalars(
            select(CustomerNotification).where(CustomerNotification.kind == "mini_money_approved")
        ).one()
        assert notice.data["reason"] == "mi bicicleta"
