"""The bank's learning missions: short lessons about saving, each with one question.

The words (lesson, question, options) are Spanish responses in domain/mini_money.yml,
`utter_mini_lesson_<key>`, whose buttons send the option's index; the bank keeps only which
option is right. A correct answer completes the lesson once and earns a star (no money: money
rewards come from the parent's missions).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True)
class Lesson:
    """One learning mission: its key, how many options its question has, the right one."""

    key: str
    options: int
    answer: int


LESSONS: Final[tuple[Lesson, ...]] = (
    Lesson(key="saving", options=3, answer=0),
    Lesson(key="goal", options=3, answer=1),
    Lesson(key="need_or_want", options=3, answer=2),
)
LESSONS_BY_KEY: Final = {lesson.key: lesson for lesson in LESSONS}
