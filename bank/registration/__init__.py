"""The online-banking registration journey ("Registro en Produbanco en línea")."""

from bank.registration.outcome import RegistrationCode
from bank.registration.service import RegistrationService
from bank.registration.steps import Step

__all__ = ["RegistrationCode", "RegistrationService", "Step"]
