"""The outcome code enums and the contracts in docs/*.md name the same codes."""

from __future__ import annotations

import re
from enum import StrEnum
from pathlib import Path

import pytest

from bank.assist.outcome import AssistCode
from bank.mini.outcome import MiniCode
from bank.registration.outcome import RegistrationCode

DOCS = Path(__file__).resolve().parents[3] / "docs"
CODES_HEADERS = {"codes", "codes and data", "results"}
# Codes the enums hold but the docs do not list, and why.
UNDOCUMENTED = {"malformed"}  # a Token code that is not 6 digits: the format check comes first


def _without_parentheses(text: str) -> str:
    kept, depth = [], 0
    for char in text:
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(0, depth - 1)
        elif depth == 0:
            kept.append(char)
    return "".join(kept)


def table_codes(doc: str) -> set[str]:
    """The codes of the contract's tables: each item of a "codes" cell that starts with one."""
    found: set[str] = set()
    in_table = False
    for line in (DOCS / doc).read_text(encoding="utf-8").splitlines():
        if not line.startswith("|"):
            in_table = False
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if cells[-1] in CODES_HEADERS:
            in_table = True
            continue
        if not in_table or set(line) <= set("|- ") or cells[-1].startswith("list of"):
            continue
        for item in re.split(r"[,/.;]", _without_parentheses(cells[-1])):
            match = re.match(r"\s*(?:or |otherwise )?`([a-z_]+)`(?!\()", item)
            if match:
                found.add(match.group(1))
    return found


def values(codes: type[StrEnum]) -> set[str]:
    return {code.value for code in codes}


@pytest.mark.parametrize(
    ("doc", "codes"), [("registration.md", RegistrationCode), ("mini.md", MiniCode)]
)
def test_every_documented_code_is_in_its_enum(doc: str, codes: type[StrEnum]) -> None:
    assert table_codes(doc) - values(codes) == set()


def test_the_registration_enum_holds_only_documented_codes() -> None:
    assert values(RegistrationCode) - table_codes("registration.md") == UNDOCUMENTED


@pytest.mark.parametrize(
    ("doc", "codes"),
    [("registration.md", RegistrationCode), ("mini.md", MiniCode), ("assist.md", AssistCode)],
)
def test_every_code_is_named_in_its_contract(doc: str, codes: type[StrEnum]) -> None:
    text = (DOCS / doc).read_text(encoding="utf-8")
    assert {code for code in values(codes) if f"`{code}`" not in text} - UNDOCUMENTED == set()


def test_the_values_are_the_members_names() -> None:
    for codes in (RegistrationCode, MiniCode, AssistCode):
        assert all(code.name == code.value.upper() for code in codes)
