"""Components that Rasa loads by module path from config.yml (Python 3.10, `.venv-rasa`).

Rasa puts the project's directory on `sys.path`, so `rasa train` and `rasa run` started from the
repository find them. Nothing here imports the bank, the actions or the bot.
"""
