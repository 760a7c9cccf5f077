"""The cache key of a keyboard picture: short, stable, and different when the picture is."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from bank.registration.images import SECURITY_IMAGES
from bot.pictures import keyboard_cache_key
from bot.rasa_messages import ImageOption

REPO = Path(__file__).resolve().parents[3]
SECURITY = [ImageOption(id=image_id, label=label) for image_id, label in SECURITY_IMAGES]
KIND = "security_image"


def test_key_is_short_hex_that_fits_the_media_cache_column() -> None:
    key = keyboard_cache_key(KIND, SECURITY)
    assert re.fullmatch(r"[0-9a-f]{32}", key)


def test_key_is_pinned_for_a_fixed_keyboard() -> None:
    # Changes only with RENDERER_VERSION or the key's recipe; the tests below show it reacts.
    assert keyboard_cache_key(KIND, SECURITY[:3]) == "8139f5c59fad55baa1aef9380f3e732d"


def test_key_is_the_same_for_equal_inputs_of_any_sequence_type() -> None:
    assert keyboard_cache_key(KIND, SECURITY) == keyboard_cache_key(KIND, tuple(SECURITY))
    assert keyboard_cache_key(KIND, SECURITY, ["sec_sun"]) == keyboard_cache_key(
        KIND, SECURITY, ("sec_sun",)
    )


def test_key_changes_with_everything_that_changes_the_picture() -> None:
    base = keyboard_cache_key(KIND, SECURITY)
    relabelled = [ImageOption(SECURITY[0].id, "Montañas"), *SECURITY[1:]]
    renamed = [ImageOption("sec_hill", SECURITY[0].label), *SECURITY[1:]]
    variants = {
        keyboard_cache_key("mini_avatar", SECURITY),
        keyboard_cache_key(KIND, relabelled),
        keyboard_cache_key(KIND, renamed),
        keyboard_cache_key(KIND, list(reversed(SECURITY))),
        keyboard_cache_key(KIND, SECURITY[:-1]),
        keyboard_cache_key(KIND, SECURITY, ["sec_sun"]),
        keyboard_cache_key(KIND, SECURITY, ["sec_sun", "sec_bike"]),
        keyboard_cache_key(KIND, SECURITY, ["sec_bike", "sec_sun"]),
    }
    assert len(variants) == 8
    assert base not in variants


def test_key_does_not_mix_up_ids_and_labels() -> None:
    first = keyboard_cache_key(KIND, [ImageOption("a", "b c")])
    second = keyboard_cache_key(KIND, [ImageOption("a b", "c")])
    assert first != second


def test_key_is_the_same_in_another_process() -> None:
    script = (
        "from bank.registration.images import SECURITY_IMAGES\n"
        "from bot.pictures import keyboard_cache_key\n"
        "from bot.rasa_messages import ImageOption\n"
        "options = [ImageOption(i, label) for i, label in SECURITY_IMAGES]\n"
        "print(keyboard_cache_key('security_image', options, ['sec_sun']))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == keyboard_cache_key(KIND, SECURITY, ["sec_sun"])
