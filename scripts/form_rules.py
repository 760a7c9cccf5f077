"""Write dialogues/mini_money.yml: the child's money rules and, per form, the same interruptions.

Run `python scripts/form_rules.py` after changing the forms or the intents below; the output is
committed (Rasa reads YAML, not this script).
"""

from __future__ import annotations

from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "dialogues" / "mini_money.yml"
ONE_SHOT = [
    (
        "The Cuenta Mini menu (the child's, when a child is signed in)",
        "open_mini",
        "action_open_mini",
    ),
    ("The child's goals", "show_goals", "action_show_goals"),
    ("Solicitar mi dinero on a reached goal", "request_goal_money", "action_request_goal_money"),
    ("Missions", "show_missions", "action_show_missions"),
    ("A mission done", "mission_done", "action_mission_done"),
    ("The bank's lessons", "learn", "action_learn"),
    ("Movements and requests", "show_movements", "action_show_movements"),
    ("The balance", "show_balance", "action_show_balance"),
    ("Music off", "music_off", "action_set_music"),
    ("Music on", "music_on", "action_set_music"),
]
FORMS = [
    ("mini_goal_form", "create_goal", "action_submit_goal", "a new goal"),
    ("mini_money_request_form", "ask_money", "action_submit_money_request", "asking for money"),
    ("mini_withdrawal_form", "withdraw_money", "action_submit_withdrawal", "a withdrawal"),
]
ANSWERED = [
    ("A frequent question", "faq", "utter_faq"),
    ("Asking for an agent", "request_human", "action_offer_agent"),
    ("Consent to an agent", "agent_consent", "action_open_ticket"),
    ("No agent, thanks", "agent_decline", "utter_agent_declined"),
    ("Cancelling the wait for an agent", "cancel_agent_wait", "action_cancel_agent_wait"),
    ("Back from an agent", "resume_after_agent", "utter_resume_after_agent"),
    ("Greeting", "greet", "utter_greet"),
    ("Thanks", "thank", "utter_thank"),
    ("Goodbye (the form waits)", "goodbye", "utter_goodbye"),
    ("Help", "show_help", "utter_help"),
    ("Typed command", "typed_command", "utter_typed_command_refused"),
    ("Typed secret", "typed_secret", "utter_typed_secret_refused"),
    ("Going back", "go_back", "utter_mini_cannot_go_back"),
]
MISSES = ["out_of_scope", "nlu_fallback"]
OTHER_JOURNEYS = [
    "start_registration", "start_parent_mini", "start_mini_registration", "start_mini_sign_in",
    "sign_out", "open_mini", "show_goals", "create_goal", "show_missions", "mission_done",
    "ask_money", "withdraw_money", "show_movements", "show_balance", "music_off", "music_on",
    "parent_approvals", "approve_request", "reject_request", "create_mission", "remove_mission",
    "request_goal_money", "learn", "generate_code", "no_activation_code", "ask_parent_for_code",
    "register_here", "share_link", "pick_other_child", "unlock_child",
]  # fmt: skip


def rule(name: str, loop: str | None, steps: list[str]) -> str:
    condition = f"      - active_loop: {loop or 'null'}\n"
    body = "".join(f"      - {step}\n" for step in steps)
    return f"  - rule: {name}\n    condition:\n{condition}    steps:\n{body}\n"


def or_intents(intents: list[str]) -> str:
    lines = "".join(f"\n          - intent: {intent}" for intent in intents)
    return f"or:{lines}"


def main() -> None:
    out = [
        "# The child's Cuenta Mini money (docs/mini.md, issue 5): scripts/form_rules.py.\n"
        "# One-shot actions outside forms, then each form: its start, its end, and the same\n"
        "# interruptions inside it (answered, then the form asks its step again).\n"
        'version: "3.1"\n\nrules:\n'
    ]
    for name, intent, action in ONE_SHOT:
        out.append(rule(name, None, [f"intent: {intent}", f"action: {action}"]))
    for form, intent, submit, what in FORMS:
        out.append(f"  # --- {form} ({what}) ---\n\n")
        out.append(
            rule(
                f"Start {what}",
                None,
                [f"intent: {intent}", f"action: {form}", f"active_loop: {form}"],
            )
        )
        out.append(
            rule(
                f"{form} ends",
                form,
                [
                    f"action: {form}",
                    "active_loop: null",
                    "slot_was_set:\n          - requested_slot: null",
                    f"action: {submit}",
                ],
            )
        )
        for label, answered, response in ANSWERED:
            out.append(
                rule(
                    f"{label} inside {form}",
                    form,
                    [
                        f"intent: {answered}",
                        f"action: {response}",
                        f"action: {form}",
                        f"active_loop: {form}",
                    ],
                )
            )
        out.append(
            rule(
                f"Not understood inside {form}",
                form,
                [
                    or_intents(MISSES),
                    "action: action_not_understood",
                    f"action: {form}",
                    f"active_loop: {form}",
                ],
            )
        )
        out.append(
            rule(
                f"Cancelling {form}",
                form,
                ["intent: cancel", "action: action_cancel_mini_money_form", "active_loop: null"],
            )
        )
        out.append(
            rule(
                f"Another journey asked inside {form}",
                form,
                [
                    or_intents(OTHER_JOURNEYS),
                    "action: utter_finish_current_first",
                    f"action: {form}",
                    f"active_loop: {form}",
                ],
            )
        )
    OUT.write_text("".join(out).rstrip() + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
