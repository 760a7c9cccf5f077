"""Rasa custom actions, one feature per subpackage (served by `rasa_sdk --actions actions`)."""
