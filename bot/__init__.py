"""Channel side of the assistant: Rasa REST client, secure input and the terminal chat."""
