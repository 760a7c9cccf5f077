"""The start of every conversation session: the slots carried over, and the facts the responses
state (bank/facts.py) set as slots, so Rasa fills them in any response, FAQ answers included."""
