// The netdumplings live dashboard: an eater in the browser.
//
// It speaks only PROTOCOL.md (WebSocket to the page's own host, hello, then one dumpling
// per text message), so it works against any hub that serves it. Every text that comes
// from a dumpling reaches the page through textContent, never as HTML.

/**
 * History (PROTOCOL.md, issue 17): a page opened on a hub that keeps one starts with its
 * last BACKFILL_DUMPLINGS dumplings rather than empty; after a reconnect (to the same hub,
 * or to another hub of its federation behind the same address) it asks for everything
 * after the last offset it saw, so nothing is missed or shown twice. A hub without history answers with a SystemHistoryChef marker and the
 * page simply starts live.
 */
const BACKFILL_DUMPLINGS = 2000;
let lastOffset = null;
let lastEpoch = null;

function hello() {
  const history = lastOffset !== null && lastEpoch !== null
    ? { since: { offset: lastOffset, epoch: lastEpoch } }
    : { last: BACKFILL_DUMPLINGS };
  return JSON.stringify({ eater_name: 'dashboard', history });
}

/** Bounds: everything this page keeps is limited, whatever the hub sends. */
const CHART_WINDOW_SECONDS = 5 * 60;
const MAX_DNS_ROWS = 50;
const MAX_DEVICES = 500;
const MAX_RAW_ROWS = 200;
const MAX_PAYLOAD_CHARS = 400;
const MAX_SERIES = 24;
/** Reconnect backoff: 0.5 s doubling up to 30 s, with jitter. */
const RETRY_FIRST_MS = 500;
const RETRY_MAX_MS = 30_000;
/** Redraws are batched: the hub may send thousands of dumplings a second. */
const RENDER_EVERY_MS = 250;

/** Chefs with a panel of their own; their dumplings stay out of the raw view by default. */
const PANEL_CHEFS = new Set(['PacketCountChef', 'DNSLookupChef', 'ARPChef', 'SystemStatusChef']);

const PALETTE = ['#2563eb', '#d97706', '#059669', '#dc2626', '#7c3aed', '#0891b2', '#db2777',
  '#65a30d', '#9333ea', '#ea580c', '#0d9488', '#4b5563'];

const $ = (id) => document.getElementById(id);

// ---- formatting -------------------------------------------------------------------------

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
const numberFormat = new Intl.NumberFormat();

function formatTime(epochSeconds) {
  return Number.isFinite(epochSeconds) ? timeFormat.format(new Date(epochSeconds * 1000)) : '–';
}

function formatUptime(seconds) {
  if (!Number.isFinite(seconds) || seconds < 0) return '–';
  const s = Math.floor(seconds);
  const pad = (n) => String(n).padStart(2, '0');
  return `${pad(Math.floor(s / 3600))}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}`;
}

function formatCount(n) {
  return Number.isFinite(n) ? numberFormat.format(n) : '–';
}

function asText(value) {
  if (value === null || value === undefined) return '';
  return typeof value === 'string' ? value : String(value);
}

/** A table cell holding text only. */
function cell(text, className) {
  const td = document.createElement('td');
  td.textContent = asText(text);
  if (className) td.className = className;
  return td;
}

function row(cells, fresh) {
  const tr = document.createElement('tr');
  if (fresh) tr.className = 'fresh';
  tr.append(...cells);
  return tr;
}

function showEmpty(tableId, empty) {
  const note = document.querySelector(`[data-empty-for="${tableId}"]`);
  if (note) note.hidden = !empty;
}

// ---- hub status (SystemStatusChef) ------------------------------------------------------

const status = { payload: null, receivedAt: 0, dirty: false };

function onStatus(payload) {
  if (payload === null || typeof payload !== 'object') return;
  status.payload = payload;
  status.receivedAt = Date.now();
  status.dirty = true;
}

function renderStatus() {
  const p = status.payload;
  if (p) {
    $('status-age').textContent = `· updated ${Math.max(0, Math.round((Date.now() - status.receivedAt) / 1000))} s ago`;
  }
  if (!status.dirty || !p) return;
  status.dirty = false;
  $('status-uptime').textContent = formatUptime(p.server_uptime);
  $('status-in').textContent = formatCount(p.total_dumplings_in);
  $('status-out').textContent = formatCount(p.total_dumplings_out);
  $('status-kitchens').textContent = formatCount(p.dumpling_kitchen_count);
  $('status-eaters').textContent = formatCount(p.dumpling_eater_count);
  const list = $('status-clients');
  const items = [];
  const client = (kind, name, detail) => {
    const li = document.createElement('li');
    const k = document.createElement('span');
    k.className = 'kind';
    k.textContent = kind;
    li.append(k, document.createTextNode(asText(name)));
    if (detail) li.title = detail;
    items.push(li);
  };
  for (const k of Array.isArray(p.dumpling_kitchens) ? p.dumpling_kitchens.slice(0, 50) : []) {
    const info = (k && k.info_from_kitchen) || {};
    const hub = (k && k.info_from_hub) || {};
    const chefs = Array.isArray(info.chefs) ? info.chefs.length : 0;
    client('kitchen', info.kitchen_name,
      `${asText(info.interface)} · filter "${asText(info.filter)}" · ${chefs} chefs · from ${asText(hub.host)}:${asText(hub.port)}`);
  }
  for (const e of Array.isArray(p.dumpling_eaters) ? p.dumpling_eaters.slice(0, 50) : []) {
    const info = (e && e.info_from_eater) || {};
    const hub = (e && e.info_from_hub) || {};
    client('eater', info.eater_name, `from ${asText(hub.host)}:${asText(hub.port)}`);
  }
  list.replaceChildren(...items);
}

// ---- packets per second (PacketCountChef) -----------------------------------------------

/** Per kitchen: the last cumulative counts and their time. */
const lastCounts = new Map();
/** Per series ("kitchen\u0000layer"): {kitchen, layer, points: [{x, y}]}. */
const series = new Map();
let chart = null;
let chartDirty = false;

function onPacketCounts(kitchen, time, payload) {
  const counts = payload && payload.packet_counts;
  if (!counts || typeof counts !== 'object' || !Number.isFinite(time)) return;
  const key = asText(kitchen);
  const previous = lastCounts.get(key);
  lastCounts.set(key, { time, counts });
  if (!previous || time <= previous.time) return;
  const elapsed = time - previous.time;
  for (const [layer, count] of Object.entries(counts)) {
    const before = Number(previous.counts[layer] ?? 0);
    const delta = Number(count) - before;
    // Counts are cumulative: a drop means the kitchen restarted, so no rate this time.
    if (!Number.isFinite(delta) || delta < 0) continue;
    const id = `${key}\u0000${layer}`;
    let s = series.get(id);
    if (!s) {
      if (series.size >= MAX_SERIES) continue;
      s = { kitchen: key, layer, points: [] };
      series.set(id, s);
    }
    s.points.push({ x: time, y: delta / elapsed });
  }
  chartDirty = true;
}

function trimSeries() {
  let newest = -Infinity;
  for (const s of series.values()) {
    if (s.points.length) newest = Math.max(newest, s.points[s.points.length - 1].x);
  }
  const oldest = newest - CHART_WINDOW_SECONDS;
  for (const [id, s] of series) {
    let drop = 0;
    while (drop < s.points.length && s.points[drop].x < oldest) drop++;
    if (drop) s.points.splice(0, drop);
    if (!s.points.length) series.delete(id);
  }
}

function createChart() {
  if (!window.Chart) return null;
  return new window.Chart($('rate-chart'), {
    type: 'line',
    data: { datasets: [] },
    options: {
      animation: false,
      maintainAspectRatio: false,
      parsing: false,
      normalized: true,
      interaction: { mode: 'nearest', axis: 'x', intersect: false },
      // Straight segments: a smoothed curve would show rates that were never measured.
      elements: { point: { radius: 0, hitRadius: 6 }, line: { borderWidth: 2, tension: 0 } },
      scales: {
        x: {
          type: 'linear',
          ticks: { maxTicksLimit: 8, callback: (value) => formatTime(value) },
          grid: { color: '#eef0f3' },
        },
        y: {
          beginAtZero: true,
          title: { display: true, text: 'packets / s' },
          ticks: { callback: (value) => numberFormat.format(value) },
          grid: { color: '#eef0f3' },
        },
      },
      plugins: {
        legend: { position: 'bottom', labels: { boxWidth: 12, boxHeight: 12 } },
        tooltip: {
          callbacks: {
            title: (items) => (items.length ? formatTime(items[0].parsed.x) : ''),
            label: (item) => `${item.dataset.label}: ${numberFormat.format(Math.round(item.parsed.y))}/s`,
          },
        },
      },
    },
  });
}

function renderChart() {
  if (!chartDirty) return;
  chartDirty = false;
  trimSeries();
  chart = chart || createChart();
  if (!chart) return;
  const kitchens = new Set([...series.values()].map((s) => s.kitchen));
  // Biggest layers first, so the legend reads Ethernet, IP, TCP...
  const ordered = [...series.entries()].sort((a, b) => peak(b[1]) - peak(a[1]));
  const byId = new Map(chart.data.datasets.map((d) => [d.id, d]));
  chart.data.datasets = ordered.map(([id, s], i) => {
    const d = byId.get(id) || { id, data: [] };
    d.label = kitchens.size > 1 ? `${s.layer} · ${s.kitchen}` : s.layer;
    d.data = s.points;
    d.borderColor = PALETTE[i % PALETTE.length];
    d.backgroundColor = PALETTE[i % PALETTE.length];
    return d;
  });
  let points = 0;
  let first = Infinity;
  let last = -Infinity;
  for (const s of series.values()) {
    points += s.points.length;
    if (s.points.length) {
      first = Math.min(first, s.points[0].x);
      last = Math.max(last, s.points[s.points.length - 1].x);
    }
  }
  // The x axis spans exactly the data, not up to the next round tick.
  chart.options.scales.x.min = Number.isFinite(first) ? first : undefined;
  chart.options.scales.x.max = Number.isFinite(last) && last > first ? last : undefined;
  chart.update('none');
  const canvas = $('rate-chart');
  canvas.dataset.points = String(points);
  canvas.dataset.series = String(series.size);
  $('chart-empty').hidden = points > 0;
}

function peak(s) {
  let max = 0;
  for (const p of s.points) max = Math.max(max, p.y);
  return max;
}

// ---- DNS lookups (DNSLookupChef) --------------------------------------------------------

const dnsRows = [];
const distinctHosts = { count: null };
let dnsDirty = false;

function onDns(kitchen, driver, payload) {
  if (!payload || typeof payload !== 'object') return;
  if (driver === 'packet' && payload.lookup && typeof payload.lookup === 'object') {
    dnsRows.unshift({ host: payload.lookup.hostname, when: Number(payload.lookup.when), kitchen, fresh: true });
    if (dnsRows.length > MAX_DNS_ROWS) dnsRows.length = MAX_DNS_ROWS;
    dnsDirty = true;
  } else if (payload.lookups_seen && typeof payload.lookups_seen === 'object') {
    distinctHosts.count = Object.keys(payload.lookups_seen).length;
    dnsDirty = true;
  }
}

function renderDns() {
  if (!dnsDirty) return;
  dnsDirty = false;
  const rows = dnsRows.map((r) => {
    const tr = row([cell(formatTime(r.when), 'time'), cell(r.host, 'host'), cell(r.kitchen)], r.fresh);
    r.fresh = false;
    return tr;
  });
  document.querySelector('#dns-table tbody').replaceChildren(...rows);
  showEmpty('dns-table', rows.length === 0);
  $('dns-distinct').textContent = distinctHosts.count === null ? '' : `· ${formatCount(distinctHosts.count)} distinct hosts`;
}

// ---- devices (ARPChef) ------------------------------------------------------------------

/** By MAC address: {mac, ip, first, last, notes}. */
const devices = new Map();
let devicesDirty = false;

function onArp(kitchen, payload) {
  if (!payload || typeof payload !== 'object' || !payload.src_hw) return;
  const mac = asText(payload.src_hw);
  const time = Number(payload.time);
  let d = devices.get(mac);
  if (!d) {
    if (devices.size >= MAX_DEVICES) evictOldestDevice();
    d = { mac, ip: '', first: time, last: time, notes: '', kitchen };
    devices.set(mac, d);
  }
  d.ip = asText(payload.src_ip);
  d.last = Number.isFinite(time) ? Math.max(d.last || time, time) : d.last;
  if (payload.notes) d.notes = asText(payload.notes);
  d.kitchen = kitchen;
  devicesDirty = true;
}

function evictOldestDevice() {
  let oldest = null;
  for (const d of devices.values()) {
    if (!oldest || d.last < oldest.last) oldest = d;
  }
  if (oldest) devices.delete(oldest.mac);
}

function renderDevices() {
  if (!devicesDirty) return;
  devicesDirty = false;
  const sorted = [...devices.values()].sort((a, b) => (b.last || 0) - (a.last || 0));
  const rows = sorted.map((d) => {
    const notes = document.createElement('td');
    if (d.notes) {
      const badge = document.createElement('span');
      badge.className = 'note';
      badge.textContent = d.notes;
      notes.append(badge);
    }
    return row([cell(d.mac, 'mono'), cell(d.ip, 'mono'), cell(formatTime(d.first), 'time'),
      cell(formatTime(d.last), 'time'), notes]);
  });
  document.querySelector('#devices-table tbody').replaceChildren(...rows);
  showEmpty('devices-table', rows.length === 0);
  $('devices-count').textContent = devices.size ? `· ${formatCount(devices.size)}` : '';
}

// ---- raw view (every other chef) --------------------------------------------------------

const rawRows = [];
let rawDirty = false;

let rawPaused = false;

function onRaw(chef, kitchen, time, driver, payload) {
  if (rawPaused) return;
  // The payload is turned into text only if a row is shown: most never are.
  rawRows.unshift({ chef, kitchen, time, driver, payload, text: null, panel: PANEL_CHEFS.has(chef) });
  // Keep more than shown, so that the filters still have something to show.
  if (rawRows.length > MAX_RAW_ROWS * 5) rawRows.length = MAX_RAW_ROWS * 5;
  rawDirty = true;
}

function payloadText(r) {
  if (r.text === null) {
    let text;
    try {
      text = JSON.stringify(r.payload);
    } catch {
      text = String(r.payload);
    }
    text = asText(text);
    r.text = text.length > MAX_PAYLOAD_CHARS ? `${text.slice(0, MAX_PAYLOAD_CHARS)}…` : text;
    r.payload = null;
  }
  return r.text;
}

function renderRaw() {
  if (!rawDirty) return;
  rawDirty = false;
  const chefFilter = $('filter-chef').value.trim().toLowerCase();
  const kitchenFilter = $('filter-kitchen').value.trim().toLowerCase();
  const all = $('filter-all').checked;
  const shown = [];
  for (const r of rawRows) {
    if (shown.length >= MAX_RAW_ROWS) break;
    if (r.panel && !all) continue;
    if (chefFilter && !asText(r.chef).toLowerCase().includes(chefFilter)) continue;
    if (kitchenFilter && !asText(r.kitchen).toLowerCase().includes(kitchenFilter)) continue;
    const text = payloadText(r);
    const payload = cell(text, 'payload');
    payload.title = text;
    shown.push(row([cell(formatTime(r.time), 'time'), cell(r.chef), cell(r.kitchen ?? '(hub)'),
      cell(r.driver, 'muted'), payload]));
  }
  document.querySelector('#raw-table tbody').replaceChildren(...shown);
  showEmpty('raw-table', shown.length === 0);
  $('raw-count').textContent = `· showing ${formatCount(shown.length)}`;
}

for (const id of ['filter-chef', 'filter-kitchen', 'filter-all']) {
  $(id).addEventListener('input', () => { rawDirty = true; render(); });
}
$('raw-pause').addEventListener('change', (event) => { rawPaused = event.target.checked; });
$('raw-filters').addEventListener('submit', (event) => event.preventDefault());

// ---- dispatch ---------------------------------------------------------------------------

let received = 0;
let unreadable = 0;

function onMessage(data) {
  if (typeof data !== 'string') return; // dumplings are text frames
  let dumpling;
  try {
    dumpling = JSON.parse(data);
  } catch {
    unreadable++;
    return;
  }
  const meta = dumpling && dumpling.metadata;
  if (!meta || typeof meta !== 'object' || typeof meta.chef !== 'string') {
    unreadable++;
    return;
  }
  received++;
  if (Number.isSafeInteger(meta.offset) && typeof meta.epoch === 'string') {
    lastOffset = meta.offset;
    lastEpoch = meta.epoch;
  }
  const { chef, kitchen = null, driver } = meta;
  const time = Number(meta.creation_time);
  const payload = dumpling.payload;
  switch (chef) {
    case 'SystemStatusChef': onStatus(payload); break;
    case 'PacketCountChef': onPacketCounts(kitchen, time, payload); break;
    case 'DNSLookupChef': onDns(kitchen, driver, payload); break;
    case 'ARPChef': onArp(kitchen, payload); break;
    default: break;
  }
  onRaw(chef, kitchen, time, driver, payload);
  scheduleRender();
}

let renderTimer = null;

function scheduleRender() {
  if (renderTimer === null) renderTimer = setTimeout(render, RENDER_EVERY_MS);
}

function render() {
  if (renderTimer !== null) {
    clearTimeout(renderTimer);
    renderTimer = null;
  }
  renderStatus();
  renderChart();
  renderDns();
  renderDevices();
  renderRaw();
  $('received').textContent = `${formatCount(received)} dumplings`
    + (unreadable ? ` · ${formatCount(unreadable)} unreadable` : '');
}

// ---- connection -------------------------------------------------------------------------

// A hub that wants an eater token gets the one the page was opened with (/?token=...).
const pageParams = new URLSearchParams(location.search);
const pageToken = pageParams.get('token');
// Only the page's own host: its Content-Security-Policy allows no other (connect-src 'self').
const hubUrl = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/`
  + (pageToken ? `?token=${encodeURIComponent(pageToken)}` : '');
let retryMs = RETRY_FIRST_MS;
let retryAt = 0;
let socket = null;

function setConnection(state, text) {
  document.body.dataset.connection = state;
  const pill = $('connection-state');
  pill.className = `pill pill-${state}`;
  pill.textContent = text;
}

function connect() {
  setConnection('connecting', 'connecting');
  let ws;
  try {
    ws = new WebSocket(hubUrl);
  } catch (e) {
    scheduleReconnect();
    return;
  }
  socket = ws;
  ws.addEventListener('open', () => {
    ws.send(hello());
    retryMs = RETRY_FIRST_MS;
    setConnection('open', 'live');
  });
  ws.addEventListener('message', (event) => onMessage(event.data));
  ws.addEventListener('close', (event) => {
    if (socket !== ws) return;
    socket = null;
    scheduleReconnect(event.code);
  });
  // An error is always followed by close, which reconnects.
}

function scheduleReconnect(code) {
  // Full jitter on the upper half: many dashboards do not all come back at once.
  const delay = Math.round(retryMs / 2 + Math.random() * retryMs / 2);
  retryMs = Math.min(retryMs * 2, RETRY_MAX_MS);
  retryAt = Date.now() + delay;
  const why = code ? ` (${code})` : '';
  const tick = () => {
    const left = Math.ceil((retryAt - Date.now()) / 1000);
    if (left <= 0) {
      connect();
      return;
    }
    setConnection('closed', `disconnected${why} · retrying in ${left} s`);
    setTimeout(tick, Math.min(1000, retryAt - Date.now()));
  };
  tick();
}

// Never show the token itself.
$('hub-url').textContent = hubUrl.replace(/\?token=.*$/, '?token=…');
// The status age and connection text change even when no dumpling arrives.
setInterval(() => renderStatus(), 1000);
connect();
