"""The Bot API stand-in: `/bot<token>/<method>` answered the way api.telegram.org answers.

Only the methods the assistant uses are implemented (docs/telegram.md lists them); any other
method is a logged 404, so a new call in the bot shows up at once instead of half-working.
`routes` dispatches to one module per group of methods (`chat_methods`, `update_methods`,
`bot_methods`); `markup` and `inputs` check the text, keyboards and files a call carries.
"""
