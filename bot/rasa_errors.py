"""How talking to Rasa can fail, and whether the message may be sent again."""

from __future__ import annotations


class RasaUnavailable(Exception):
    """Rasa could not be reached or did not answer properly (refused, timeout, HTTP error)."""


class RasaNotReached(RasaUnavailable):
    """The message provably never reached Rasa (connection refused or failed to connect, a 502
    or 503 from whatever is in front of it): sending it again is safe."""


class RasaNoAnswer(RasaUnavailable):
    """Rasa got the message but its answer was lost (a read timeout, a 500, a broken body): it
    may have processed it, so it must never be sent again."""
