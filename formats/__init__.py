"""How the assistant writes values for people (pure functions, no bank or chat imports).

Both the bank and the chat clients import from here, so a thin client such as `bot.terminal`
formats amounts exactly like the bank without loading the bank's database code. The Spanish
files themselves (domain/ and channel/texts.yml) are read by `formats.domain_files`, and the
settings of every process from the environment by `formats.environment`.
"""
