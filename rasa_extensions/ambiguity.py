"""When a message fits more than one topic, which topics (pure functions; no Rasa import).

`rasa_extensions.clarify.AmbiguityMarker` runs these on every parsed message and, when they name
two or more candidates, marks the message with the entity `ambiguous` (the candidates' keys,
space-separated). The intent is never changed, so the NLU figures and the forms are untouched;
the rules of dialogues/clarify.yml (outside a journey) and dialogues/form_interruptions.yml
(inside one) send a marked message to `action_clarify`, which asks "¿Te refieres a…?" with one
button per candidate (actions/clarify/ask.py).

A candidate key is an intent ("start_mini_registration") or an FAQ topic ("faq/otp_validity").
Three reasons to ask:

- a known ambiguous family: "mi código ya no sirve" names a code, a password or a username with
  a word of trouble ("no sirve", "se venció", "olvidé") and nothing that says which one (the SMS
  code or the Cuenta Mini activation code; the online-banking password, the 4-digit one or the
  child's pictures...);
- the FallbackClassifier's nlu_fallback when the top two intents are close;
- the `faq` intent when the ResponseSelector's top two topics are close.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

FALLBACK: Final = "nlu_fallback"
FAQ: Final = "faq"
MAX_CANDIDATES: Final = 3
MAX_TOKENS: Final = 16


@dataclass(frozen=True)
class Family:
    """Words that name a thing the bank has several of, what makes it clear, and the topics."""

    words: frozenset[str]
    qualifiers: frozenset[str]
    candidates: tuple[str, ...]


_KIDS: Final = {"mini", "hijo", "hija", "hijos", "hijas", "nino", "nina", "ninos", "guagua", "nene"}
_KIDS |= {"nena", "papa", "mama", "papi", "mami"}

FAMILIES: Final[Mapping[str, Family]] = {
    "code": Family(
        words=frozenset({"codigo", "codigos", "codgo", "codiguito", "cod"}),
        qualifiers=frozenset(
            {"sms", "mensaje", "mensajito", "temporal", "otp", "celular", "activacion"}
            | {"activar", "token", "digital"}
            | _KIDS
        ),
        candidates=("faq/otp_validity", "faq/mini_activation_code"),
    ),
    "password": Family(
        words=frozenset({"clave", "claves", "clabe", "contrasena", "contrasenas", "password"}),
        qualifiers=frozenset(
            {"temporal", "sms", "otp", "mensaje", "4", "cuatro", "digitos", "pin"}
            | {"alfanumerica", "linea", "web", "app", "banca", "imagenes", "imagen", "dibujos"}
            | {"figuras", "figuritas", "token"}
            | _KIDS
        ),
        candidates=("faq/forgot_credentials", "faq/pin_where", "faq/mini_forgot_picture_password"),
    ),
    "username": Family(
        words=frozenset({"usuario", "usuarios", "user"}),
        qualifiers=frozenset({"linea", "web", "app", "banca", "adicional", "empresa"} | _KIDS),
        candidates=("faq/forgot_credentials", "faq/mini_forgot_picture_password"),
    ),
}

# Words of trouble: it does not work, expired, was refused, or is forgotten.
TROUBLE: Final = frozenset(
    {"sirve", "sirvio", "funciona", "funciono", "valido", "valida", "invalido"}
    | {"invalida", "expiro", "expirado", "expirada", "caduco", "caducado", "caducada"}
    | {"vencio", "vencido", "vencida", "acepta", "acepto", "agarra", "agarro", "incorrecto"}
    | {"incorrecta", "equivocado", "equivocada", "error", "bloqueo", "bloqueado", "bloqueada"}
    | {"bloquearon", "olvide", "olvido", "recuerdo", "perdi", "sirbe", "funsiona"}
)
# Trouble said in two words ("de acuerdo" alone is agreement, not trouble).
TROUBLE_PHRASES: Final = ("me acuerdo",)

_WORD: Final = re.compile(r"[a-z0-9]+")


def fold(text: str) -> list[str]:
    """Lower-case words without accents ("Código" -> "codigo"; "contraseña" -> "contrasena")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _WORD.findall(plain)


def family_candidates(text: str) -> list[str]:
    """The topics of every ambiguous family the text names without saying which one."""
    if text.lstrip().startswith("/"):
        return []
    words = fold(text)
    if not words or len(words) > MAX_TOKENS or not _troubled(words):
        return []
    found: list[str] = []
    for family in FAMILIES.values():
        if family.words.intersection(words) and not family.qualifiers.intersection(words):
            found.extend(family.candidates)
    return _unique(found)


def _troubled(words: list[str]) -> bool:
    joined = " ".join(words)
    return bool(TROUBLE.intersection(words)) or any(p in joined for p in TROUBLE_PHRASES)


def close_intents(
    ranking: Sequence[Mapping[str, Any]],
    selector_ranking: Sequence[Mapping[str, Any]],
    *,
    threshold: float,
    minimum: float,
) -> list[str]:
    """nlu_fallback's top two intents when they are within `threshold` and both at least
    `minimum` (the FAQ intent as its top topic); else nothing."""
    ranked = [r for r in ranking if r.get("name") not in (None, FALLBACK)]
    if len(ranked) < 2:
        return []
    first, second = ranked[0], ranked[1]
    if float(second.get("confidence") or 0.0) < minimum:
        return []
    if float(first.get("confidence") or 0.0) - float(second.get("confidence") or 0.0) > threshold:
        return []
    keys = [_key(str(r["name"]), selector_ranking) for r in (first, second)]
    return _unique(key for key in keys if key)


def close_topics(selector_ranking: Sequence[Mapping[str, Any]], *, threshold: float) -> list[str]:
    """The ResponseSelector's top two topics when they are within `threshold`."""
    if len(selector_ranking) < 2:
        return []
    first, second = selector_ranking[0], selector_ranking[1]
    if float(first.get("confidence") or 0.0) - float(second.get("confidence") or 0.0) > threshold:
        return []
    return _unique(str(r.get("intent_response_key") or "") for r in (first, second))


def candidates(
    text: str,
    intent: str | None,
    ranking: Sequence[Mapping[str, Any]],
    selector_ranking: Sequence[Mapping[str, Any]],
    *,
    intent_threshold: float,
    intent_minimum: float,
    topic_threshold: float,
) -> list[str]:
    """The topics a message may mean, when it may mean more than one (at most three)."""
    found = family_candidates(text)
    if len(found) < 2 and intent == FALLBACK:
        found = close_intents(
            ranking, selector_ranking, threshold=intent_threshold, minimum=intent_minimum
        )
    if len(found) < 2 and intent == FAQ:
        found = close_topics(selector_ranking, threshold=topic_threshold)
    return found[:MAX_CANDIDATES] if len(found) >= 2 else []


def _key(intent: str, selector_ranking: Sequence[Mapping[str, Any]]) -> str:
    """An intent's candidate key: the FAQ intent as its top topic."""
    if intent != FAQ:
        return intent
    return str(selector_ranking[0].get("intent_response_key") or "") if selector_ranking else ""


def _unique(keys: Iterable[str]) -> list[str]:
    seen: list[str] = []
    for key in keys:
        if key and key not in seen:
            seen.append(key)
    return seen
