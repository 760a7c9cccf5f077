"""The bank's own messages (SMS and e-mail bodies). Chat replies live in domain/ and channel/."""

from __future__ import annotations

CALL_CENTER = "1700 123 123"

OTP_SMS = (
    "Produbanco: tu clave de seguridad temporal es {code}. Vigente por {minutes} minutos. "
    "No la compartas con nadie."
)

REGISTRATION_MAIL_SUBJECT = "Produbanco en línea: registro exitoso"

REGISTRATION_MAIL_BODY = """Hola, {name}:

Tu registro en Produbanco en línea terminó exitosamente.

A partir de ahora, para ingresar a nuestra Web transaccional usa tu nombre de usuario: {username}

{second_factor}

Si no realizaste este registro o tienes dudas, comunícate con nuestro Call Center al {call_center}.

Produbanco
"""

SECOND_FACTOR_ACTIVE_TEXT = "Tu Token digital quedó activado como segundo factor de seguridad."
SECOND_FACTOR_PENDING_TEXT = (
    "Para activar tu Token digital ingresa a Menú Principal / Servicios Bancarios / "
    "Segundo Factor de Seguridad / Activación."
)


def otp_sms(*, code: str, minutes: int) -> str:
    """The SMS that carries a one-time code."""
    return OTP_SMS.format(code=code, minutes=minutes)


def registration_mail(*, name: str, username: str, token_active: bool) -> tuple[str, str]:
    """Subject and body of the registration confirmation (no secrets)."""
    body = REGISTRATION_MAIL_BODY.format(
        name=name,
        username=username,
        second_factor=SECOND_FACTOR_ACTIVE_TEXT if token_active else SECOND_FACTOR_PENDING_TEXT,
        call_center=CALL_CENTER,
    )
    return REGISTRATION_MAIL_SUBJECT, body


# The SMS an agent sends with a Telegram deep link (bank.assist.phone.send_link).
LINK_SMS = (
    "Produbanco: para continuar en Telegram abre {link} . "
    "Ningún asesor te pedirá tus claves ni códigos."
)

# "Cuenta para mis hijos" held after repeated failures (bank.mini.parent_sign_in).
SIGN_IN_HELD_SMS = (
    "Produbanco: detectamos varios intentos fallidos de ingreso a Cuenta para mis hijos con tu "
    "usuario y lo bloqueamos por tu seguridad. Para desbloquearlo llama al Call Center "
    "{call_center}. Si no fuiste tú, cambia tu contraseña. Nunca compartas tus claves ni códigos."
)
SIGN_IN_HELD_MAIL_SUBJECT = "Produbanco: intentos de ingreso a Cuenta para mis hijos"
SIGN_IN_HELD_MAIL_BODY = """Hola, {name}:

Detectamos varios intentos fallidos de ingreso a Cuenta para mis hijos con tu usuario de
Produbanco en línea. Por tu seguridad, bloqueamos ese ingreso.

Para desbloquearlo, comunícate con nuestro Call Center al {call_center}. Si no fuiste tú, cambia
tu contraseña. Ningún asesor te pedirá tus claves ni códigos.

Produbanco
"""


def sign_in_held_sms() -> str:
    """The SMS that tells a customer their "Cuenta para mis hijos" sign-in was held."""
    return SIGN_IN_HELD_SMS.format(call_center=CALL_CENTER)


def sign_in_held_mail(*, name: str) -> tuple[str, str]:
    """Subject and body of the e-mail that tells a customer their sign-in was held."""
    return SIGN_IN_HELD_MAIL_SUBJECT, SIGN_IN_HELD_MAIL_BODY.format(
        name=name, call_center=CALL_CENTER
    )
