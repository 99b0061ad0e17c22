// The netdumplings live dashboard: an eater in the browser.
//
// It speaks only PROTOCOL.md (WebSocket to the page's own host, or to the fail-over hubs
// its hub names, hello, then one dumpling per text message), so it works against any hub
// that serves it. Every text that comes from a dumpling reaches the page through
// textContent, never as HTML.

/**
 * History (PROTOCOL.md, issue 17): a page opened on a hub that keeps one starts with its
 * last BACKFILL_DUMPLINGS dumplings rather than empty; after a reconnect (to the same hub,
 * or to the next fail-over hub of its federation, which shares the history) it asks for
 * everything after the last offset it saw, so nothing is missed or shown twice. A hub
 * without history answers with a SystemHistoryChef marker and the page simply starts live;
 * a hub that cannot give everything since the last offset says so, and the page shows it.
 */
const BACKFILL_DUMPLINGS = 2000;
let lastOffset = null;
let lastEpoch = null;

/** Whether the last hello asked to recover from an offset (not just a first backfill). */
let recovering = false;
/** Why the page missed dumplings (the latest reason: a hub that could not recover them, an offset gap), or null. */
let missed = null;

function hello() {
  recovering = lastOffset !== null && lastEpoch !== null;
  const history = recovering
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
const MAX_KITCHENS = 100;
const MAX_TALKER_BARS = 10;
const MAX_CONNECTIONS = 300;
const MAX_CONNECTION_ROWS = 100;
const MAX_NAME_ROWS = 100;
/** Reconnect backoff: 0.5 s doubling up to 30 s, with jitter. */
const RETRY_FIRST_MS = 500;
const RETRY_MAX_MS = 30_000;
/** Redraws are batched: the hub may send thousands of dumplings a second. */
const RENDER_EVERY_MS = 250;

/** Chefs with a panel of their own; their dumplings stay out of the raw view by default. */
const PANEL_CHEFS = new Set(['PacketCountChef', 'DNSLookupChef', 'ARPChef', 'SystemStatusChef',
  'TopTalkersChef', 'ConnectionsChef', 'TlsServerNameChef', 'HttpRequestChef', 'DhcpChef']);

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

function formatBytes(n) {
  if (!Number.isFinite(n)) return '–';
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (Math.abs(n) >= 1000 && i < units.length - 1) {
    n /= 1000;
    i++;
  }
  const digits = n >= 100 || (i === 0 && Number.isInteger(n)) ? 0 : 1;
  return `${n.toFixed(digits)} ${units[i]}`;
}

function formatDuration(seconds) {
  if (!Number.isFinite(seconds)) return '–';
  return seconds < 10 ? `${seconds.toFixed(3)} s` : formatUptime(seconds);
}

function num(value) {
  const n = Number(value);
  return Number.isFinite(n) ? n : 0;
}

function isObject(value) {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function showEmpty(tableId, empty) {
  const note = document.querySelector(`[data-empty-for="${tableId}"]`);
  if (note) note.hidden = !empty;
}

// ---- kitchen selector -------------------------------------------------------------------

/** '' shows every kitchen; otherwise the one kitchen whose panels are shown. */
let selectedKitchen = '';
const kitchensSeen = new Set();

function noteKitchen(kitchen) {
  if (typeof kitchen !== 'string' || kitchensSeen.has(kitchen) || kitchensSeen.size >= MAX_KITCHENS) return;
  kitchensSeen.add(kitchen);
  const option = document.createElement('option');
  option.value = kitchen;
  option.textContent = kitchen;
  $('kitchen-select').append(option);
}

function shown(kitchen) {
  return selectedKitchen === '' || kitchen === selectedKitchen;
}

/** @return the values of a per-kitchen map (latest interval payloads, rates) for the kitchens shown */
function shownValues(perKitchen) {
  return [...perKitchen.entries()].filter(([k]) => shown(k)).map(([, v]) => v);
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
/** Per kitchen: packets per second over its last two PacketCountChef dumplings. */
const packetRates = new Map();
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
  let fastest = 0;
  for (const [layer, count] of Object.entries(counts)) {
    const before = Number(previous.counts[layer] ?? 0);
    const delta = Number(count) - before;
    // Counts are cumulative: a drop means the kitchen restarted, so no rate this time.
    if (!Number.isFinite(delta) || delta < 0) continue;
    // Every packet has its outermost layer: the fastest layer's rate is the packet rate.
    fastest = Math.max(fastest, delta / elapsed);
    const id = `${key}\u0000${layer}`;
    let s = series.get(id);
    if (!s) {
      if (series.size >= MAX_SERIES) continue;
      s = { kitchen: key, layer, points: [] };
      series.set(id, s);
    }
    s.points.push({ x: time, y: delta / elapsed });
  }
  packetRates.set(key, fastest);
  chartDirty = true;
  totalsDirty = true;
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
        // Legend items drawn as line samples, dashed where the line is.
        legend: { position: 'bottom', labels: { usePointStyle: true, pointStyle: 'line', boxWidth: 24 } },
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
  const visible = [...series.entries()].filter(([, s]) => shown(s.kitchen));
  const kitchens = new Set(visible.map(([, s]) => s.kitchen));
  // Biggest layers first, so the legend reads Ethernet, IP, TCP...
  const ordered = visible.sort((a, b) => peak(b[1]) - peak(a[1]));
  const byId = new Map(chart.data.datasets.map((d) => [d.id, d]));
  chart.data.datasets = ordered.map(([id, s], i) => {
    const d = byId.get(id) || { id, data: [] };
    d.label = kitchens.size > 1 ? `${s.layer} · ${s.kitchen}` : s.layer;
    d.data = s.points;
    d.borderColor = PALETTE[i % PALETTE.length];
    d.backgroundColor = PALETTE[i % PALETTE.length];
    // Layers often carry exactly the same packets (Ethernet and IP): the bigger ones are
    // drawn wider underneath and every other one dashed, so a line on top of another
    // still shows both.
    d.borderWidth = Math.max(1.5, 5 - i * 0.75);
    d.borderDash = i % 2 ? [6, 4] : [];
    d.order = -i;
    return d;
  });
  let points = 0;
  let first = Infinity;
  let last = -Infinity;
  for (const [, s] of visible) {
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
  canvas.dataset.series = String(visible.length);
  $('chart-empty').hidden = points > 0;
}

function peak(s) {
  let max = 0;
  for (const p of s.points) max = Math.max(max, p.y);
  return max;
}

// ---- DNS lookups (DNSLookupChef) --------------------------------------------------------

const dnsRows = [];
/** Per kitchen: how many distinct hosts its DNSLookupChef has seen. */
const distinctHosts = new Map();
let dnsDirty = false;

function onDns(kitchen, driver, payload) {
  if (!payload || typeof payload !== 'object') return;
  if (driver === 'packet' && payload.lookup && typeof payload.lookup === 'object') {
    dnsRows.unshift({ host: payload.lookup.hostname, when: Number(payload.lookup.when), kitchen, fresh: true });
    if (dnsRows.length > MAX_DNS_ROWS) dnsRows.length = MAX_DNS_ROWS;
    dnsDirty = true;
  } else if (payload.lookups_seen && typeof payload.lookups_seen === 'object') {
    distinctHosts.set(asText(kitchen), Object.keys(payload.lookups_seen).length);
    dnsDirty = true;
  }
}

function renderDns() {
  if (!dnsDirty) return;
  dnsDirty = false;
  const rows = dnsRows.filter((r) => shown(r.kitchen)).map((r) => {
    const tr = row([cell(formatTime(r.when), 'time'), cell(r.host, 'host'), cell(r.kitchen)], r.fresh);
    r.fresh = false;
    return tr;
  });
  document.querySelector('#dns-table tbody').replaceChildren(...rows);
  showEmpty('dns-table', rows.length === 0);
  const distinct = shownValues(distinctHosts);
  $('dns-distinct').textContent = distinct.length
    ? `· ${formatCount(distinct.reduce((a, b) => a + b, 0))} distinct hosts` : '';
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

/** DhcpChef: a device naming itself (hostname, vendor class) and its address. */
function onDhcp(kitchen, payload) {
  const m = payload && payload.dhcp;
  if (!isObject(m) || typeof m.mac !== 'string') return;
  const time = Number(m.when);
  let d = devices.get(m.mac);
  if (!d) {
    if (devices.size >= MAX_DEVICES) evictOldestDevice();
    d = { mac: m.mac, ip: '', first: time, last: time, notes: '', kitchen };
    devices.set(m.mac, d);
  }
  const ip = m.client_ip ?? m.requested_ip ?? m.assigned_ip;
  if (ip) d.ip = asText(ip);
  d.last = Number.isFinite(time) ? Math.max(d.last || time, time) : d.last;
  const names = [m.hostname, m.vendor_class].filter((v) => typeof v === 'string' && v).join(' · ');
  d.notes = names ? `DHCP ${asText(m.message_type)}: ${names}` : `DHCP ${asText(m.message_type)}`;
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
  const sorted = [...devices.values()].filter((d) => shown(d.kitchen)).sort((a, b) => (b.last || 0) - (a.last || 0));
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
  $('devices-count').textContent = sorted.length ? `· ${formatCount(sorted.length)}` : '';
}

// ---- top talkers (TopTalkersChef) -------------------------------------------------------

/** Per kitchen: its latest top_talkers list and totals. */
const talkers = new Map();
/** Per kitchen: the last cumulative IP bytes and when, and bytes per second between two. */
const byteTotals = new Map();
const byteRates = new Map();
let talkersChart = null;
let talkersDirty = false;

function onTopTalkers(kitchen, time, payload) {
  if (!isObject(payload) || !Array.isArray(payload.top_talkers)) return;
  const key = asText(kitchen);
  talkers.set(key, payload);
  const bytes = Number(payload.bytes);
  const previous = byteTotals.get(key);
  if (Number.isFinite(bytes) && Number.isFinite(time)) {
    byteTotals.set(key, { time, bytes });
    // Cumulative: a drop means the kitchen restarted, so no rate this time.
    if (previous && time > previous.time && bytes >= previous.bytes) {
      byteRates.set(key, (bytes - previous.bytes) / (time - previous.time));
    }
  }
  talkersDirty = true;
  totalsDirty = true;
}

function createTalkersChart() {
  if (!window.Chart) return null;
  return new window.Chart($('talkers-chart'), {
    type: 'bar',
    data: { labels: [], datasets: [{ label: 'bytes/s', data: [], backgroundColor: PALETTE[0] }] },
    options: {
      indexAxis: 'y',
      animation: false,
      maintainAspectRatio: false,
      scales: {
        x: { beginAtZero: true, title: { display: true, text: 'bytes / s' },
          ticks: { callback: (value) => formatBytes(value) }, grid: { color: '#eef0f3' } },
        y: {
          // Long (IPv6) addresses shortened in the middle on the axis; the tooltip has them whole.
          ticks: {
            font: { family: 'monospace', size: 11 },
            callback(value) {
              const address = asText(this.getLabelForValue(value));
              return address.length > 24 ? `${address.slice(0, 11)}…${address.slice(-11)}` : address;
            },
          },
          grid: { display: false },
        },
      },
      plugins: {
        legend: { display: false },
        tooltip: {
          callbacks: {
            label: (item) => {
              const h = item.chart.$talkers[item.dataIndex];
              return [item.chart.$rates ? `${formatBytes(item.parsed.x)}/s` : `${formatBytes(item.parsed.x)} in all`,
                `sent ${formatBytes(h.bytes_sent)} in ${formatCount(h.packets_sent)} packets`,
                `received ${formatBytes(h.bytes_received)} in ${formatCount(h.packets_received)} packets`];
            },
          },
        },
      },
    },
  });
}

function renderTalkers() {
  if (!talkersDirty) return;
  talkersDirty = false;
  // Kitchens may see the same host: its figures are added up.
  const merged = new Map();
  for (const p of shownValues(talkers)) {
    for (const h of p.top_talkers) {
      if (!isObject(h) || typeof h.address !== 'string') continue;
      const m = merged.get(h.address) || { address: h.address, bytes_per_second: 0, bytes: 0, bytes_sent: 0,
        bytes_received: 0, packets_sent: 0, packets_received: 0 };
      for (const f of ['bytes_per_second', 'bytes', 'bytes_sent', 'bytes_received', 'packets_sent', 'packets_received']) {
        m[f] += num(h[f]);
      }
      merged.set(h.address, m);
    }
  }
  // Bytes per second over the chefs' last interval; when no shown kitchen had traffic in
  // it (a paused capture, a replay's quiet spell), the bytes so far, so the panel never
  // shows empty bars for hosts it knows.
  const hosts = [...merged.values()];
  const rates = hosts.some((h) => h.bytes_per_second > 0);
  const value = (h) => (rates ? h.bytes_per_second : h.bytes);
  const top = hosts.sort((a, b) => value(b) - value(a) || b.bytes - a.bytes).slice(0, MAX_TALKER_BARS);
  talkersChart = talkersChart || createTalkersChart();
  if (talkersChart) {
    talkersChart.$talkers = top;
    talkersChart.$rates = rates;
    talkersChart.data.labels = top.map((h) => h.address);
    talkersChart.data.datasets[0].data = top.map(value);
    talkersChart.options.scales.x.title.text = rates ? 'bytes / s' : 'bytes (no traffic in the last interval)';
    talkersChart.update('none');
  }
  $('talkers-chart').dataset.bars = String(top.length);
  $('talkers-chart').dataset.measure = rates ? 'bytes_per_second' : 'bytes';
  $('talkers-empty').hidden = top.length > 0;
}

// ---- connections (ConnectionsChef) ------------------------------------------------------

/** Ended connections by kitchen and 5-tuple and start: packet dumplings and the interval's recent list alike. */
const connections = new Map();
/** Per kitchen: its latest interval counts (open, ended...). */
const connectionCounts = new Map();
const connectionSort = { key: 'ts', descending: true };
let connectionsDirty = false;

function onConnections(kitchen, payload) {
  if (!isObject(payload)) return;
  if (isObject(payload.connection)) {
    addConnection(kitchen, payload.connection);
  } else if (isObject(payload.connections)) {
    connectionCounts.set(asText(kitchen), payload.connections);
    for (const c of Array.isArray(payload.connections.recent) ? payload.connections.recent : []) {
      if (isObject(c)) addConnection(kitchen, c);
    }
    totalsDirty = true;
  }
  connectionsDirty = true;
}

function addConnection(kitchen, c) {
  const id = [kitchen, c.proto, c.orig_h, c.orig_p, c.resp_h, c.resp_p, c.ts].map(asText).join('\u0000');
  if (connections.has(id)) return;
  if (connections.size >= MAX_CONNECTIONS) connections.delete(connections.keys().next().value);
  connections.set(id, {
    kitchen,
    ts: num(c.ts),
    proto: asText(c.proto),
    orig: `${asText(c.orig_h)}:${asText(c.orig_p)}`,
    resp: `${asText(c.resp_h)}:${asText(c.resp_p)}`,
    duration: num(c.duration),
    pkts: num(c.orig_pkts) + num(c.resp_pkts),
    bytes: num(c.orig_ip_bytes ?? c.orig_bytes) + num(c.resp_ip_bytes ?? c.resp_bytes),
    state: asText(c.conn_state),
    endedBy: asText(c.ended_by),
  });
}

function compareConnections(a, b) {
  const x = a[connectionSort.key];
  const y = b[connectionSort.key];
  const order = typeof x === 'number' ? x - y : String(x).localeCompare(String(y));
  return connectionSort.descending ? -order : order;
}

function renderConnections() {
  if (!connectionsDirty) return;
  connectionsDirty = false;
  const list = [...connections.values()].filter((c) => shown(c.kitchen)).sort(compareConnections)
    .slice(0, MAX_CONNECTION_ROWS);
  const rows = list.map((c) => {
    const state = document.createElement('td');
    const badge = document.createElement('span');
    badge.className = `state state-${c.state.replace(/[^A-Za-z0-9]/g, '')}`;
    badge.textContent = c.state || '–';
    if (c.endedBy) badge.title = `ended by ${c.endedBy}`;
    state.append(badge);
    return row([cell(formatTime(c.ts), 'time'), cell(c.proto), cell(c.orig, 'mono'), cell(c.resp, 'mono'),
      cell(formatDuration(c.duration), 'num'), cell(formatCount(c.pkts), 'num'), cell(formatBytes(c.bytes), 'num'),
      state]);
  });
  document.querySelector('#connections-table tbody').replaceChildren(...rows);
  showEmpty('connections-table', rows.length === 0);
  const counts = shownValues(connectionCounts);
  const open = counts.reduce((n, c) => n + num(c.open), 0);
  const ended = counts.reduce((n, c) => n + num(c.ended), 0);
  $('connections-count').textContent = counts.length
    ? `· ${formatCount(open)} open · ${formatCount(ended)} ended` : '';
  for (const th of document.querySelectorAll('#connections-table th[data-sort]')) {
    th.setAttribute('aria-sort', th.dataset.sort === connectionSort.key
      ? (connectionSort.descending ? 'descending' : 'ascending') : 'none');
  }
}

for (const th of document.querySelectorAll('#connections-table th[data-sort]')) {
  th.querySelector('button').addEventListener('click', () => {
    const key = th.dataset.sort;
    // A new column starts with its biggest (or latest) first; the same column flips.
    connectionSort.descending = connectionSort.key === key ? !connectionSort.descending : true;
    connectionSort.key = key;
    connectionsDirty = true;
    render();
  });
}

// ---- TLS server names (TlsServerNameChef) and HTTP hosts (HttpRequestChef) --------------

const tlsNames = new Map();
const httpHosts = new Map();
let namesDirty = false;

function onTls(kitchen, payload) {
  if (!isObject(payload) || !isObject(payload.tls_server_names)) return;
  tlsNames.set(asText(kitchen), payload);
  namesDirty = true;
  totalsDirty = true;
}

function onHttp(kitchen, payload) {
  if (!isObject(payload) || !isObject(payload.http_hosts)) return;
  httpHosts.set(asText(kitchen), payload);
  namesDirty = true;
  totalsDirty = true;
}

/** Per name, counts added up and the latest time over the shown kitchens, busiest first. */
function mergeNames(payloads, field, countField) {
  const merged = new Map();
  for (const p of payloads) {
    for (const [name, v] of Object.entries(p[field])) {
      if (!isObject(v)) continue;
      const m = merged.get(name) || { name, count: 0, latest: -Infinity };
      m.count += num(v[countField]);
      m.latest = Math.max(m.latest, num(v.latest));
      merged.set(name, m);
    }
  }
  return [...merged.values()].sort((a, b) => b.count - a.count || a.name.localeCompare(b.name));
}

function renderNameTable(tableId, countId, names) {
  const rows = names.slice(0, MAX_NAME_ROWS).map((n) =>
    row([cell(n.name, 'host'), cell(formatCount(n.count), 'num'), cell(formatTime(n.latest), 'time')]));
  document.querySelector(`#${tableId} tbody`).replaceChildren(...rows);
  showEmpty(tableId, rows.length === 0);
  $(countId).textContent = names.length ? `· ${formatCount(names.length)}` : '';
}

function renderNames() {
  if (!namesDirty) return;
  namesDirty = false;
  renderNameTable('tls-table', 'tls-count', mergeNames(shownValues(tlsNames), 'tls_server_names', 'count'));
  const http = shownValues(httpHosts);
  renderNameTable('http-table', 'http-count', mergeNames(http, 'http_hosts', 'requests'));
  const codes = new Map();
  for (const p of http) {
    for (const [code, n] of Object.entries(isObject(p.status_codes) ? p.status_codes : {})) {
      codes.set(code, (codes.get(code) || 0) + num(n));
    }
  }
  $('http-codes').textContent = codes.size
    ? `responses: ${[...codes.entries()].sort().map(([c, n]) => `${c} × ${formatCount(n)}`).join(', ')}` : '';
}

// ---- traffic totals ---------------------------------------------------------------------

let totalsDirty = false;

function renderTotals() {
  if (!totalsDirty) return;
  totalsDirty = false;
  const sum = (values, f) => (values.length ? values.reduce((n, v) => n + f(v), 0) : NaN);
  $('traffic-scope').textContent = selectedKitchen === '' ? 'all kitchens' : selectedKitchen;
  $('total-pps').textContent = formatCount(Math.round(sum(shownValues(packetRates), (v) => v)));
  const bps = sum(shownValues(byteRates), (v) => v);
  $('total-bps').textContent = Number.isFinite(bps) ? formatBytes(bps) : '–';
  $('total-hosts').textContent = formatCount(sum(shownValues(talkers), (p) => num(p.hosts)));
  $('total-open').textContent = formatCount(sum(shownValues(connectionCounts), (c) => num(c.open)));
  $('total-tls').textContent = formatCount(sum(shownValues(tlsNames), (p) => num(p.client_hellos)));
  $('total-http').textContent = formatCount(sum(shownValues(httpHosts), (p) => num(p.requests)));
}

$('kitchen-select').addEventListener('change', (event) => {
  selectedKitchen = event.target.value;
  chartDirty = dnsDirty = devicesDirty = talkersDirty = connectionsDirty = namesDirty = totalsDirty = true;
  render();
});

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
let offsetGaps = 0;
let offsetRepeats = 0;

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
    // Offsets of one epoch follow each other with no gap (the page takes every chef): a
    // jump or a repeat is counted, and shown, so a lost or doubled dumpling never passes
    // unnoticed (data-offset-gaps, data-offset-repeats for whoever checks the page).
    if (meta.epoch === lastEpoch && lastOffset !== null && meta.offset !== lastOffset + 1) {
      if (meta.offset > lastOffset) {
        offsetGaps++;
        missed = `offsets ${lastOffset + 1} to ${meta.offset - 1} never arrived`;
      } else {
        offsetRepeats++;
      }
    }
    if (meta.epoch !== lastEpoch || lastOffset === null || meta.offset > lastOffset) {
      lastOffset = meta.offset;
      lastEpoch = meta.epoch;
    }
  }
  const { chef, kitchen = null, driver } = meta;
  const time = Number(meta.creation_time);
  const payload = dumpling.payload;
  switch (chef) {
    case 'SystemHistoryChef':
      // After a reconnect, a hub that cannot give everything since the last offset says
      // so: the page says it too, rather than let a gap pass unnoticed.
      if (recovering && payload && payload.recovered === false) missed = `the hub said: ${asText(payload.reason)}`;
      break;
    case 'SystemStatusChef': onStatus(payload); break;
    case 'PacketCountChef': onPacketCounts(kitchen, time, payload); break;
    case 'DNSLookupChef': onDns(kitchen, driver, payload); break;
    case 'ARPChef': onArp(kitchen, payload); break;
    case 'DhcpChef': if (driver === 'packet') onDhcp(kitchen, payload); break;
    case 'TopTalkersChef': onTopTalkers(kitchen, time, payload); break;
    case 'ConnectionsChef': onConnections(kitchen, payload); break;
    case 'TlsServerNameChef': if (driver === 'interval') onTls(kitchen, payload); break;
    case 'HttpRequestChef': if (driver === 'interval') onHttp(kitchen, payload); break;
    default: break;
  }
  if (kitchen !== null) noteKitchen(kitchen);
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
  renderTalkers();
  renderConnections();
  renderNames();
  renderTotals();
  renderRaw();
  $('received').textContent = `${formatCount(received)} dumplings`
    + (unreadable ? ` · ${formatCount(unreadable)} unreadable` : '')
    + (missed ? ' · some missed' : '');
  $('received').title = missed || 'dumplings received by this page';
  const body = document.body.dataset;
  body.offset = lastOffset === null ? '' : String(lastOffset);
  body.offsetGaps = String(offsetGaps);
  body.offsetRepeats = String(offsetRepeats);
}

// ---- connection -------------------------------------------------------------------------

// A hub that wants an eater token gets the one the page was opened with (/?token=...).
const pageParams = new URLSearchParams(location.search);
const pageToken = pageParams.get('token');
const withToken = (url) => url + (pageToken ? `?token=${encodeURIComponent(pageToken)}` : '');
// The page's own hub first, then its fail-over hubs (the hub's failover_hubs setting, the
// only other hosts its Content-Security-Policy allows), tried in turn when one goes away.
const failoverMeta = document.querySelector('meta[name="netdumplings-failover-hubs"]');
const hubUrls = [`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/`,
  ...(failoverMeta ? failoverMeta.content.split(/\s+/) : []).filter((u) => /^wss?:\/\/[^/?#\s]+$/.test(u))
    .map((u) => `${u}/`)].map(withToken);
let hubIndex = 0;
let hubUrl = hubUrls[0];
let retryMs = RETRY_FIRST_MS;
let retryAt = 0;
let socket = null;

function setConnection(state, text) {
  document.body.dataset.connection = state;
  const pill = $('connection-state');
  pill.className = `pill pill-${state}`;
  pill.textContent = text;
}

function showHubUrl() {
  // Never show the token itself.
  $('hub-url').textContent = hubUrl.replace(/\?token=.*$/, '?token=…');
}

function connect() {
  hubUrl = hubUrls[hubIndex];
  showHubUrl();
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
    // On to the next hub (the same one again when there is no other): a page that was
    // live tries it after the first, short delay, so a fail-over takes about a second;
    // the hello then asks for everything after the last offset seen.
    hubIndex = (hubIndex + 1) % hubUrls.length;
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

// The status age and connection text change even when no dumpling arrives.
setInterval(() => renderStatus(), 1000);
connect();
