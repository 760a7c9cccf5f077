"""`python -m bank`: migrate, seed, outbox, unlock, release-sign-in, mini approve, agents, audit,
funnel."""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import sys
from collections.abc import Sequence

from bank.assist import AssistCode, AuditRow
from bank.assist.desk_accounts import DeskAccounts, DeskCode, normalise_login
from bank.assist.desk_policy import MIN_PASSWORD_LENGTH
from bank.audit_upgrade import key_legacy_audit_rows
from bank.bootstrap import Bank, build_bank
from bank.db import unit_of_work
from bank.demo import seed_demo
from bank.funnel.command import add_funnel_parser, run_funnel
from bank.hash_upgrade import seal_legacy_hashes
from bank.migrate import upgrade_database
from bank.mini.outcome import MiniCode
from bank.models import DESK_ROLES
from bank.outbox import SentMessage, read_outbox
from bank.redaction import install_redaction
from bank.settings import Settings, SettingsError, load_settings


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with one subcommand per task."""
    parser = argparse.ArgumentParser(prog="python -m bank", description="Produbanco bank core")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="upgrade the database schema to the latest revision")
    commands.add_parser("seed", help="load the fictitious demo customers (idempotent)")
    outbox = commands.add_parser("outbox", help="show the SMS and e-mails sent, newest last")
    outbox.add_argument("--to", help="only messages to this phone or e-mail address")
    outbox.add_argument("--json", action="store_true", help="print a JSON list")
    unlock = commands.add_parser("unlock", help="an agent lifts the locks of an identity")
    unlock.add_argument("identity", help="cédula, RUC, or RUC+cédula of an additional user")
    unlock.add_argument("--agent", required=True, help="who unlocks (audited)")
    unlock.add_argument("--reason", required=True, help="why (audited)")
    release = commands.add_parser(
        "release-sign-in",
        help='release a held "Cuenta para mis hijos" sign-in (agent or online banking)',
    )
    release.add_argument("username", help="the online-banking username")
    release.add_argument("--by", required=True, help="who releases, e.g. online-banking (audited)")
    release.add_argument("--reason", required=True, help="why (audited)")
    mini = commands.add_parser("mini", help="Cuenta Mini back office")
    mini_commands = mini.add_subparsers(dest="mini_command", required=True)
    approve = mini_commands.add_parser("approve", help="approve a pending Cuenta Mini")
    approve.add_argument("cedula", help="the child's cédula")
    approve.add_argument("--by", default="backoffice", help="who approves (audited)")
    agents = commands.add_parser("agents", help="call-center agents (assisted mode)")
    agent_commands = agents.add_subparsers(dest="agents_command", required=True)
    add = agent_commands.add_parser("add", help="make a Telegram user an agent")
    add.add_argument("telegram_id", help="the agent's Telegram user id")
    add.add_argument("name", help="the name customers see")
    add.add_argument("--login", help="also a web-desk sign-in with this login name")
    add.add_argument(
        "--role", choices=DESK_ROLES, default="agent", help="the desk role (with --login)"
    )
    add.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the desk password from the first line of stdin (else it is asked twice)",
    )
    remove = agent_commands.add_parser("remove", help="an agent stops being one")
    remove.add_argument("telegram_id", help="the agent's Telegram user id")
    agent_commands.add_parser("list", help="every agent, active first")
    supervisor = agent_commands.add_parser(
        "supervisor", help="a web-desk supervisor who takes no tickets (no Telegram id)"
    )
    supervisor.add_argument("login", help="the desk login name")
    supervisor.add_argument("name", help="the name shown at the desk")
    supervisor.add_argument("--password-stdin", action="store_true", help="as for add")
    audit = commands.add_parser("audit", help="print the audit log, oldest first")
    audit.add_argument("--agent", help="only what this agent (Telegram user id) did")
    audit.add_argument("--customer", help="only rows about this cédula, RUC or RUC+cédula")
    audit.add_argument("--limit", type=int, help="only the last N rows")
    add_funnel_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one subcommand; return the process exit code."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    install_redaction()
    try:
        settings = load_settings()
    except SettingsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.command == "migrate":
        upgrade_database(settings.database_url)
        print("database schema is up to date")
        return _protect_legacy_data(settings)
    bank = build_bank(settings)
    try:
        if args.command == "seed":
            with unit_of_work(bank.sessions) as session:
                report = seed_demo(session, hasher=bank.hasher, clock=bank.clock)
            print(
                f"demo data: {report.customers} customers, {report.additional_users} additional "
                f"users, {report.online_users} online users, {report.locks} locks, "
                f"{report.mini_accounts} Cuenta Mini accounts, {report.agents} agents added, "
                f"{report.desk_accounts} desk accounts added"
            )
            return 0
        if args.command == "agents":
            return _agents(bank, args)
        if args.command == "audit":
            return _audit(bank, agent=args.agent, customer=args.customer, limit=args.limit)
        if args.command == "funnel":
            return run_funnel(bank, args)
        if args.command == "mini":
            return _approve_mini(bank, args.cedula, actor=f"backoffice:{args.by}")
        if args.command == "release-sign-in":
            released = bank.parent_sign_in.release_sign_in_hold(
                username=args.username, released_by=f"operator:{args.by}", reason=args.reason
            )
            print(released)
            return 1 if released == "unknown" else 0
        if args.command == "outbox":
            _print_outbox(read_outbox(bank.sessions, to=args.to), as_json=args.json)
            return 0
        try:
            result = bank.registration.unlock_identity(
                identity_key=args.identity, agent=args.agent, reason=args.reason
            )
        except ValueError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        print(result)
        return 0
    finally:
        bank.dispose()


def _protect_legacy_data(settings: Settings) -> int:
    """Seal hashes from before the pepper and key audit rows from before the refs (idempotent)."""
    bank = build_bank(settings)
    try:
        with unit_of_work(bank.sessions) as session:
            sealed = seal_legacy_hashes(session, bank.hasher)
            keyed = key_legacy_audit_rows(session, bank.customer_refs)
    finally:
        bank.dispose()
    if sealed:
        print(f"{sealed} stored hashes from before the pepper sealed with the bank's key")
    if keyed:
        print(f"{keyed} audit rows from before the customer refs masked and keyed")
    return 0


def _approve_mini(bank: Bank, cedula: str, *, actor: str) -> int:
    approval = bank.mini_accounts.approve(child_cedula=cedula, actor=actor)
    if approval.code == MiniCode.UNKNOWN:
        print(f"error: no Cuenta Mini for cédula {cedula}", file=sys.stderr)
        return 1
    child = approval.child.full_name if approval.child else cedula
    if approval.code == MiniCode.ALREADY_APPROVED:
        print(f"{child}: already approved")
    else:
        print(f"{child}: approved (parent: {approval.parent_name})")
    return 0


def _agents(bank: Bank, args: argparse.Namespace) -> int:
    if args.agents_command == "list":
        agents = bank.agents.all_agents()
        if not agents:
            print("(no agents)")
        accounts = DeskAccounts(session_factory=bank.sessions, clock=bank.clock, hasher=bank.hasher)
        logins = accounts.logins_by_agent()
        for agent in agents:
            status = "active" if agent.active else "removed"
            desk = logins.get(agent.telegram_user_id)
            print(
                f"{agent.telegram_user_id}\t{agent.display_name}\t{status}\t"
                f"added {agent.added_at:%Y-%m-%d %H:%M:%S}"
                + (f"\tdesk login {desk[0]} ({desk[1]})" if desk else "")
            )
        return 0
    if args.agents_command == "supervisor":
        return _desk_account(bank, args)
    if args.agents_command == "add":
        outcome = bank.agents.add(telegram_user_id=args.telegram_id, display_name=args.name)
        if outcome.code == AssistCode.INVALID:
            print(f"error: invalid {outcome.data['reason']}", file=sys.stderr)
            return 2
        print(f"{outcome.data['telegram_user_id']} {outcome.data['display_name']}: {outcome.code}")
        return _desk_account(bank, args) if args.login else 0
    outcome = bank.agents.remove(telegram_user_id=args.telegram_id)
    if outcome.code == AssistCode.UNKNOWN:
        print(f"error: {args.telegram_id} is not an active agent", file=sys.stderr)
        return 1
    requeued = outcome.data["requeued"]
    suffix = f" ({len(requeued)} tickets back in the queue)" if requeued else ""
    print(f"{outcome.data['telegram_user_id']}: removed{suffix}")
    return 0


def _desk_account(bank: Bank, args: argparse.Namespace) -> int:
    """Give the agent a desk login, role and password (read without echo, never printed)."""
    password = read_desk_password(from_stdin=args.password_stdin)
    if password is None:
        print("error: the two passwords differ", file=sys.stderr)
        return 2
    accounts = DeskAccounts(session_factory=bank.sessions, clock=bank.clock, hasher=bank.hasher)
    if args.agents_command == "supervisor":
        role = "supervisor"
        code = accounts.set_supervisor(login=args.login, display_name=args.name, password=password)
    else:
        role = args.role
        code = accounts.set_account(
            telegram_user_id=args.telegram_id, login=args.login, role=role, password=password
        )
    if code != DeskCode.SET:
        weak = code == DeskCode.WEAK_PASSWORD
        detail = f" (at least {MIN_PASSWORD_LENGTH} characters)" if weak else ""
        print(f"error: {code}{detail}", file=sys.stderr)
        return 2
    print(f"desk login {normalise_login(args.login)} ({role}): set")
    return 0


def read_desk_password(*, from_stdin: bool) -> str | None:
    """The desk password: stdin's first line, or typed twice without echo (None if they differ)."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Contraseña del escritorio: ")
    second = getpass.getpass("Repite la contraseña: ")
    return first if first == second else None


def _audit(bank: Bank, *, agent: str | None, customer: str | None, limit: int | None) -> int:
    try:
        rows = bank.audit_log.read(agent=agent, customer=customer, limit=limit)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if not rows:
        print("(no audit rows)")
    for row in rows:
        print(_audit_line(row))
    return 0


def _audit_line(row: AuditRow) -> str:
    # The customer ref is for filtering; the masked identity in the subject is for reading.
    details = {k: v for k, v in row.details.items() if k != "customer_ref"}
    shown = json.dumps(details, ensure_ascii=False, sort_keys=True) if details else ""
    return f"{row.at:%Y-%m-%d %H:%M:%S}\t{row.actor}\t{row.action}\t{row.subject}\t{shown}"


def _print_outbox(messages: list[SentMessage], *, as_json: bool) -> None:
    if as_json:
        print(json.dumps([m.as_json() for m in messages], ensure_ascii=False, indent=2))
        return
    if not messages:
        print("(the outbox is empty)")
        return
    for message in messages:
        header = (
            f"[{message.created_at:%Y-%m-%d %H:%M:%S}] {message.channel} to {message.recipient}"
        )
        print(header)
        if message.subject:
            print(f"Subject: {message.subject}")
        print(message.body.rstrip())
        print()
