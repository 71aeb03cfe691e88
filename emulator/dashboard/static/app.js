// The dashboard page: shows what the admin API says and does everything through it.
//
// No device knowledge lives here: a card is rendered from what GET /_emulator/cards says a
// device shows and takes (facts, actions by kind, a program grid), so any device a cloud
// describes that way gets a card. Live updates come from GET /_emulator/events (server-sent
// events, read with fetch so the admin token can go in a header); on each event the page
// reads the admin API again. Journal filters are the parameters the admin OpenAPI document
// lists for GET /_emulator/journal, and entries of any kind (requests, WebSocket frames)
// render from the fields they have.
import { h, render } from "preact";
import { useCallback, useEffect, useMemo, useRef, useState } from "preact/hooks";
import htm from "htm";

const html = htm.bind(h);
const ADMIN = "/_emulator";
const TOKEN_KEY = "gizwits-emulator.admin-token";
const TOKEN_HEADER = "X-Emulator-Admin-Token";
const JOURNAL_LIMIT = 50;
const SLOT_SECONDS = 1800;

// -- the admin API ------------------------------------------------------------------------------
class Problem extends Error {
  constructor(status, body) {
    const detail = body && (body.detail_message || body.error_message);
    super(detail ? `${body.error_code ?? status}: ${detail}` : `HTTP ${status}`);
    this.status = status;
  }
}

function tokenHeaders() {
  const token = sessionStorage.getItem(TOKEN_KEY);
  return token ? { [TOKEN_HEADER]: token } : {};
}

// A token in the address (#token=...) is kept for this tab and taken out of the address.
function takeTokenFromAddress() {
  const match = /[#&]token=([^&]*)/.exec(location.hash);
  if (match) {
    sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(match[1]));
    history.replaceState(null, "", location.pathname + location.search);
  }
}

async function api(method, path, body) {
  const headers = tokenHeaders();
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(ADMIN + path, {
    method, headers, cache: "no-store", body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = null; }
  if (!response.ok) throw new Problem(response.status, data);
  return data;
}

// Reads the event stream until it ends; calls onEvent(name, data) for each event.
async function readEvents(onEvent, signal) {
  const response = await fetch(ADMIN + "/events", {
    headers: { Accept: "text/event-stream", ...tokenHeaders() }, cache: "no-store", signal,
  });
  if (!response.ok) throw new Problem(response.status, await response.json().catch(() => null));
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let name = "message";
      let data = "";
      for (const line of block.split("\n")) {
        if (line.startsWith("event:")) name = line.slice(6).trim();
        else if (line.startsWith("data:")) data += line.slice(5).trimStart();
      }
      if (data) onEvent(name, JSON.parse(data));
    }
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Runs fn at most once per `ms`, however often it is asked for.
function coalesced(fn, ms) {
  let timer = null;
  return () => {
    if (timer === null) timer = setTimeout(() => { timer = null; fn(); }, ms);
  };
}

// -- time ----------------------------------------------------------------------------------------
function formatter(zone, options) {
  try {
    return new Intl.DateTimeFormat("en-GB", { timeZone: zone, ...options });
  } catch {
    return new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", ...options });
  }
}

function clockRate(clock) {
  if (!clock || clock.mode === "frozen") return 0;
  return clock.mode === "speed" ? clock.speed : 1;
}

// The emulator's time now, from the last clock reading and how it runs.
function emulatedNow(clock) {
  return clock.now + ((performance.now() - clock.received) / 1000) * clockRate(clock);
}

function duration(seconds) {
  const sign = seconds < 0 ? "-" : "+";
  let rest = Math.round(Math.abs(seconds));
  const parts = [];
  for (const [unit, size] of [["d", 86400], ["h", 3600], ["min", 60], ["s", 1]]) {
    if (rest >= size) { parts.push(`${Math.floor(rest / size)} ${unit}`); rest %= size; }
  }
  return sign + (parts.join(" ") || "0 s");
}

function clockMode(clock) {
  if (clock.mode === "frozen") return "frozen";
  if (clock.mode === "speed") return `running ${clock.speed}× faster`;
  if (clock.mode === "offset") return `real time ${duration(clock.offset)}`;
  return "real time";
}

// -- the clock -------------------------------------------------------------------------------------
function ClockTime({ clock, zone, onSlot }) {
  const [, setTick] = useState(0);
  const slot = useRef(null);
  useEffect(() => {
    const timer = setInterval(() => setTick((n) => n + 1), 250);
    return () => clearInterval(timer);
  }, []);
  const now = emulatedNow(clock);
  const current = Math.floor(now / SLOT_SECONDS);
  useEffect(() => {
    if (slot.current !== null && slot.current !== current) onSlot();
    slot.current = current;
  }, [current]);
  const shown = formatter(zone, {
    weekday: "short", day: "numeric", month: "short", year: "numeric",
    hour: "2-digit", minute: "2-digit", second: "2-digit",
  }).format(new Date(now * 1000));
  return html`<p class="clock-time"><time datetime=${new Date(now * 1000).toISOString()}>${shown}</time>
    <span class="zone">${zone}</span></p>`;
}

function ClockPanel({ clock, zone, next, act, onSlot }) {
  if (!clock) return html`<section class="panel clock" aria-labelledby="clock-h"><h2 id="clock-h">Clock</h2></section>`;
  const frozen = clock.mode === "frozen";
  const speeds = [1, 60, 3600];
  const factor = clock.mode === "speed" ? clock.speed : (frozen ? 0 : 1);
  return html`<section class="panel clock" id="clock" aria-labelledby="clock-h">
    <div class="clock-now">
      <h2 id="clock-h">Clock</h2>
      <${ClockTime} clock=${clock} zone=${zone} onSlot=${onSlot} />
      <p class="clock-mode">Emulated time, ${clockMode(clock)}</p>
    </div>
    <div class="clock-controls">
      <div class="control-group" role="group" aria-labelledby="run-l">
        <span class="label" id="run-l">Run</span>
        ${frozen
          ? html`<button type="button" onClick=${() => act({ speed: 1 })}>Run</button>`
          : html`<button type="button" onClick=${() => act({ freeze: true })}>Freeze</button>`}
        <button type="button" class="plain" onClick=${() => act({ real: true })} disabled=${clock.mode === "real"}>Back to real time</button>
      </div>
      <div class="control-group" role="group" aria-labelledby="advance-l">
        <span class="label" id="advance-l">Advance</span>
        <button type="button" onClick=${() => act({ advance: "30m" })}>+30 min</button>
        <button type="button" onClick=${() => act({ advance: "1h" })}>+1 h</button>
        <button type="button" onClick=${() => act({ advance: "1d" })}>+1 day</button>
        <button type="button" disabled=${!next} title=${next ? "" : "no device follows a week program"}
          onClick=${() => act(null)}>To the next program change${next ? ` (${next.label})` : ""}</button>
      </div>
      <div class="control-group" role="group" aria-labelledby="speed-l">
        <span class="label" id="speed-l">Speed</span>
        ${speeds.map((speed) => html`<button type="button" class="plain" key=${speed} aria-pressed=${factor === speed}
          onClick=${() => act({ speed })}>${speed}×</button>`)}
      </div>
    </div>
  </section>`;
}

// -- cards -----------------------------------------------------------------------------------------
// A choice shows as buttons when their labels are short, else as a menu.
function Choice({ action, id, run }) {
  if (action.options.some((option) => option.label.length > 16)) {
    return html`<div class="choice-menu">
      <label for=${id}>${action.label}</label>
      <select id=${id} value=${action.value} disabled=${!!action.disabled}
        onChange=${(event) => run(event.currentTarget.value)}>
        ${action.options.map((option) => html`<option key=${option.value} value=${option.value}>${option.label}</option>`)}
      </select>
    </div>`;
  }
  return html`<fieldset class="choice" disabled=${!!action.disabled}>
    <legend>${action.label}</legend>
    <div class="button-row">
      ${action.options.map((option) => html`<button type="button" key=${option.value}
        class=${`option option-${option.value}`} aria-pressed=${action.value === option.value}
        onClick=${() => run(option.value)}>${option.label}</button>`)}
    </div>
  </fieldset>`;
}

function NumberAction({ action, id, run }) {
  const [draft, setDraft] = useState(null);
  const value = draft ?? String(action.value ?? "");
  const submit = (event) => {
    event.preventDefault();
    const number = Number(value);
    run(number).then((done) => { if (done) setDraft(null); });
  };
  return html`<form class="number" onSubmit=${submit}>
    <label for=${id}>${action.label}</label>
    <span class="number-input">
      <input id=${id} type="number" inputmode="decimal" min=${action.min} max=${action.max} step=${action.step}
        value=${value} disabled=${!!action.disabled} onInput=${(event) => setDraft(event.currentTarget.value)} />
      <span class="unit">${action.unit}</span>
    </span>
    <button type="submit" class="plain" disabled=${!!action.disabled}
      aria-label=${`${action.submit || "Set"} ${action.label.toLowerCase()}`}>${action.submit || "Set"}</button>
  </form>`;
}

function Toggle({ action, run }) {
  return html`<button type="button" class="switch" role="switch" aria-checked=${!!action.value}
    disabled=${!!action.disabled} onClick=${() => run(!action.value)}>
    <span class="switch-label">${action.label}</span>
    <span class="switch-state" aria-hidden="true">${action.value ? action.on : action.off}</span>
  </button>`;
}

function ButtonAction({ action, run }) {
  return html`<button type="button" class="plain" disabled=${!!action.disabled} onClick=${() => run()}>${action.label}</button>`;
}

const ACTION_KINDS = { choice: Choice, number: NumberAction, toggle: Toggle, button: ButtonAction };

// Consecutive actions of one kind share a row (toggles side by side).
function groups(actions) {
  const out = [];
  for (const action of actions) {
    const last = out[out.length - 1];
    if (last && last.kind === action.kind && action.kind !== "choice") last.actions.push(action);
    else out.push({ kind: action.kind, actions: [action] });
  }
  return out;
}

function ProgramStrip({ program }) {
  const today = program.grid[program.now.day - 1];
  return html`<div class="strip" aria-hidden="true">
    ${today.map((mode, slot) => html`<span key=${slot}
      class=${`cell mode-${mode}${slot === program.now.slot ? " now" : ""}`}></span>`)}
  </div>`;
}

function Card({ card, act, openProgram }) {
  const run = (name) => (value) => act(card.did, name, value);
  const reasons = [...new Set(card.actions.filter((a) => a.disabled).map((a) => a.disabled))];
  const mode = card.mode;
  const owners = card.owners.length
    ? card.owners.map((o) => `${o.user} (${o.role})`).join(", ")
    : "nobody (not bound)";
  return html`<article class=${`card${card.online ? "" : " is-offline"}`} aria-labelledby=${`title-${card.did}`}
      data-did=${card.did}>
    <header class="card-head">
      <h3 id=${`title-${card.did}`}>${card.title}</h3>
      <span class=${`badge ${card.online ? "online" : "offline"}`}>${card.online ? "online" : "offline"}</span>
      <p class="product">${card.product} · <code>${card.did}</code></p>
      <p class="owners"><span class="label">Owner${card.owners.length > 1 ? "s" : ""}</span> ${owners}</p>
    </header>
    ${mode && html`<p class=${`mode mode-${mode.value}`} data-mode=${mode.value}>
      <strong class="mode-label">${mode.label}</strong>
      ${mode.raw !== undefined ? html` <span class="raw" lang="zh" title="as the device reports it">${mode.raw}</span>` : null}
      <span class="why">${mode.why}</span>
    </p>`}
    ${card.facts.length ? html`<dl class="facts">
      ${card.facts.map((fact) => html`<div key=${fact.name} class=${`fact fact-${fact.name}`}>
        <dt>${fact.label}</dt><dd>${fact.text}</dd></div>`)}
    </dl>` : null}
    ${card.program && html`<div class="program">
      <p class="program-summary"><span class="label">Week program</span> ${card.program.summary}</p>
      <div class="program-row">
        <${ProgramStrip} program=${card.program} />
        <button type="button" class="plain small" onClick=${() => openProgram(card.did)}
          aria-label=${`Edit the week program of ${card.title}`}>Edit…</button>
      </div>
    </div>`}
    <div class="actions">
      ${groups(card.actions).map((group) => html`<div class=${`group group-${group.kind}`}
          key=${group.actions.map((a) => a.name).join(",")}>
        ${group.actions.map((action) => {
          const Kind = ACTION_KINDS[action.kind];
          return Kind ? html`<${Kind} key=${action.name} action=${action} id=${`${action.name}-${card.did}`}
            run=${run(action.name)} />` : null;
        })}
      </div>`)}
      ${reasons.map((reason) => html`<p class="hint" key=${reason}>${reason}</p>`)}
    </div>
  </article>`;
}

// -- the week program ------------------------------------------------------------------------------
function slotTime(slot) {
  return `${String(Math.floor(slot / 2)).padStart(2, "0")}:${slot % 2 ? "30" : "00"}`;
}

function ProgramDialog({ card, close, save }) {
  const dialog = useRef(null);
  const [paint, setPaint] = useState("eco");
  const [focus, setFocus] = useState(null);
  const [draft, setDraftState] = useState(null);
  const draftRef = useRef(null);
  const setDraft = (next) => { draftRef.current = next; setDraftState(next); };
  const dragging = useRef(false);
  const program = card && card.program;
  useEffect(() => {
    const element = dialog.current;
    if (program && !element.open) element.showModal();
    if (!program && element.open) element.close();
  }, [!!program]);
  const grid = draft || (program && program.grid);
  const labels = useMemo(() => Object.fromEntries((program ? program.modes : []).map((m) => [m.value, m.label])),
    [program]);
  const paintCell = (day, slot, base) => {
    if (base[day][slot] === paint) return base;
    const next = base.map((row) => row.slice());
    next[day][slot] = paint;
    return next;
  };
  const changedDays = (before, after) => Object.fromEntries(after
    .map((row, day) => [String(day + 1), row])
    .filter(([day, row]) => row.some((mode, slot) => mode !== before[Number(day) - 1][slot])));
  const commit = (after) => {
    const days = changedDays(program.grid, after);
    if (Object.keys(days).length) save(card.did, days).finally(() => setDraft(null));
    else setDraft(null);
  };
  useEffect(() => {
    const up = () => {
      if (!dragging.current) return;
      dragging.current = false;
      if (draftRef.current) commit(draftRef.current);
    };
    window.addEventListener("pointerup", up);
    return () => window.removeEventListener("pointerup", up);
  });
  const key = (event, day, slot) => {
    const moves = { ArrowLeft: [0, -1], ArrowRight: [0, 1], ArrowUp: [-1, 0], ArrowDown: [1, 0] };
    let target = null;
    if (moves[event.key]) target = [day + moves[event.key][0], slot + moves[event.key][1]];
    if (event.key === "Home") target = [day, 0];
    if (event.key === "End") target = [day, 47];
    if (!target) return;
    event.preventDefault();
    const [toDay, toSlot] = [Math.min(6, Math.max(0, target[0])), Math.min(47, Math.max(0, target[1]))];
    document.getElementById(`slot-${toDay}-${toSlot}`)?.focus(); // its focus handler moves the tab stop
    setFocus([toDay, toSlot]);
  };
  const [fDay, fSlot] = focus || (program ? [program.now.day - 1, program.now.slot] : [0, 0]);
  return html`<dialog ref=${dialog} class="program-dialog" aria-labelledby="program-h" onClose=${close}>
    ${program && html`<div>
      <header class="dialog-head">
        <h2 id="program-h">Week program · ${card.title} <span class="product">${card.product}</span></h2>
        <button type="button" class="plain" onClick=${() => dialog.current.close()}>Close</button>
      </header>
      <p>${program.summary}</p>
      <fieldset class="paint">
        <legend>Paint slots with</legend>
        ${program.modes.map((mode) => html`<label key=${mode.value} class="swatch">
          <input type="radio" name="paint" value=${mode.value} checked=${paint === mode.value}
            onChange=${() => setPaint(mode.value)} /><span class=${`chip mode-${mode.value}`}></span>${mode.label}</label>`)}
      </fieldset>
      <p class="hint">Click or drag over half-hour slots, or move with the arrow keys and press Enter.</p>
      <div class="grid-scroll">
        <table class="grid">
          <caption class="visually-hidden">Modes per half hour, Monday to Sunday</caption>
          <thead><tr><th scope="col"><span class="visually-hidden">Day</span></th>
            ${Array.from({ length: 24 }, (_, hour) => html`<th key=${hour} scope="colgroup" colspan="2"
              class=${hour % 2 ? "odd" : ""}>${String(hour).padStart(2, "0")}</th>`)}</tr></thead>
          <tbody>
            ${grid.map((row, day) => html`<tr key=${day}>
              <th scope="row">${program.days[day].slice(0, 3)}</th>
              ${row.map((mode, slot) => {
                const now = program.now.day - 1 === day && program.now.slot === slot;
                const next = program.next && program.next.day - 1 === day && program.next.slot === slot;
                return html`<td key=${slot}><button type="button" id=${`slot-${day}-${slot}`}
                  class=${`cell mode-${mode}${now ? " now" : ""}${next ? " next" : ""}`}
                  tabindex=${day === fDay && slot === fSlot ? 0 : -1}
                  aria-label=${`${program.days[day]} ${slotTime(slot)}: ${labels[mode]}${now ? " (now)" : ""}${next ? " (next change)" : ""}`}
                  onKeyDown=${(event) => key(event, day, slot)}
                  onFocus=${() => { if (!focus || focus[0] !== day || focus[1] !== slot) setFocus([day, slot]); }}
                  onPointerDown=${(event) => {
                    event.preventDefault();
                    dragging.current = true;
                    setDraft(paintCell(day, slot, grid));
                  }}
                  onPointerEnter=${() => { if (dragging.current) setDraft(paintCell(day, slot, draftRef.current || grid)); }}
                  onClick=${(event) => { if (event.detail === 0) commit(paintCell(day, slot, grid)); }}></button></td>`;
              })}
            </tr>`)}
          </tbody>
        </table>
      </div>
    </div>`}
  </dialog>`;
}

// -- the journal -----------------------------------------------------------------------------------
// What an entry is, from the fields it has: a request (method, path) or a WebSocket frame (direction, cmd).
function entryWhat(entry) {
  if (entry.method !== undefined && entry.path !== undefined) {
    return { kind: entry.websocket ? "WebSocket" : "HTTP", text: `${entry.method} ${entry.path}${entry.query ? `?${entry.query}` : ""}` };
  }
  if (entry.direction !== undefined) {
    return { kind: "frame", text: `${entry.direction === "in" ? "→" : "←"} ${entry.cmd ?? "(no cmd)"}` };
  }
  const rest = Object.entries(entry).filter(([name]) => name !== "id" && name !== "at");
  return { kind: "entry", text: rest.map(([name, value]) => `${name}=${JSON.stringify(value)}`).join(" ") };
}

function entryStatus(entry) {
  if (entry.status !== undefined) return entry.status === null ? "dropped" : String(entry.status);
  if (entry.understood === false) return "not understood";
  return entry.note || "";
}

function FilterInput({ param, value, set, devices }) {
  const id = `filter-${param.name}`;
  const schema = param.schema || {};
  const label = html`<label for=${id} title=${param.description || ""}>${param.name}</label>`;
  if (param.name === "did" && devices.length) {
    return html`<div class="filter">${label}<select id=${id} value=${value} onChange=${(e) => set(e.currentTarget.value)}>
      <option value="">any</option>
      ${devices.map((card) => html`<option key=${card.did} value=${card.did}>${card.title}</option>`)}
    </select></div>`;
  }
  const choices = schema.enum || (schema.type === "boolean" ? ["true", "false"] : null);
  if (choices) {
    return html`<div class="filter">${label}<select id=${id} value=${value} onChange=${(e) => set(e.currentTarget.value)}>
      <option value="">any</option>
      ${choices.map((choice) => html`<option key=${choice} value=${choice}>${choice}</option>`)}
    </select></div>`;
  }
  return html`<div class="filter">${label}<input id=${id} type=${schema.type === "integer" ? "number" : "text"}
    value=${value} placeholder=${param.name === "path" ? "/app/control/*" : ""}
    onInput=${(e) => set(e.currentTarget.value)} /></div>`;
}

function JournalPanel({ entries, params, filters, setFilter, devices, zone, clear }) {
  const titles = Object.fromEntries(devices.map((card) => [card.did, card.title]));
  const time = formatter(zone, { hour: "2-digit", minute: "2-digit", second: "2-digit" });
  return html`<section class="panel journal" id="journal" aria-labelledby="journal-h">
    <div class="panel-head">
      <h2 id="journal-h">Journal</h2>
      <button type="button" class="plain" onClick=${clear}>Clear journal</button>
    </div>
    <form class="filters" aria-label="Filter the journal" onSubmit=${(event) => event.preventDefault()}>
      ${params.map((param) => html`<${FilterInput} key=${param.name} param=${param} value=${filters[param.name] || ""}
        set=${(value) => setFilter(param.name, value)} devices=${devices} />`)}
    </form>
    <div class="table-scroll">
      <table class="entries">
        <caption class="visually-hidden">The last ${JOURNAL_LIMIT} entries, newest first</caption>
        <thead><tr><th scope="col">Time</th><th scope="col">Request</th><th scope="col">Status</th>
          <th scope="col">Code</th><th scope="col">User</th><th scope="col">Devices</th></tr></thead>
        <tbody>
          ${entries.length === 0 ? html`<tr><td colspan="6" class="empty">Nothing yet: point a client at this emulator.</td></tr>` : null}
          ${entries.map((entry) => {
            const what = entryWhat(entry);
            const dids = entry.dids || (entry.did ? [entry.did] : []);
            const failed = (entry.status ?? 0) >= 400 || entry.error_code;
            return html`<tr key=${`${what.kind}-${entry.id}`} class=${failed ? "failed" : ""}>
              <td>${entry.at ? time.format(new Date(entry.at * 1000)) : ""}</td>
              <td><span class="kind">${what.kind}</span> <details><summary><code>${what.text}</code></summary>
                <pre>${JSON.stringify(entry, null, 2)}</pre></details></td>
              <td>${entryStatus(entry)}</td>
              <td>${entry.error_code ?? ""}</td>
              <td>${entry.user ?? entry.session ?? ""}</td>
              <td>${dids.map((did) => titles[did] || did).join(", ")}</td>
            </tr>`;
          })}
        </tbody>
      </table>
    </div>
  </section>`;
}

// -- fault rules ---------------------------------------------------------------------------------
const ANSWERS = [
  { value: "error", label: "a 9xxx error", input: "number", placeholder: "9042" },
  { value: "status", label: "an HTTP status", input: "number", placeholder: "503" },
  { value: "latency", label: "extra latency (s)", input: "number", placeholder: "2" },
  { value: "drop", label: "a dropped connection", input: null },
];

function describeRule(rule) {
  return Object.entries(rule)
    .filter(([name, value]) => name !== "id" && value !== null && value !== "*")
    .map(([name, value]) => `${name} ${Array.isArray(value) ? value.join("–") : typeof value === "object" ? JSON.stringify(value) : value}`)
    .join(" · ");
}

function FaultsPanel({ faults, add, remove, clear }) {
  const [form, setForm] = useState({ path: "/app/control/*", method: "", answer: "error", value: "", times: "" });
  const answer = ANSWERS.find((a) => a.value === form.answer);
  const field = (name) => (event) => setForm({ ...form, [name]: event.currentTarget.value });
  const submit = (event) => {
    event.preventDefault();
    const rule = { path: form.path || "*" };
    if (form.method) rule.method = form.method;
    rule[form.answer] = answer.input ? Number(form.value || answer.placeholder) : true;
    if (form.times) rule.times = Number(form.times);
    add(rule);
  };
  return html`<section class="panel faults" id="faults" aria-labelledby="faults-h">
    <div class="panel-head">
      <h2 id="faults-h">Fault rules</h2>
      <button type="button" class="plain" onClick=${clear} disabled=${!faults.length}>Remove all</button>
    </div>
    ${faults.length === 0 ? html`<p class="empty">None: every request is answered normally.</p>` : html`<ul class="rules">
      ${faults.map((rule) => html`<li key=${rule.id}><code>${rule.id}</code> <span>${describeRule(rule)}</span>
        <button type="button" class="plain" aria-label=${`Remove rule ${rule.id}`} onClick=${() => remove(rule.id)}>Remove</button></li>`)}
    </ul>`}
    <form class="add-rule" onSubmit=${submit}>
      <h3>Add a rule</h3>
      <div class="filter"><label for="rule-path">Path (glob)</label>
        <input id="rule-path" value=${form.path} onInput=${field("path")} /></div>
      <div class="filter"><label for="rule-method">Method</label>
        <select id="rule-method" value=${form.method} onChange=${field("method")}>
          <option value="">any</option>
          ${["GET", "POST", "PUT", "DELETE"].map((m) => html`<option key=${m} value=${m}>${m}</option>`)}
        </select></div>
      <div class="filter"><label for="rule-answer">Answer with</label>
        <select id="rule-answer" value=${form.answer} onChange=${field("answer")}>
          ${ANSWERS.map((a) => html`<option key=${a.value} value=${a.value}>${a.label}</option>`)}
        </select></div>
      ${answer.input ? html`<div class="filter"><label for="rule-value">Value</label>
        <input id="rule-value" type="number" value=${form.value} placeholder=${answer.placeholder} onInput=${field("value")} /></div>` : null}
      <div class="filter"><label for="rule-times">Times (empty: always)</label>
        <input id="rule-times" type="number" min="1" value=${form.times} onInput=${field("times")} /></div>
      <button type="submit">Add rule</button>
    </form>
  </section>`;
}

// -- the page --------------------------------------------------------------------------------------
function TokenDialog({ open, submit }) {
  const dialog = useRef(null);
  const [value, setValue] = useState("");
  useEffect(() => {
    const element = dialog.current;
    if (open && !element.open) element.showModal();
    if (!open && element.open) element.close();
  }, [open]);
  return html`<dialog ref=${dialog} class="token-dialog" aria-labelledby="token-h"
      onCancel=${(event) => event.preventDefault()}>
    <form onSubmit=${(event) => { event.preventDefault(); submit(value); setValue(""); }}>
      <h2 id="token-h">Admin token</h2>
      <p>This emulator's admin API is behind a token (<code>--admin-token</code>). It is kept in this tab only
        and sent with every call as <code>${TOKEN_HEADER}</code>.</p>
      <label for="token-input">Token</label>
      <input id="token-input" type="password" autocomplete="off" value=${value}
        onInput=${(event) => setValue(event.currentTarget.value)} required />
      <button type="submit">Use this token</button>
    </form>
  </dialog>`;
}

function ResetButton({ reset }) {
  const [asking, setAsking] = useState(false);
  if (!asking) return html`<button type="button" class="danger" onClick=${() => setAsking(true)}>Reset…</button>`;
  return html`<span class="confirm" role="group" aria-label="Confirm the reset">
    <span>Forget everything and load the fixture again?</span>
    <button type="button" class="danger" onClick=${() => { setAsking(false); reset(); }}>Reset now</button>
    <button type="button" class="plain" onClick=${() => setAsking(false)}>Cancel</button>
  </span>`;
}

function App() {
  const [overview, setOverview] = useState(null);
  const [clock, setClock] = useState(null);
  const [faults, setFaults] = useState([]);
  const [entries, setEntries] = useState([]);
  const [params, setParams] = useState([]);
  const [filters, setFilters] = useState({});
  const [status, setStatus] = useState("connecting");
  const [needToken, setNeedToken] = useState(false);
  const [tokenVersion, setTokenVersion] = useState(0);
  const [problem, setProblem] = useState(null);
  const [programDid, setProgramDid] = useState(null);
  const filtersRef = useRef(filters);
  filtersRef.current = filters;

  const guard = useCallback((promise) => promise.then((value) => { setProblem(null); return value; }, (error) => {
    if (error.status === 401) setNeedToken(true);
    else setProblem(error.message || String(error));
    return undefined;
  }), []);

  const loaders = useMemo(() => {
    const cards = () => guard(api("GET", "/cards").then(setOverview));
    const journal = () => {
      const query = new URLSearchParams({ limit: String(JOURNAL_LIMIT) });
      for (const [name, value] of Object.entries(filtersRef.current)) if (value !== "") query.set(name, value);
      return guard(api("GET", `/journal?${query}`).then((list) => setEntries(list.slice().reverse())));
    };
    const faultList = () => guard(api("GET", "/faults").then(setFaults));
    const clockNow = () => guard(api("GET", "/clock").then((c) => setClock({ ...c, received: performance.now() })));
    return {
      cards, journal, faults: faultList, clock: clockNow,
      all: () => Promise.all([cards(), journal(), faultList(), clockNow()]),
      cardsSoon: coalesced(cards, 120),
      journalSoon: coalesced(journal, 200),
    };
  }, [guard]);

  // Filters come from the admin API's own document: new filters (and entry kinds) show by themselves.
  useEffect(() => {
    guard(api("GET", "/openapi.json").then((doc) => {
      const operation = doc.paths[`${ADMIN}/journal`] && doc.paths[`${ADMIN}/journal`].get;
      setParams(((operation && operation.parameters) || []).filter((p) => p.in === "query" && p.name !== "limit"));
    }));
  }, [tokenVersion]);

  useEffect(() => { loaders.journal(); }, [filters]);

  // A token given in the address of an open tab (#token=...) is taken too.
  useEffect(() => {
    const taken = () => {
      if (/[#&]token=/.test(location.hash)) {
        takeTokenFromAddress();
        setNeedToken(false);
        setTokenVersion((n) => n + 1);
      }
    };
    window.addEventListener("hashchange", taken);
    return () => window.removeEventListener("hashchange", taken);
  }, []);

  useEffect(() => {
    const abort = new AbortController();
    const onEvent = (name, data) => {
      if (name === "hello") {
        setStatus("live");
        setClock({ ...data.clock, received: performance.now() });
        loaders.all();
      } else if (name === "change") {
        loaders.cardsSoon();
        loaders.journalSoon(); // WebSocket frames show with the changes they cause
      } else if (name === "journal") {
        loaders.journalSoon();
      } else if (name === "clock") {
        setClock({ ...data, received: performance.now() });
        loaders.cardsSoon();
      } else if (name === "faults") {
        setFaults(data);
        loaders.cardsSoon();
      } else if (name === "devices" || name === "reset" || name === "overflow") {
        loaders.all();
      }
    };
    (async () => {
      while (!abort.signal.aborted) {
        try {
          await readEvents(onEvent, abort.signal);
        } catch (error) {
          if (error.status === 401) { setNeedToken(true); setStatus("token"); return; }
        }
        if (abort.signal.aborted) return;
        setStatus("connecting");
        await sleep(1000);
      }
    })();
    return () => abort.abort();
  }, [tokenVersion]);

  const act = (did, name, value) => guard(api("POST", `/cards/${encodeURIComponent(did)}/actions/${name}`,
    value === undefined ? {} : { value }).then((card) => {
    setOverview((current) => current && { ...current, cards: current.cards.map((c) => (c.did === did ? card : c)) });
    return true;
  }));
  const setClockTo = (body) => guard((body === null ? api("POST", "/clock/next-program-change").then((r) => r.clock)
    : api("POST", "/clock", body)).then((c) => { setClock({ ...c, received: performance.now() }); loaders.cards(); }));
  const saveProgram = (did, days) => guard(api("PUT", `/devices/${encodeURIComponent(did)}/program`, { days })
    .then(() => loaders.cards()));
  const useToken = (token) => {
    sessionStorage.setItem(TOKEN_KEY, token);
    setNeedToken(false);
    setProblem(null);
    setTokenVersion((n) => n + 1);
  };

  const cards = overview ? overview.cards : [];
  const zone = overview ? overview.timezone : "UTC";
  const programCard = cards.find((c) => c.did === programDid) || null;
  return html`<div class="page">
    <header class="top">
      <h1>Gizwits emulator <span class="subtitle">dashboard</span></h1>
      <nav aria-label="Sections"><a href="#clock">Clock</a> <a href="#devices">Devices</a>
        <a href="#journal">Journal</a> <a href="#faults">Fault rules</a></nav>
      <p class=${`status status-${status}`} role="status">${status === "live" ? "Live" : status === "token" ? "Needs the admin token" : "Connecting…"}</p>
      <${ResetButton} reset=${() => guard(api("POST", "/reset", {}).then(loaders.all))} />
    </header>
    ${problem && html`<div class="problem" role="alert"><span>${problem}</span>
      <button type="button" class="plain" onClick=${() => setProblem(null)}>Dismiss</button></div>`}
    <main>
      <${ClockPanel} clock=${clock} zone=${zone} next=${overview && overview.next_program_change}
        act=${setClockTo} onSlot=${loaders.cardsSoon} />
      <section class="devices" id="devices" aria-labelledby="devices-h">
        <h2 id="devices-h">Devices <span class="count">${overview ? cards.length : "…"}</span></h2>
        <div class="cards">
          ${cards.map((card) => html`<${Card} key=${card.did} card=${card} act=${act} openProgram=${setProgramDid} />`)}
        </div>
      </section>
      <div class="panels">
        <${JournalPanel} entries=${entries} params=${params} filters=${filters} devices=${cards} zone=${zone}
          setFilter=${(name, value) => setFilters((current) => ({ ...current, [name]: value }))}
          clear=${() => guard(api("DELETE", "/journal").then(loaders.journal))} />
        <${FaultsPanel} faults=${faults}
          add=${(rule) => guard(api("POST", "/faults", rule).then(loaders.faults))}
          remove=${(id) => guard(api("DELETE", `/faults/${id}`).then(loaders.faults))}
          clear=${() => guard(api("DELETE", "/faults").then(loaders.faults))} />
      </div>
    </main>
    <${ProgramDialog} card=${programCard} close=${() => setProgramDid(null)} save=${saveProgram} />
    <${TokenDialog} open=${needToken} submit=${useToken} />
  </div>`;
}

takeTokenFromAddress();
render(html`<${App} />`, document.getElementById("app"));
