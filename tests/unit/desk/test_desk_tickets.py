"""Working tickets at the desk: taking (a race has one winner, the other is told in Spanish),
replying, private notes (an agent reads only their own, a supervisor all), handing back at a
chosen step, closing, the phone tools, and what reaches the customer's chat."""

from __future__ import annotations

import threading
from collections.abc import Callable

from desk_support import (
    CHAT,
    LAURA_ID,
    LAURA_LOGIN,
    LAURA_PASSWORD,
    MARIA_CEDULA,
    PAULA_LOGIN,
    PAULA_PASSWORD,
    ROSA_LOGIN,
    ROSA_PASSWORD,
    add_laura,
    desk_audit,
    desk_notices,
    lock_maria,
    open_ticket,
    signed_in,
)
from starlette.testclient import TestClient

from bank.bootstrap import Bank

PAULA_ID = "1005"


def _take(client: TestClient, token: str, number: int) -> int:
    response = client.post(f"/tickets/{number}/tomar", data={"csrf": token}, follow_redirects=False)
    return response.status_code


def test_the_queue_shows_waiting_tickets_with_masked_identity(
    client: TestClient, bank: Bank
) -> None:
    number = lock_maria(bank)
    signed_in(client, PAULA_LOGIN, PAULA_PASSWORD)
    page = client.get("/").text
    assert f"#{number}" in page and "17******65" in page and MARIA_CEDULA not in page
    assert "quedó bloqueado" in page and "Registro en Produbanco en línea · paso ended" in page
    assert f'id="tomar-{number}"' in page


def test_taking_tells_the_customer_and_a_second_agent_is_told_who_has_it(
    new_client: Callable[[], TestClient], bank: Bank
) -> None:
    add_laura(bank)
    number = lock_maria(bank)
    paula, laura = new_client(), new_client()
    paula_token = signed_in(paula, PAULA_LOGIN, PAULA_PASSWORD)
    laura_token = signed_in(laura, LAURA_LOGIN, LAURA_PASSWORD)
    assert _take(paula, paula_token, number) == 303
    lost = laura.post(f"/tickets/{number}/tomar", data={"csrf": laura_token})
    assert lost.status_code == 409
    assert f"El ticket #{number} ya lo atiende Paula." in lost.text
    assert desk_notices(bank) == [("assist_desk_joined", {"ticket": number, "agent_name": "Paula"})]
    holder = bank.tickets.holder(sender_id=CHAT)
    assert holder is not None and holder.agent_id == PAULA_ID


def test_two_agents_racing_for_one_ticket_one_wins(
    new_client: Callable[[], TestClient], bank: Bank
) -> None:
    add_laura(bank)
    number = open_ticket(bank, CHAT)
    browsers = [new_client(), new_client()]
    tokens = [
        signed_in(browsers[0], PAULA_LOGIN, PAULA_PASSWORD),
        signed_in(browsers[1], LAURA_LOGIN, LAURA_PASSWORD),
    ]
    barrier = threading.Barrier(2)
    results: list[int] = []

    def run(index: int) -> None:
        barrier.wait()
        results.append(_take(browsers[index], tokens[index], number))

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [303, 409]
    assert len(desk_notices(bank)) == 1


def test_several_tickets_per_agent(client: TestClient, bank: Bank) -> None:
    first, second = open_ticket(bank, CHAT), open_ticket(bank, "tg:1002")
    token = signed_in(client, PAULA_LOGIN, PAULA_PASSWORD)
    assert _take(client, token, first) == 303 and _take(client, token, second) == 303
    page = client.get("/").text
    assert "Mis tickets (2)" in page
    assert f'id="abrir-{first}"' in page and f'id="abrir-{second}"' in page
    assert client.get(f"/tickets/{first}").status_code == 200
    assert client.get(f"/tickets/{second}").status_code == 200


def test_the_ticket_page_shows_the_redacted_transcript_and_state_without_secrets(
    client: TestClient, bank: Bank
) -> None:
    bank.transcripts.append(sender_id=CHAT, role="cliente", text="mi PIN es 4821 ayuda")
    number = lock_maria(bank)
    token = signed_in(client, PAULA_LOGIN, PAULA_PASSWORD)
    _take(client, token, number)
    page = client.get(f"/tickets/{number}").text
    assert "[número oculto]" in page and "4821" not in page
    assert "Bloqueo por PIN" in page and "17******65" in page
    assert MARIA_CEDULA not in page


def test_a_reply_reaches_the_customers_chat_with_the_agents_name(
    client: TestClient, bank: Bank
) -> None:
    number = lock_maria(bank)
    token = signed_in(client, PAULA_LOGIN, PAULA_PASSWORD)
    _take(client, token, number)
    text = "Hola María José, soy Paula. Te ayudo con el bloqueo."
    sent = client.post(f"/tickets/{number}/responder", data={"csrf": token, "texto": text})
    assert sent.status_code == 200 and "va en camino" in sent.text
    assert desk_notices(bank)[-1] == (
        "assist_desk_reply",
        {"ticket": number, "agent_name": "Paula", "text": text},
    )
    lines = bank.transcripts.lines(sender_id=CHAT)
    assert (lines[-1].role, lines[-1].author) == ("asesor", "Paula")
    empty = client.post(f"/tickets/{number}/responder", data={"csrf": token, "texto": "  "})
    assert empty.status_code == 409 and len(desk_notices(bank)) == 2
    replies = [r for r in desk_audit(bank) if r.action == "desk.reply"]
    assert [r.details["result"] for r in replies] == ["sent", "empty"]
    reply = replies[0]
    assert reply.actor == "desk:paula" and text not in str(reply.details)


def test_an_agent_reads_only_their_own_notes_and_a_supervisor_reads_all(
    new_client: Callable[[], TestClient], bank: Bank
) -> None:
    add_laura(bank)
    number = lock_maria(bank)
    paula, laura, rosa = new_client(), new_client(), new_client()
    paula_token = signed_in(paula, PAULA_LOGIN, PAULA_PASSWORD)
    laura_token = signed_in(laura, LAURA_LOGIN, LAURA_PASSWORD)
    signed_in(rosa, ROSA_LOGIN, ROSA_PASSWORD)
    _take(paula, paula_token, number)
    noted = paula.post(
        f"/tickets/{number}/nota", data={"csrf": paula_token, "texto": "Nota de Paula: llamó"}
    )
    assert noted.status_code == 200 and "Nota de Paula" in noted.text
    # Laura cannot open Paula's ticket at all.
    refused = laura.get(f"/tickets/{number}")
    assert refused.status_code == 403 and "Nota de Paula" not in refused.text
    # Paula leaves (removed): the ticket goes back to the queue and Laura takes it.
    assert bank.agents.remove(telegram_user_id=PAULA_ID).data["requeued"] == [number]
    assert _take(laura, laura_token, number) == 303
    laura.post(
        f"/tickets/{number}/nota", data={"csrf": laura_token, "texto": "Nota de Laura: sigue"}
    )
    seen_by_laura = laura.get(f"/tickets/{number}").text
    assert "Nota de Laura" in seen_by_laura and "Nota de Paula" not in seen_by_laura
    seen_by_rosa = rosa.get(f"/tickets/{number}")
    assert seen_by_rosa.status_code == 200
    assert "Nota de Laura" in seen_by_rosa.text and "Nota de Paula" in seen_by_rosa.text
    assert "no lo atiendes tú" in seen_by_rosa.text  # read only: no reply form
    assert 'action="/tickets/' + str(number) + '/responder"' not in seen_by_rosa.text
    # Paula's desk sign-in went with her agent role.
    assert paula.get("/", follow_redirects=False).status_code == 303


def test_the_supervisor_sees_who_holds_what_and_cannot_take(
    new_client: Callable[[], TestClient], bank: Bank
) -> None:
    number, other = lock_maria(bank), open_ticket(bank, "tg:1002")
    paula, rosa = new_client(), new_client()
    _take(paula, signed_in(paula, PAULA_LOGIN, PAULA_PASSWORD), number)
    rosa_token = signed_in(rosa, ROSA_LOGIN, ROSA_PASSWORD)
    page = rosa.get("/").text
    assert "Atendidos por el equipo (1)" in page and "Paula" in page
    assert f'id="tomar-{other}"' not in page
    assert rosa.post(f"/tickets/{other}/tomar", data={"csrf": rosa_token}).status_code == 403
    assert bank.tickets.position(sender_id="tg:1002").code == "waiting"


def test_hand_back_at_a_chosen_step_and_the_customer_resumes(
    client: TestClient, bank: Bank
) -> None:
    reg = bank.registration
    reg.start(sender_id=CHAT)
    assert reg.submit_identity_number(sender_id=CHAT, text=MARIA_CEDULA).code == "ok"
    assert reg.submit_pin(sender_id=CHAT, pin="1234").code == "ok"
    number = open_ticket(bank, CHAT)
    token = signed_in(client, PAULA_LOGIN, PAULA_PASSWORD)
    _take(client, token, number)
    page = client.get(f"/tickets/{number}").text
    assert '<option value="identity_number">' in page
    refused = client.post(f"/tickets/{number}/devolver", data={"csrf": token, "paso": "finish"})
    assert refused.status_code == 409 and "no puede volver a ese paso" in refused.text
    back = client.post(
        f"/tickets/{number}/devolver", data={"csrf": token, "paso": "identity_number"}
    )
    assert back.status_code == 200
    assert f"Devolviste el ticket #{number} al asistente" in back.text
    assert "volvió al paso identity_number" in back.text
    assert bank.tickets.holder(sender_id=CHAT) is None
    assert desk_notices(bank)[-1] == ("assist_desk_back", {"ticket": number, "agent_name": "Paula"})
    rows = [r for r in desk_audit(bank) if r.action == "desk.hand_back"]
    assert [r.details["result"] for r in rows] == ["cannot_go_back", "handed_back"]
    row = rows[-1]
    assert row.details["step"] == "identity_number" and row.subject == f"ticket:{number}"


def test_close_ends_the_ticket_and_tells_the_customer(client: TestClient, bank: Bank) -> None:
    number = open_ticket(bank, CHAT)
    token = signed_in(client, PAULA_LOGIN, PAULA_PASSWORD)
    _take(client, token, number)
    closed = client.post(f"/tickets/{number}/cerrar", data={"csrf": token})
    assert closed.status_code == 200 and f"Cerraste el ticket #{number}" in closed.text
    assert bank.tickets.holder(sender_id=CHAT) is None
    assert desk_notices(bank)[-1][0] == "assist_desk_back"
    again = client.post(f"/tickets/{number}/cerrar", data={"csrf": token})
    assert again.status_code == 409 and f"El ticket #{number} no lo atiendes tú" in again.text


def test_phone_tools_unlock_with_a_reason(client: TestClient, bank: Bank) -> None:
    lock_maria(bank)
    token = signed_in(client, PAULA_LOGIN, PAULA_PASSWORD)
    found = client.post("/telefono/buscar", data={"csrf": token, "cedula": MARIA_CEDULA})
    assert found.status_code == 200 and "Encontramos a 17******65" in found.text
    assert "sí, " in found.text  # locked
    short = client.post(
        "/telefono/desbloquear", data={"csrf": token, "cedula": MARIA_CEDULA, "motivo": "ok"}
    )
    assert short.status_code == 409 and "de 10 a 300" in short.text
    reason = "Verificada por teléfono con sus preguntas de seguridad"
    unlocked = client.post(
        "/telefono/desbloquear", data={"csrf": token, "cedula": MARIA_CEDULA, "motivo": reason}
    )
    assert unlocked.status_code == 200 and "Desbloqueaste" in unlocked.text
    link = client.post(
        "/telefono/enlace", data={"csrf": token, "cedula": MARIA_CEDULA, "tramite": "registro"}
    )
    assert link.status_code == 200 and "https://t.me/" in link.text
    resend = client.post("/telefono/reenviar", data={"csrf": token, "cedula": MARIA_CEDULA})
    assert resend.status_code == 409 and "No hay un registro esperando" in resend.text
    rows = [r for r in desk_audit(bank) if r.action.startswith("desk.") and r.action != "desk.view"]
    phone = [(r.action, r.subject, r.details["result"]) for r in rows if r.subject == "17******65"]
    assert ("desk.unlock", "17******65", "unlocked") in phone
    assert all(MARIA_CEDULA not in str(r.details) + r.subject for r in desk_audit(bank))


def test_an_agent_cannot_act_on_a_ticket_they_do_not_hold(
    new_client: Callable[[], TestClient], bank: Bank
) -> None:
    add_laura(bank)
    number = open_ticket(bank, CHAT)
    paula, laura = new_client(), new_client()
    _take(paula, signed_in(paula, PAULA_LOGIN, PAULA_PASSWORD), number)
    token = signed_in(laura, LAURA_LOGIN, LAURA_PASSWORD)
    for action in ("responder", "nota", "devolver", "cerrar"):
        response = laura.post(f"/tickets/{number}/{action}", data={"csrf": token, "texto": "x"})
        assert response.status_code == 409, action
        assert f"El ticket #{number} no lo atiendes tú" in response.text
    ticket_holder = bank.tickets.holder(sender_id=CHAT)
    assert ticket_holder is not None and ticket_holder.agent_id == PAULA_ID
    assert bank.assist_desk.queue(agent=LAURA_ID).data["mine"] == []
    assert desk_notices(bank) == [("assist_desk_joined", {"ticket": number, "agent_name": "Paula"})]


def test_what_a_customer_types_is_shown_as_text_never_as_markup(
    client: TestClient, bank: Bank
) -> None:
    attack = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    bank.transcripts.append(sender_id=CHAT, role="cliente", text=attack)
    number = open_ticket(bank, CHAT)
    token = signed_in(client, PAULA_LOGIN, PAULA_PASSWORD)
    client.post(f"/tickets/{number}/tomar", data={"csrf": token})
    client.post(f"/tickets/{number}/nota", data={"csrf": token, "texto": "<b>nota</b>"})
    page = client.get(f"/tickets/{number}").text
    assert "<script>alert" not in page and "<img src=x" not in page and "<b>nota</b>" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page
    assert "&lt;b&gt;nota&lt;/b&gt;" in page
    with client.stream("GET", f"/eventos/tickets/{number}") as stream:
        first = next(line for line in stream.iter_lines() if "alert" in line)
    assert "<script>" not in first and "&lt;script&gt;" in first
