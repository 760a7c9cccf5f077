"""`make run` under supervisord: its configuration, Rasa's endpoints and the action server."""
