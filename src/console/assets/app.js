// kw console: plain JavaScript, no build step. Each view fetches the JSON it needs
// from /api and is drawn again whenever /api/events says a new snapshot is in, so
// every page is live without a reload. Routes: #/topics, #/topics/NAME[/TAB],
// #/groups, #/groups/ID[/members], #/brokers, #/timeline.
"use strict";

const view = document.getElementById("view");
const statusEl = document.getElementById("status");
const banner = document.getElementById("banner");
let lastStatus = null;
let rendering = false;
let pending = false;
let forced = false; // the render in progress was asked for (not a snapshot tick)
const ui = { showInternal: false, messages: { partition: "", from: "tail:20", filter: "", live: true } };

function esc(s) {
  return String(s ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}
function num(n) { return n == null || n < 0 ? "–" : Number(n).toLocaleString("en-US"); }
function rate(r) { return r > 0 ? (r >= 100 ? Math.round(r).toLocaleString("en-US") : r.toFixed(1)) : "0"; }
function ago(ms) {
  if (ms < 0) return "never";
  if (ms < 1500) return "just now";
  const s = Math.round(ms / 1000);
  return s < 120 ? `${s} s ago` : `${Math.round(s / 60)} min ago`;
}
function time(ms) { return new Date(ms).toISOString().replace("T", " ").replace("Z", ""); }
async function api(path, opts) {
  const r = await fetch(path, opts);
  const body = await r.json().catch(() => ({}));
  if (!r.ok) throw new Error(body.error || `${r.status} ${r.statusText}`);
  return body;
}
function route() {
  const parts = location.hash.replace(/^#\/?/, "").split("/").map(decodeURIComponent);
  return { page: parts[0] || "topics", id: parts[1], tab: parts[2] };
}
function lagBadge(g) {
  return `<a class="badge group lag-${esc(g.status)}" data-group="${esc(g.id)}" href="#/groups/${encodeURIComponent(g.id)}" title="${esc(g.state)}">${esc(g.id)}: ${num(g.lag)}</a>`;
}
function sparkline(series) {
  if (!series || series.length < 2) return "";
  const w = 120, h = 24;
  const t0 = series[0][0], t1 = series[series.length - 1][0];
  const max = Math.max(1, ...series.map((p) => p[1]));
  const pts = series.map(([t, l]) => `${((t - t0) / Math.max(1, t1 - t0)) * w},${h - 1 - (l / max) * (h - 2)}`).join(" ");
  return `<svg class="spark" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}"><polyline fill="none" stroke="#1a73e8" stroke-width="1.5" points="${pts}"/></svg>`;
}
function describeEvent(e) {
  switch (e.kind) {
    case "broker_down": return `broker ${e.broker} is down`;
    case "broker_up": return `broker ${e.broker} is up`;
    case "controller_moved": return `controller moved from broker ${e.from} to ${e.to}`;
    case "topic_created": return `topic ${e.topic} created (${e.partitions} partitions)`;
    case "topic_deleted": return `topic ${e.topic} deleted`;
    case "leader_changed": return `leader of ${e.topic}-${e.partition}: ${e.from < 0 ? "none" : e.from} → ${e.to < 0 ? "none" : e.to} (epoch ${e.leader_epoch})`;
    case "isr_shrank": return `ISR of ${e.topic}-${e.partition} shrank: ${e.removed.join(",")} left, ISR [${e.isr.join(",")}]`;
    case "isr_expanded": return `ISR of ${e.topic}-${e.partition} expanded: ${e.added.join(",")} joined, ISR [${e.isr.join(",")}]`;
    case "group_rebalanced": {
      const after = Object.entries(e.after).map(([m, ps]) => `${m}: ${ps.length}`).join(", ");
      return `group ${e.group} rebalanced (generation ${e.generation})` +
        (e.joined.length ? `; joined ${e.joined.join(", ")}` : "") +
        (e.left.length ? `; left ${e.left.join(", ")}` : "") + `; now ${after || "no members"}`;
    }
    default: return JSON.stringify(e);
  }
}
function eventsList(events) {
  if (!events.length) return `<p class="muted">No changes seen yet.</p>`;
  return `<ul id="timeline">${events.map((e) => `<li data-kind="${esc(e.kind)}"><span class="at">${esc(time(e.at_ms))}</span>${esc(describeEvent(e))}</li>`).join("")}</ul>`;
}

async function renderTopics() {
  const rows = await api(`/api/topics?internal=${ui.showInternal}`);
  view.innerHTML = `<h1>Topics <small>${rows.length}</small></h1>
    <div class="toolbar"><label><input type="checkbox" id="show-internal" ${ui.showInternal ? "checked" : ""}> show internal topics</label></div>
    <table id="topics"><thead><tr><th>Name</th><th class="num">Partitions</th><th class="num">Replication</th><th class="num">Messages</th><th class="num">Messages/s</th><th class="num">Under-replicated</th><th>Consumer Groups</th></tr></thead>
    <tbody>${rows.map((t) => `<tr data-topic="${esc(t.name)}">
      <td><a href="#/topics/${encodeURIComponent(t.name)}">${esc(t.name)}</a></td>
      <td class="num">${t.partitions}</td><td class="num">${t.replication_factor}</td>
      <td class="num messages">${num(t.messages)}</td><td class="num rate">${rate(t.rate)}</td>
      <td class="num ${t.under_replicated ? "cell-bad" : ""} urp">${t.under_replicated}</td>
      <td class="groups">${t.groups.map(lagBadge).join("")}</td></tr>`).join("")}</tbody></table>`;
  document.getElementById("show-internal").onchange = (e) => { ui.showInternal = e.target.checked; refresh(); };
}

function partitionsTable(t) {
  return `<table id="partitions"><thead><tr><th class="num">Partition</th><th>Leader</th><th>Preferred leader</th><th>Replicas</th><th>In-sync replicas</th><th class="num">Log start</th><th class="num">Log end</th><th class="num">Messages</th></tr></thead>
    <tbody>${t.partitions.map((p) => `<tr data-partition="${p.partition}">
      <td class="num">${p.partition}</td>
      <td class="leader ${p.leader < 0 ? "cell-bad" : ""}">${p.leader < 0 ? "none" : p.leader}</td>
      <td class="preferred">${p.preferred_leader}</td>
      <td class="replicas">${p.replicas.map((r) => `<span class="replica ${r.ok ? "ok" : "bad"}" data-broker="${r.id}" title="${r.offline ? "broker down" : r.in_isr ? "in sync" : "out of sync"}">${r.id}</span>`).join("")}</td>
      <td class="isr">${p.isr.join(", ")}</td>
      <td class="num">${num(p.log_start_offset)}</td><td class="num">${num(p.log_end_offset)}</td><td class="num">${num(p.messages)}</td></tr>`).join("")}</tbody></table>`;
}

function messagesControls(t) {
  const m = ui.messages;
  const fromKind = m.from.split(":")[0];
  const fromValue = m.from.split(":")[1] || "";
  return `<div class="toolbar" id="browse">
      <label>Partition <select id="m-partition"><option value="">all</option>${t.partitions.map((p) => `<option ${String(p.partition) === m.partition ? "selected" : ""}>${p.partition}</option>`).join("")}</select></label>
      <label>From <select id="m-from-kind">
        ${[["tail", "last N (live)"], ["beginning", "beginning"], ["offset", "offset"], ["ts", "timestamp (ms or ISO)"]].map(([k, l]) => `<option value="${k}" ${k === fromKind ? "selected" : ""}>${l}</option>`).join("")}
      </select></label>
      <input id="m-from-value" size="24" value="${esc(fromValue)}" placeholder="20">
      <label>Filter <input id="m-filter" value="${esc(m.filter)}" placeholder="text in key or value"></label>
      <button id="m-go">Show</button>
    </div>
    <details><summary id="produce-toggle">Produce a message</summary>
    <form class="produce" id="produce-form">
      <label for="p-key">Key</label><input id="p-key">
      <label for="p-value">Value</label><textarea id="p-value" rows="3"></textarea>
      <label for="p-partition">Partition</label><input id="p-partition" placeholder="any">
      <label for="p-headers">Headers</label><input id="p-headers" placeholder="k=v,k2=v2">
      <span></span><span><button id="p-send" type="submit">Send</button> <span id="p-result" class="muted"></span></span>
    </form></details>`;
}

async function messagesTable(name) {
  const m = ui.messages;
  const q = new URLSearchParams({ from: m.from, limit: "100", filter: m.filter });
  if (m.partition !== "") q.set("partition", m.partition);
  let rows = [], error = "";
  try { rows = await api(`/api/topics/${encodeURIComponent(name)}/messages?${q}`); } catch (e) { error = e.message; }
  return `${error ? `<p class="cell-bad">${esc(error)}</p>` : ""}
    <table id="messages"><thead><tr><th class="num">Partition</th><th class="num">Offset</th><th>Timestamp</th><th>Key</th><th>Value</th><th>Headers</th></tr></thead>
    <tbody>${rows.map((r) => `<tr data-offset="${r.offset}" data-partition="${r.partition}"><td class="num">${r.partition}</td><td class="num">${r.offset}</td><td>${esc(time(r.timestamp))}</td>
      <td class="key">${esc(r.key ?? "null")}</td>
      <td class="value">${r.json != null && typeof r.json === "object" ? `<pre class="json">${esc(JSON.stringify(r.json, null, 2))}</pre>` : esc(r.value ?? "null")}</td>
      <td>${r.headers.map(([k, v]) => `${esc(k)}=${esc(v ?? "null")}`).join("<br>")}</td></tr>`).join("")}</tbody></table>`;
}

function wireMessages(name) {
  const m = ui.messages;
  const go = () => {
    m.partition = document.getElementById("m-partition").value;
    const kind = document.getElementById("m-from-kind").value;
    let v = document.getElementById("m-from-value").value.trim();
    if (kind === "ts" && v && isNaN(Number(v))) v = String(Date.parse(v));
    m.from = kind === "beginning" ? "beginning" : `${kind}:${v || (kind === "tail" ? "20" : "0")}`;
    m.live = kind === "tail";
    m.filter = document.getElementById("m-filter").value;
    refresh(true);
  };
  document.getElementById("m-go").onclick = go;
  document.getElementById("m-filter").onkeydown = (e) => { if (e.key === "Enter") go(); };
  document.getElementById("produce-form").onsubmit = async (e) => {
    e.preventDefault();
    const out = document.getElementById("p-result");
    const part = document.getElementById("p-partition").value.trim();
    const headers = document.getElementById("p-headers").value.split(",").map((h) => h.trim()).filter(Boolean).map((h) => { const i = h.indexOf("="); return i < 0 ? [h, ""] : [h.slice(0, i), h.slice(i + 1)]; });
    const body = { key: document.getElementById("p-key").value, value: document.getElementById("p-value").value, partition: part === "" ? null : Number(part), headers };
    out.textContent = "sending…";
    try { await api(`/api/topics/${encodeURIComponent(name)}/messages`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }); out.textContent = "sent"; refresh(true); }
    catch (err) { out.textContent = err.message; out.className = "cell-bad"; }
  };
}

async function renderTopic(name, tab) {
  tab = tab || "partitions";
  const t = await api(`/api/topics/${encodeURIComponent(name)}`);
  const tabs = ["partitions", "messages", "configs", "groups", "timeline"];
  const page = `topic/${name}/${tab}`;
  const fresh = view.dataset.page !== page;
  if (fresh) {
    view.innerHTML = `<div id="head"></div><div id="body"></div>`;
    view.dataset.page = page;
  }
  document.getElementById("head").innerHTML = `<h1>${esc(t.name)} <small>${t.partitions.length} partitions, replication ${t.replication_factor}, ${num(t.messages)} messages, ${rate(t.rate)} msg/s</small></h1>
    <div class="tabs">${tabs.map((x) => `<a href="#/topics/${encodeURIComponent(name)}/${x}" data-tab="${x}" class="${x === tab ? "active" : ""}">${x[0].toUpperCase() + x.slice(1)}</a>`).join("")}</div>`;
  const body = document.getElementById("body");
  if (tab === "messages") {
    // The controls and the form keep what is typed in them; the table follows the
    // live tail, or changes when asked to.
    if (fresh) {
      body.innerHTML = messagesControls(t) + `<div id="messages-area"></div>`;
      wireMessages(name);
    }
    if (fresh || ui.messages.live || forced) {
      const html = await messagesTable(name);
      const area = document.getElementById("messages-area");
      if (area) area.innerHTML = html;
    }
    return;
  }
  if (tab === "partitions") body.innerHTML = partitionsTable(t);
  if (tab === "configs") {
    const cfg = await api(`/api/topics/${encodeURIComponent(name)}/configs`);
    body.innerHTML = `<table id="configs"><thead><tr><th>Name</th><th>Value</th><th>Source</th></tr></thead><tbody>${cfg.map((c) => `<tr><td>${esc(c.name)}</td><td>${esc(c.value ?? "null")}</td><td class="muted">${c.default ? "default" : "override"}</td></tr>`).join("")}</tbody></table>`;
  }
  if (tab === "groups") body.innerHTML = `<p>${t.groups.map(lagBadge).join("") || '<span class="muted">No group reads this topic.</span>'}</p>`;
  if (tab === "timeline") body.innerHTML = eventsList(t.events);
}

async function renderGroups() {
  const rows = await api("/api/groups");
  view.innerHTML = `<h1>Consumer Groups <small>${rows.length}</small></h1>
    <table id="groups"><thead><tr><th>Group</th><th>State</th><th>Protocol</th><th class="num">Members</th><th>Topics</th><th class="num">Lag</th></tr></thead>
    <tbody>${rows.map((g) => `<tr data-group="${esc(g.id)}"><td><a href="#/groups/${encodeURIComponent(g.id)}">${esc(g.id)}</a></td>
      <td class="state">${esc(g.state)}</td><td>${esc(g.protocol_type)}${g.protocol ? " / " + esc(g.protocol) : ""}</td><td class="num members">${g.members}</td>
      <td>${g.topics.map(esc).join(", ")}</td><td class="num"><span class="badge lag-${esc(g.status)}">${num(g.lag)}</span></td></tr>`).join("")}</tbody></table>`;
}

async function renderGroup(id, tab) {
  tab = tab || "offsets";
  const g = await api(`/api/groups/${encodeURIComponent(id)}`);
  let body;
  if (tab === "members") {
    body = `<table id="members"><thead><tr><th>Member</th><th>Client</th><th>Host</th><th class="num">Partitions</th><th>Assigned</th></tr></thead>
      <tbody>${g.members.map((m) => `<tr data-member="${esc(m.member_id)}"><td>${esc(m.member_id)}</td><td>${esc(m.client_id)}</td><td>${esc(m.host)}</td><td class="num partitions">${m.partitions}</td><td>${m.assignment.map(esc).join(", ")}</td></tr>`).join("")}</tbody></table>`;
  } else if (tab === "timeline") {
    body = eventsList(g.events);
  } else {
    body = `<table id="group-offsets"><thead><tr><th>Topic</th><th class="num">Partition</th><th class="num">Committed</th><th class="num">Log end</th><th class="num">Lag</th><th class="num">Lag (s)</th><th>Lag, last 15 min</th><th>Owner</th></tr></thead>
      <tbody>${g.offsets.map((o) => `<tr data-topic="${esc(o.topic)}" data-partition="${o.partition}"><td>${esc(o.topic)}</td><td class="num">${o.partition}</td><td class="num">${num(o.committed)}</td><td class="num">${num(o.log_end_offset)}</td>
        <td class="num"><span class="badge lag-${esc(o.status)}">${num(o.lag)}</span></td><td class="num">${o.lag_seconds == null ? "–" : o.lag_seconds.toFixed(1)}</td>
        <td>${sparkline(o.series)}</td><td class="owner">${esc(o.owner_client ? `${o.owner_client} (${o.owner})` : o.owner ?? "")}</td></tr>`).join("")}</tbody></table>`;
  }
  view.innerHTML = `<h1>${esc(g.id)} <small>${esc(g.state)}, ${g.members.length} members, lag ${num(g.lag)}, coordinator ${g.coordinator}</small></h1>
    <div class="tabs">${["offsets", "members", "timeline"].map((x) => `<a href="#/groups/${encodeURIComponent(id)}/${x}" data-tab="${x}" class="${x === tab ? "active" : ""}">${x[0].toUpperCase() + x.slice(1)}</a>`).join("")}</div>${body}`;
}

async function renderBrokers() {
  const b = await api("/api/brokers");
  view.innerHTML = `<h1>Brokers <small>${b.brokers.filter((x) => x.up).length} of ${b.brokers.length} up</small></h1>
    <table id="brokers"><thead><tr><th class="num">Node</th><th>Address</th><th>State</th><th>Controller</th><th class="num">Partitions led</th><th class="num">Replicas hosted</th><th class="num">Replicas out of sync</th></tr></thead>
    <tbody>${b.brokers.map((x) => `<tr data-broker="${x.id}"><td class="num">${x.id}</td><td>${esc(x.host)}:${x.port}</td><td class="state state-${x.up ? "up" : "down"}">${x.up ? "up" : "down"}</td><td>${x.controller ? "yes" : ""}</td>
      <td class="num leaders">${x.leaders}</td><td class="num">${x.replicas}</td><td class="num ${x.out_of_sync ? "cell-bad" : ""}">${x.out_of_sync}</td></tr>`).join("")}</tbody></table>
    <h1>Partitions × brokers <small>${b.grid.length < b.grid_total ? `first ${b.grid.length} of ${b.grid_total}` : b.grid_total}</small></h1>
    <table id="grid"><thead><tr><th>Partition</th>${b.brokers.map((x) => `<th class="num">${x.id}</th>`).join("")}</tr></thead>
    <tbody>${b.grid.map((p) => `<tr data-tp="${esc(p.topic)}-${p.partition}"><td>${esc(p.topic)}-${p.partition}</td>${b.brokers.map((x) => {
      if (!p.replicas.includes(x.id)) return "<td></td>";
      const bad = p.out_of_sync.includes(x.id);
      return `<td class="num ${bad ? "cell-bad" : "cell-ok"} ${p.leader === x.id ? "cell-leader" : ""}" data-broker="${x.id}">${p.leader === x.id ? "L" : "R"}</td>`;
    }).join("")}</tr>`).join("")}</tbody></table>`;
}

async function renderTimeline() {
  const events = await api("/api/timeline");
  view.innerHTML = `<h1>Timeline <small>changes seen between snapshots, newest first</small></h1>${eventsList(events)}`;
}

function showStatus(s) {
  lastStatus = s;
  const stale = s.error || s.age_ms > 3 * s.refresh_ms;
  statusEl.textContent = `${s.bootstrap} · ${s.brokers_up.length} broker(s) up${s.brokers_down.length ? `, ${s.brokers_down.length} down` : ""} · updated ${ago(s.age_ms)}`;
  statusEl.className = `status ${stale ? "stale" : ""}`;
  const problems = [];
  if (s.error) problems.push(`The cluster is unreachable: ${s.error}. Showing data from ${ago(s.age_ms)}.`);
  if (s.brokers_down.length) problems.push(`Broker ${s.brokers_down.join(", ")} ${s.brokers_down.length > 1 ? "are" : "is"} down.`);
  banner.hidden = problems.length === 0;
  banner.textContent = problems.join(" ");
}

async function refresh(force) {
  if (rendering) { pending = force ? "force" : pending || true; return; }
  rendering = true;
  forced = !!force;
  try {
    showStatus(await api("/api/status"));
    const r = route();
    document.querySelectorAll("[data-nav]").forEach((a) => a.classList.toggle("active", a.dataset.nav === r.page));
    if (r.page === "topics" && r.id) await renderTopic(r.id, r.tab);
    else if (r.page === "groups" && r.id) await renderGroup(r.id, r.tab);
    else if (r.page === "groups") await renderGroups();
    else if (r.page === "brokers") await renderBrokers();
    else if (r.page === "timeline") await renderTimeline();
    else await renderTopics();
    if (!(r.page === "topics" && r.id)) view.dataset.page = r.page;
  } catch (e) {
    banner.hidden = false;
    banner.textContent = `The console cannot load this view: ${e.message}`;
  } finally {
    rendering = false;
    if (pending) { const f = pending === "force"; pending = false; refresh(f); }
  }
}

window.addEventListener("hashchange", () => { view.dataset.page = ""; refresh(true); });
const events = new EventSource("/api/events");
events.addEventListener("snapshot", () => refresh());
events.onerror = () => { statusEl.textContent = "console server unreachable"; statusEl.className = "status stale"; };
// Keep "updated N s ago" honest even when no snapshot arrives.
setInterval(() => { if (lastStatus) api("/api/status").then(showStatus).catch(() => {}); }, 2000);
refresh(true);
