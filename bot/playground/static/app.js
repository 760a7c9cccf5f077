// The playground's chat page: talks to /playground/api (docs/telegram.md).
// Bot and user text is always inserted as text nodes; HTML from the bot (parse_mode HTML) is
// parsed with DOMParser and rebuilt from the few tags Telegram allows. Web addresses in text
// become links, as in Telegram; a link to this bot (t.me/<bot>?start=X) is "opened" by sending
// "/start X" from a persona chosen on the page (the selected one first).
"use strict";

const API = "/playground/api";
const LONG_POLL_SECONDS = 25;
const SIDE_POLL_MS = 2000;
const ROLE_NAMES = {
  customer: "Clienta",
  company_user: "Usuario de empresa",
  parent: "Padre",
  child: "Hija",
  agent: "Agente",
  guest: "Persona de prueba",
};
const ACTION_NAMES = {
  typing: "escribiendo…",
  upload_photo: "enviando foto…",
  upload_document: "enviando archivo…",
};
const ALLOWED_TAGS = {
  B: "b", STRONG: "b", I: "i", EM: "i", U: "u", INS: "u", S: "s", STRIKE: "s", DEL: "s",
  CODE: "code", PRE: "pre", A: "a", BLOCKQUOTE: "blockquote", "TG-SPOILER": "spoiler",
  SPAN: "spoiler",
};

const ui = {};
const URL_IN_TEXT = /\bhttps?:\/\/[^\s<>"]+[^\s<>".,;:!?)\]'»]/g;
const START_PARAMETER = /^[A-Za-z0-9_-]{1,64}$/;

const app = {
  personas: [],
  botUsername: null,       // from GET /bot: t.me links to this bot are opened on the page
  current: null,
  poll: null,
  commands: [],
  seenBot: new Map(),      // user_id -> highest bot message id seen
  summaryLoaded: false,
  shownAnswers: new Set(), // callback_query_id whose answer was shown
  pendingTaps: new Map(),  // callback_query_id -> timer
  outboxKey: "",
  outboxSeen: new Set(),
  outboxLoaded: false,
};

// -- helpers ---------------------------------------------------------------------------------

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = text;
  return node;
}

// Icons drawn inline: the page loads nothing from outside and needs no emoji font.
const ICONS = {
  lock: "M7 10V7a5 5 0 0 1 10 0v3h1a1 1 0 0 1 1 1v9a1 1 0 0 1-1 1H6a1 1 0 0 1-1-1v-9a1 1 0 0 1 1-1zm2 0h6V7a3 3 0 0 0-6 0z",
  sms: "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z",
  mail: "M3 5h18a1 1 0 0 1 1 1v12a1 1 0 0 1-1 1H3a1 1 0 0 1-1-1V6a1 1 0 0 1 1-1zm1 2.2V17h16V7.2l-8 5.3z",
  // A bell crossed out (drawn with fill-rule evenodd: the stroke cuts through the bell).
  bellOff:
    "M12 22a2 2 0 0 0 2-2h-4a2 2 0 0 0 2 2zm6-6v-5a6 6 0 0 0-5-5.9V4a1 1 0 0 0-2 0v1.1A6 6 0 0 0 6 11v5l-2 2v1h16v-1zM3.3 2.3l18.4 18.4-1.4 1.4L1.9 3.7z",
};

function icon(name, className) {
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("class", `icon ${className || ""}`);
  const path = document.createElementNS("http://www.w3.org/2000/svg", "path");
  path.setAttribute("d", ICONS[name]);
  path.setAttribute("fill", "currentColor");
  svg.appendChild(path);
  return svg;
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function api(path, options = {}) {
  const init = { ...options, headers: { Accept: "application/json", ...(options.headers || {}) } };
  if (options.json !== undefined) {
    init.method = init.method || "POST";
    init.body = JSON.stringify(options.json);
    init.headers["Content-Type"] = "application/json";
  }
  const response = await fetch(API + path, init);
  let body = null;
  try {
    body = await response.json();
  } catch (error) {
    body = null;
  }
  if (!response.ok) {
    const reason = body && body.error ? body.error : `HTTP ${response.status}`;
    const failure = new Error(reason);
    failure.status = response.status;
    throw failure;
  }
  return body;
}

function clock(seconds) {
  return new Date(seconds * 1000).toLocaleTimeString("es-EC", { hour: "2-digit", minute: "2-digit" });
}

function initials(persona) {
  const parts = [persona.first_name, persona.last_name || ""].join(" ").split(/\s+/).filter(Boolean);
  return (parts[0][0] + (parts.length > 1 ? parts[parts.length - 1][0] : "")).toUpperCase();
}

function fullName(persona) {
  return [persona.first_name, persona.last_name].filter(Boolean).join(" ");
}

function e164(phone) {
  return phone && phone.startsWith("0") ? "+593" + phone.slice(1) : phone;
}

function currentPersona() {
  return app.personas.find((persona) => persona.user_id === app.current) || null;
}

function showToast(text) {
  ui.toast.textContent = text;
  ui.toast.hidden = false;
  ui.toast.classList.remove("visible");
  void ui.toast.offsetWidth; // restart the transition
  ui.toast.classList.add("visible");
  clearTimeout(showToast.timer);
  showToast.timer = setTimeout(() => {
    ui.toast.classList.remove("visible");
    setTimeout(() => { ui.toast.hidden = true; }, 250);
  }, 2600);
}

function showAlert(text) {
  ui.alertText.textContent = text;
  ui.alert.hidden = false;
  ui.alertOk.focus();
}

// -- rich text -------------------------------------------------------------------------------

function safeHref(href) {
  return /^(https?:|tg:|mailto:)/i.test(href || "") ? href : null;
}

// The start parameter of a link to this bot ("" for a plain t.me/<bot>), else null.
function deepLinkStart(href) {
  if (!app.botUsername || !href) return null;
  let url;
  try {
    url = new URL(href);
  } catch (error) {
    return null;
  }
  if (!/^https?:$/.test(url.protocol) || url.hostname.toLowerCase() !== "t.me") return null;
  if (url.pathname.replace(/^\/+|\/+$/g, "").toLowerCase() !== app.botUsername.toLowerCase()) {
    return null;
  }
  const start = url.searchParams.get("start");
  if (start === null) return "";
  return START_PARAMETER.test(start) ? start : null;
}

function linkTo(href, text) {
  const link = el("a", null, text);
  link.href = href;
  const start = deepLinkStart(href);
  if (start !== null) {
    link.classList.add("deep-link");
    link.title = "Abrir este enlace del bot como una de las personas";
    link.addEventListener("click", (event) => {
      event.preventDefault();
      openDeepLink(start);
    });
  } else {
    link.target = "_blank";
    link.rel = "noopener noreferrer";
  }
  return link;
}

// Plain text with its web addresses as links (Telegram links them in every message).
function appendLinkified(parent, text, linked) {
  if (linked) {
    parent.appendChild(document.createTextNode(text));
    return;
  }
  let last = 0;
  for (const match of text.matchAll(URL_IN_TEXT)) {
    if (match.index > last) parent.appendChild(document.createTextNode(text.slice(last, match.index)));
    parent.appendChild(linkTo(match[0], match[0]));
    last = match.index + match[0].length;
  }
  if (last < text.length) parent.appendChild(document.createTextNode(text.slice(last)));
}

function appendAllowed(node, parent, linked) {
  if (node.nodeType === Node.TEXT_NODE) {
    appendLinkified(parent, node.nodeValue, linked);
    return;
  }
  if (node.nodeType !== Node.ELEMENT_NODE) return;
  let kind = ALLOWED_TAGS[node.tagName];
  if (node.tagName === "SPAN" && node.getAttribute("class") !== "tg-spoiler") kind = undefined;
  let target = parent; // a tag that is not allowed is dropped; its text stays
  if (kind === "a") {
    const href = safeHref(node.getAttribute("href"));
    target = href ? linkTo(href) : el("span");
    linked = true;
  } else if (kind === "spoiler") {
    target = el("span", "spoiler");
    target.title = "Toca para mostrar";
    target.addEventListener("click", () => target.classList.add("revealed"));
  } else if (kind) {
    target = el(kind);
  }
  if (target !== parent) parent.appendChild(target);
  for (const child of Array.from(node.childNodes)) appendAllowed(child, target, linked);
}

function renderText(container, plain, html) {
  if (html) {
    const doc = new DOMParser().parseFromString(html, "text/html");
    for (const child of Array.from(doc.body.childNodes)) appendAllowed(child, container, false);
  } else {
    appendLinkified(container, plain, false);
  }
}

// -- deep links --------------------------------------------------------------------------------

// Ask which persona opens the link (the selected one first), then send "/start X" as them.
function openDeepLink(start) {
  const command = start ? `/start ${start}` : "/start";
  ui.openLinkText.textContent = `Abrir el enlace (${command}) como:`;
  ui.openLinkChoices.replaceChildren();
  const ordered = [...app.personas].sort(
    (a, b) => (b.user_id === app.current) - (a.user_id === app.current));
  for (const persona of ordered) {
    const choice = el("button", "open-link-choice",
      fullName(persona) + (persona.user_id === app.current ? " (la persona elegida)" : ""));
    choice.type = "button";
    choice.dataset.persona = String(persona.user_id);
    choice.addEventListener("click", async () => {
      ui.openLink.hidden = true;
      if (persona.user_id !== app.current) selectPersona(persona.user_id);
      await sendText(command);
    });
    ui.openLinkChoices.appendChild(choice);
  }
  ui.openLink.hidden = false;
  ui.openLinkChoices.firstChild?.focus();
}

// -- personas --------------------------------------------------------------------------------

function renderPersonas() {
  ui.personaList.replaceChildren();
  for (const persona of app.personas) {
    const item = el("button", `persona role-${persona.role}`);
    item.type = "button";
    item.dataset.persona = String(persona.user_id);
    item.title = persona.description;
    const avatar = el("div", "avatar", initials(persona));
    const body = el("div", "persona-body");
    const top = el("div", "persona-top");
    top.append(el("span", "persona-name", fullName(persona)), el("span", "persona-time", ""));
    const bottom = el("div", "persona-bottom");
    const preview = el("span", "persona-preview", ROLE_NAMES[persona.role] || persona.role);
    const badge = el("span", "badge", "");
    badge.hidden = true;
    bottom.append(preview);
    body.append(top, bottom);
    item.append(avatar, body, badge);
    item.addEventListener("click", () => selectPersona(persona.user_id));
    ui.personaList.appendChild(item);
  }
}

function personaItem(userId) {
  return ui.personaList.querySelector(`[data-persona="${userId}"]`);
}

async function refreshPersonas() {
  app.personas = await api("/personas");
  renderPersonas();
  for (const item of ui.personaList.querySelectorAll(".persona")) {
    item.classList.toggle("active", item.dataset.persona === String(app.current));
  }
}

async function renderSummary(summary) {
  if (summary.some((chat) => !app.personas.some((p) => p.user_id === chat.user_id))) {
    await refreshPersonas(); // a test added a persona
  }
  for (const chat of summary) {
    const item = personaItem(chat.user_id);
    if (!item) continue;
    const persona = app.personas.find((p) => p.user_id === chat.user_id);
    if (!app.summaryLoaded || chat.user_id === app.current) {
      const highest = Math.max(0, ...chat.bot_message_ids);
      app.seenBot.set(chat.user_id, Math.max(app.seenBot.get(chat.user_id) || 0, highest));
    }
    const seen = app.seenBot.get(chat.user_id) || 0;
    const unread = chat.bot_message_ids.filter((id) => id > seen).length;
    const badge = item.querySelector(".badge");
    badge.textContent = String(unread);
    badge.hidden = unread === 0;
    const preview = item.querySelector(".persona-preview");
    const time = item.querySelector(".persona-time");
    preview.classList.toggle("typing", chat.typing);
    if (chat.typing) {
      preview.textContent = "escribiendo…";
    } else if (chat.last_message) {
      const last = chat.last_message;
      const media = { animation: "GIF", voice: "Mensaje de voz", audio: "Audio" }[last.media];
      const text = last.text || (last.photo ? "Foto" : media || "");
      preview.textContent = (last.from === "user" ? "Tú: " : "") + text.replace(/\s+/g, " ");
    } else {
      preview.textContent = ROLE_NAMES[persona.role] || persona.role;
    }
    time.textContent = chat.last_message ? clock(chat.last_message.date) : "";
  }
  app.summaryLoaded = true;
}

async function pollSummary() {
  for (;;) {
    try {
      await renderSummary(await api("/chats"));
    } catch (error) {
      // the chat long-poll reports lost connections
    }
    await sleep(SIDE_POLL_MS);
  }
}

// -- chat ------------------------------------------------------------------------------------

function selectPersona(userId) {
  if (app.poll) app.poll.abort();
  app.current = userId;
  const persona = currentPersona();
  for (const item of ui.personaList.querySelectorAll(".persona")) {
    item.classList.toggle("active", item.dataset.persona === String(userId));
  }
  ui.chatPersona.textContent = persona ? `Escribes como ${fullName(persona)} · ${persona.description}` : "";
  ui.messages.replaceChildren();
  ui.replyKeyboard.hidden = true;
  ui.commandsMenu.hidden = true;
  renderPhoneOwner();
  history.replaceState(null, "", `#${userId}`);
  const controller = new AbortController();
  app.poll = controller;
  chatLoop(userId, controller.signal, true);
  ui.input.focus();
}

async function chatLoop(userId, signal, first) {
  let since = 0;
  while (!signal.aborted) {
    try {
      const wait = since === 0 ? 0 : LONG_POLL_SECONDS;
      const chat = await api(`/chats/${userId}?since=${since}&wait=${wait}`, { signal });
      if (signal.aborted) return;
      ui.banner.hidden = true;
      renderChat(chat, first);
      first = false;
      since = chat.version;
    } catch (error) {
      if (signal.aborted) return;
      ui.banner.hidden = false;
      await sleep(1000);
    }
  }
}

function messageKey(message) {
  return JSON.stringify([
    message.text, message.caption, message.html, message.photo, message.animation, message.voice,
    message.audio, message.buttons, message.edited, message.protect_content,
  ]);
}

function buildBubble(message) {
  const bubble = el("div", "bubble");
  if (message.photo) {
    const img = el("img", "photo");
    img.src = message.photo;
    img.alt = "Foto";
    if (message.photo_width && message.photo_height) {
      img.width = message.photo_width;
      img.height = message.photo_height;
    }
    img.addEventListener("click", () => openLightbox(message.photo));
    bubble.appendChild(img);
    bubble.classList.add("has-photo");
  }
  if (message.animation) {
    // Telegram plays animations by themselves, looping and without sound: a GIF does the same.
    const img = el("img", "photo animation");
    img.src = message.animation;
    img.alt = "GIF";
    img.addEventListener("click", () => openLightbox(message.animation));
    bubble.appendChild(img);
    bubble.classList.add("has-photo");
  }
  for (const kind of ["voice", "audio"]) {
    if (!message[kind]) continue;
    const sound = el("audio", kind === "voice" ? "voice" : "audio-file");
    sound.controls = true;
    sound.preload = "metadata";
    sound.src = message[kind];
    sound.title = kind === "voice" ? "Mensaje de voz" : "Audio";
    bubble.appendChild(sound);
    bubble.classList.add("has-sound");
  }
  const body = message.text !== null ? message.text : message.caption;
  if (body) {
    const text = el("div", "text");
    renderText(text, body, message.html);
    bubble.appendChild(text);
  }
  const meta = el("span", "meta");
  if (message.disable_notification) {
    const muted = el("span", "silent");
    muted.title = "Enviado sin sonido de notificación";
    const bell = icon("bellOff");
    bell.querySelector("path").setAttribute("fill-rule", "evenodd");
    muted.appendChild(bell);
    meta.appendChild(muted);
  }
  if (message.protect_content) {
    const lock = el("span", "lock");
    lock.title = "Contenido protegido: no se puede reenviar ni copiar";
    lock.appendChild(icon("lock"));
    meta.appendChild(lock);
  }
  if (message.edited) meta.appendChild(el("span", "edited", "editado"));
  meta.appendChild(el("span", "time", clock(message.date)));
  if (message.from === "user") meta.appendChild(el("span", "ticks", "✓✓"));
  bubble.appendChild(meta);
  return bubble;
}

function buildKeyboard(message) {
  const keyboard = el("div", "inline-keyboard");
  for (const row of message.buttons) {
    const line = el("div", "inline-row");
    for (const button of row) {
      let node;
      if (button.url) {
        const href = safeHref(button.url);
        node = href ? linkTo(href, button.text) : el("a", null, button.text);
        node.classList.add("inline-button", "url");
      } else {
        node = el("button", "inline-button", button.text);
        node.type = "button";
        if (button.callback_data !== undefined) {
          node.dataset.callbackData = button.callback_data;
          node.addEventListener("click", () => tap(message.message_id, node));
        } else {
          node.disabled = true;
        }
      }
      line.appendChild(node);
    }
    keyboard.appendChild(line);
  }
  return keyboard;
}

function fillMessage(node, message) {
  node.replaceChildren(buildBubble(message));
  if (message.buttons.length) node.appendChild(buildKeyboard(message));
  node.classList.toggle("protected", message.protect_content);
  node.dataset.key = messageKey(message);
}

function renderChat(chat, first) {
  const nearBottom =
    ui.messages.scrollHeight - ui.messages.scrollTop - ui.messages.clientHeight < 120;
  let added = false;
  for (const message of chat.messages) {
    let node = ui.messages.querySelector(`.message[data-message-id="${message.message_id}"]`);
    if (message.deleted) {
      if (node && !node.classList.contains("deleting")) {
        node.classList.add("deleting");
        setTimeout(() => node.remove(), 320);
      }
      continue;
    }
    if (!node) {
      node = el("div", `message ${message.from}`);
      node.dataset.messageId = String(message.message_id);
      fillMessage(node, message);
      if (!first) node.classList.add("arriving");
      ui.messages.appendChild(node);
      added = true;
    } else if (node.dataset.key !== messageKey(message)) {
      fillMessage(node, message);
    }
  }
  renderStatus(chat);
  renderReplyKeyboard(chat.reply_keyboard);
  app.commands = chat.commands || [];
  ui.commandsButton.classList.toggle("empty", app.commands.length === 0);
  renderAnswers(chat.callback_answers, first);
  const botIds = chat.messages.filter((m) => m.from === "bot").map((m) => m.message_id);
  app.seenBot.set(chat.user_id, Math.max(app.seenBot.get(chat.user_id) || 0, 0, ...botIds));
  if (first || (added && nearBottom) || (added && chat.messages.at(-1)?.from === "user")) {
    ui.messages.scrollTop = ui.messages.scrollHeight;
  }
}

function renderStatus(chat) {
  const action = chat.typing ? ACTION_NAMES[chat.chat_action] || "escribiendo…" : null;
  ui.status.textContent = action || "bot";
  ui.status.classList.toggle("typing", Boolean(action));
  ui.typing.hidden = !action;
}

function renderReplyKeyboard(keyboard) {
  ui.replyKeyboard.replaceChildren();
  ui.replyKeyboard.hidden = !keyboard;
  ui.input.placeholder = (keyboard && keyboard.input_field_placeholder) || "Escribe un mensaje…";
  if (!keyboard) return;
  for (const row of keyboard.keyboard) {
    const line = el("div", "reply-row");
    for (const button of row) {
      const node = el("button", "reply-button", button.text);
      node.type = "button";
      node.addEventListener("click", () => sendText(button.text));
      line.appendChild(node);
    }
    ui.replyKeyboard.appendChild(line);
  }
}

function renderAnswers(answers, first) {
  for (const answer of answers || []) {
    if (!answer.answered || app.shownAnswers.has(answer.callback_query_id)) continue;
    app.shownAnswers.add(answer.callback_query_id);
    clearTimeout(app.pendingTaps.get(answer.callback_query_id));
    app.pendingTaps.delete(answer.callback_query_id);
    const pending = ui.messages.querySelectorAll(
      `.message[data-message-id="${answer.message_id}"] .inline-button.pending`);
    for (const button of pending) button.classList.remove("pending");
    if (first || !answer.text) continue;
    if (answer.show_alert) showAlert(answer.text);
    else showToast(answer.text);
  }
}

async function tap(messageId, button) {
  if (button.classList.contains("pending")) return;
  button.classList.add("pending");
  try {
    const result = await api(`/chats/${app.current}/callbacks`, {
      json: { message_id: messageId, data: button.dataset.callbackData },
    });
    // Telegram clients stop the spinner after a while even when the bot never answers.
    app.pendingTaps.set(result.callback_query_id, setTimeout(() => {
      button.classList.remove("pending");
    }, 15000));
  } catch (error) {
    button.classList.remove("pending");
    showToast("Este botón ya no está disponible.");
  }
}

async function sendText(text) {
  if (!text.trim() || app.current === null) return;
  try {
    await api(`/chats/${app.current}/messages`, { json: { text } });
  } catch (error) {
    showToast("No se pudo enviar el mensaje.");
  }
}

// -- commands menu ---------------------------------------------------------------------------

function renderCommandsMenu(filter) {
  ui.commandsMenu.replaceChildren();
  const matching = app.commands.filter((c) => ("/" + c.command).startsWith(filter || "/"));
  if (!matching.length) {
    if (filter) {
      ui.commandsMenu.hidden = true;
      return;
    }
    ui.commandsMenu.appendChild(el("div", "command-empty", "El bot aún no publicó comandos."));
  }
  for (const command of matching) {
    const item = el("button", "command-item");
    item.type = "button";
    item.setAttribute("role", "menuitem");
    item.dataset.command = command.command;
    item.append(el("span", "command-name", "/" + command.command),
      el("span", "command-description", command.description));
    item.addEventListener("click", () => {
      ui.commandsMenu.hidden = true;
      ui.input.value = "";
      sendText("/" + command.command);
      ui.input.focus();
    });
    ui.commandsMenu.appendChild(item);
  }
  ui.commandsMenu.hidden = false;
}

// -- photos ----------------------------------------------------------------------------------

function openLightbox(src) {
  ui.lightboxImage.src = src;
  ui.lightbox.hidden = false;
}

// -- simulated phone -------------------------------------------------------------------------

function renderPhoneOwner() {
  const persona = currentPersona();
  if (!persona) {
    ui.phoneOwner.textContent = "";
    return;
  }
  ui.phoneOwner.textContent = persona.phone
    ? `Resaltados: los SMS al ${persona.phone} (${persona.first_name})`
    : `${persona.first_name} no tiene teléfono registrado`;
  const mine = e164(persona.phone);
  for (const item of ui.notifications.querySelectorAll(".notification")) {
    item.classList.toggle("mine", Boolean(mine) && item.dataset.recipient === mine);
  }
}

function buildNotification(message) {
  const sms = message.channel === "sms";
  const item = el("article", `notification ${sms ? "sms" : "email"}`);
  item.dataset.outboxId = String(message.id);
  item.dataset.recipient = message.recipient;
  const head = el("div", "notification-head");
  const appIcon = el("span", "app-icon");
  appIcon.appendChild(icon(sms ? "sms" : "mail"));
  head.append(appIcon,
    el("span", "app-name", sms ? "Mensajes" : "Correo"),
    el("span", "notification-time", clock(Date.parse(message.created_at) / 1000)));
  const title = el("div", "notification-title",
    sms ? `Produbanco → ${message.recipient}` : message.subject || "(sin asunto)");
  const body = el("div", "notification-body", message.body);
  item.append(head, title);
  if (!sms) item.appendChild(el("div", "notification-to", `Para: ${message.recipient}`));
  item.appendChild(body);
  if (!sms) item.addEventListener("click", () => item.classList.toggle("expanded"));
  return item;
}

function renderOutbox(messages) {
  const key = JSON.stringify(messages.map((m) => m.id));
  if (key === app.outboxKey) return;
  app.outboxKey = key;
  ui.notifications.replaceChildren();
  for (const message of messages) {
    const item = buildNotification(message);
    if (app.outboxLoaded && !app.outboxSeen.has(message.id)) item.classList.add("new");
    app.outboxSeen.add(message.id);
    ui.notifications.appendChild(item);
  }
  app.outboxLoaded = true;
  ui.phoneEmpty.hidden = messages.length > 0;
  renderPhoneOwner();
}

async function pollOutbox() {
  for (;;) {
    ui.phoneClock.textContent = new Date().toLocaleTimeString("es-EC", { hour: "2-digit", minute: "2-digit" });
    try {
      renderOutbox(await api("/outbox"));
      ui.phoneEmpty.textContent = "Aún no llegan SMS ni correos del banco.";
    } catch (error) {
      ui.phoneEmpty.hidden = false;
      ui.phoneEmpty.textContent = "No se puede leer el buzón del banco (¿ya corriste «make db»?).";
    }
    await sleep(SIDE_POLL_MS);
  }
}

// -- start -----------------------------------------------------------------------------------

function bindUi() {
  for (const [name, id] of Object.entries({
    personaList: "persona-list", messages: "messages", status: "chat-status",
    chatPersona: "chat-persona", typing: "typing-indicator", replyKeyboard: "reply-keyboard",
    commandsMenu: "commands-menu", commandsButton: "commands-button", composer: "composer",
    input: "composer-input", banner: "connection-banner", toast: "toast", alert: "alert",
    alertText: "alert-text", alertOk: "alert-ok", lightbox: "lightbox",
    notifications: "phone-notifications", phoneEmpty: "phone-empty", phoneOwner: "phone-owner",
    phoneClock: "phone-clock", openLink: "open-link", openLinkText: "open-link-text",
    openLinkChoices: "open-link-choices", openLinkCancel: "open-link-cancel",
  })) {
    ui[name] = document.getElementById(id);
  }
  ui.lightboxImage = ui.lightbox.querySelector("img");

  ui.composer.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = ui.input.value;
    ui.input.value = "";
    ui.commandsMenu.hidden = true;
    sendText(text);
  });
  ui.input.addEventListener("input", () => {
    const value = ui.input.value;
    if (value.startsWith("/") && !/\s/.test(value)) renderCommandsMenu(value);
    else ui.commandsMenu.hidden = true;
  });
  ui.commandsButton.addEventListener("click", () => {
    if (ui.commandsMenu.hidden) renderCommandsMenu("");
    else ui.commandsMenu.hidden = true;
  });
  ui.alertOk.addEventListener("click", () => { ui.alert.hidden = true; });
  ui.openLinkCancel.addEventListener("click", () => { ui.openLink.hidden = true; });
  ui.lightbox.addEventListener("click", () => { ui.lightbox.hidden = true; });
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    ui.lightbox.hidden = true;
    ui.alert.hidden = true;
    ui.openLink.hidden = true;
    ui.commandsMenu.hidden = true;
  });
}

async function start() {
  bindUi();
  for (;;) {
    try {
      app.personas = await api("/personas");
      break;
    } catch (error) {
      ui.banner.hidden = false;
      await sleep(1000);
    }
  }
  ui.banner.hidden = true;
  try {
    app.botUsername = (await api("/bot")).username || null;
  } catch (error) {
    app.botUsername = null; // links to the bot then open like any other link
  }
  renderPersonas();
  const fromHash = Number(location.hash.slice(1));
  const first = app.personas.some((p) => p.user_id === fromHash) ? fromHash : app.personas[0].user_id;
  try {
    await renderSummary(await api("/chats"));
  } catch (error) {
    // retried by pollSummary
  }
  selectPersona(first);
  pollSummary();
  pollOutbox();
}

document.addEventListener("DOMContentLoaded", start);
