"""The one source of the forms and of the interruptions they answer (issue 14).

`forms.py` states, per form, its slots, which free-text slots take which intents as text, and
every interruption it answers with the answer; `intents.py` names the groups of intents they
share. `render.py` writes from them domain/forms.yml, dialogues/form_interruptions.yml and the
`not_intent` lists of the free-text slots in domain/*.yml; `python scripts/form_rules.py`
writes them and `--check` fails when one is stale.
"""
