"""The avatars, password pictures and goal pictures of Cuenta Mini (opaque ids, Spanish labels).

The channel draws each id (bot/pictures); a picture password is 4 ids in order, at least 3 of
them different, hashed as a whole with argon2id. The grid order is shuffled at every sign-in,
so positions tell nothing.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from typing import Final

AVATARS: Final[tuple[tuple[str, str], ...]] = (
    ("avatar_cat", "Gato"),
    ("avatar_dog", "Perro"),
    ("avatar_bear", "Oso"),
    ("avatar_rabbit", "Conejo"),
    ("avatar_fox", "Zorro"),
    ("avatar_owl", "Búho"),
    ("avatar_panda", "Panda"),
    ("avatar_lion", "León"),
)
PASSWORD_PICTURES: Final[tuple[tuple[str, str], ...]] = (
    ("pic_apple", "Manzana"),
    ("pic_banana", "Plátano"),
    ("pic_ball", "Pelota"),
    ("pic_star", "Estrella"),
    ("pic_heart", "Corazón"),
    ("pic_house", "Casa"),
    ("pic_tree", "Árbol"),
    ("pic_fish", "Pez"),
    ("pic_car", "Carro"),
    ("pic_boat", "Barco"),
    ("pic_moon", "Luna"),
    ("pic_flower", "Flor"),
    ("pic_umbrella", "Paraguas"),
    ("pic_icecream", "Helado"),
    ("pic_kite", "Cometa"),
    ("pic_balloon", "Globo"),
)
# Pictures a child can give a savings goal (issue 5).
GOAL_PICTURES: Final[tuple[tuple[str, str], ...]] = (
    ("goal_bike", "Bicicleta"),
    ("goal_ball", "Pelota"),
    ("goal_game", "Videojuego"),
    ("goal_books", "Libros"),
    ("goal_teddy", "Peluche"),
    ("goal_tablet", "Tablet"),
    ("goal_trip", "Paseo"),
    ("goal_pet", "Mascota"),
)
AVATAR_IDS: Final = frozenset(avatar_id for avatar_id, _ in AVATARS)
PASSWORD_PICTURE_IDS: Final = frozenset(picture_id for picture_id, _ in PASSWORD_PICTURES)
GOAL_PICTURE_IDS: Final = frozenset(picture_id for picture_id, _ in GOAL_PICTURES)
PICTURE_PASSWORD_LENGTH: Final = 4
# A picture password uses at least 3 different pictures (so no picture more than twice): one
# picture four times, or two pictures in any pattern, is among the first things a guesser tries.
MIN_DIFFERENT_PICTURES: Final = 3
_RANDOM: Final = secrets.SystemRandom()


def picture_password_text(picture_ids: Sequence[str]) -> str | None:
    """The canonical text of a picture password (4 known ids in order), or None if invalid."""
    ids = [picture_id.strip() for picture_id in picture_ids]
    if len(ids) != PICTURE_PASSWORD_LENGTH or not all(i in PASSWORD_PICTURE_IDS for i in ids):
        return None
    return ",".join(ids)


def is_easy_picture_password(picture_ids: Sequence[str]) -> bool:
    """Whether a picture password is too easy to guess: fewer than 3 different pictures
    (the grid is shuffled, so where the pictures sit cannot make it easier)."""
    return len({picture_id.strip() for picture_id in picture_ids}) < MIN_DIFFERENT_PICTURES


def shuffled_password_pictures() -> list[tuple[str, str]]:
    """All password pictures in a fresh random order (a new one for every keyboard shown)."""
    pictures = list(PASSWORD_PICTURES)
    _RANDOM.shuffle(pictures)
    return pictures
