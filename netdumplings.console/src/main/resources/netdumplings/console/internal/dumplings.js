// The Dumplings Web Console page: polls data.json and fills the tables. Every value goes
// in through textContent (never innerHTML), so nothing from the runtime is read as HTML.
(function () {
  'use strict';
  var rootEl = document.getElementById('nd-dumplings');
  if (!rootEl) { return; }
  var root = rootEl.getAttribute('data-root');
  var token = rootEl.getAttribute('data-token');
  var status = document.getElementById('nd-status');

  function cell(row, value) {
    var td = document.createElement('td');
    td.textContent = value === null || value === undefined ? '' : String(value);
    row.appendChild(td);
    return td;
  }
  function fill(tableId, items, render) {
    var body = document.querySelector('#' + tableId + ' tbody');
    var rows = [];
    items.forEach(function (item) {
      var tr = document.createElement('tr');
      render(tr, item);
      rows.push(tr);
    });
    body.replaceChildren.apply(body, rows);
  }
  function switchChef(kitchen, chef, action) {
    var body = new URLSearchParams();
    body.set('kitchen', kitchen);
    body.set('chef', chef);
    body.set('action', action);
    fetch(root + '/chef', {
      method: 'POST', credentials: 'same-origin', body: body,
      headers: { 'X-Dumplings-Token': token }
    }).then(function (r) {
      status.textContent = r.ok ? '' : ('could not ' + action + ' ' + chef + ': HTTP ' + r.status);
      refresh();
    });
  }
  function two(n) { return (n < 10 ? '0' : '') + n; }
  // A kitchen's hub connection: connected, or since when (local time) it has had none;
  // then what waits in its buffer and what the full buffer dropped.
  function hubConnection(k) {
    var state;
    if (k.hubConnected) {
      state = 'connected';
    } else if (k.hubDownSince) {
      var d = new Date(k.hubDownSince);
      var since = two(d.getHours()) + ':' + two(d.getMinutes()) + ':' + two(d.getSeconds());
      state = k.hubConnections ? 'reconnecting since ' + since : 'never connected, trying since ' + since;
    } else {
      return '-';
    }
    return state + '; ' + k.dumplingsBuffered + ' buffered, ' + k.dumplingsDropped + ' dropped';
  }
  // Two chefs of one name in a kitchen: typically two versions of a chef bundle in deploy/.
  function warnings(kitchens) {
    var list = [];
    kitchens.forEach(function (k) {
      var seen = {};
      k.chefs.forEach(function (c) {
        (seen[c.name] = seen[c.name] || []).push(c.bundle ? c.bundle + ' ' + c.bundleVersion : c.className);
      });
      Object.keys(seen).forEach(function (name) {
        if (seen[name].length > 1) {
          list.push('Kitchen ' + k.name + ': ' + seen[name].length + ' chefs named ' + name + ' (' + seen[name].join(', ')
            + ') are fed, and their dumplings carry the same chef name: remove one of the bundles.');
        }
      });
    });
    return list;
  }
  function render(data) {
    fill('nd-kitchens', data.kitchens, function (tr, k) {
      cell(tr, k.name);
      cell(tr, (k.live ? 'interface ' : 'file ') + k.source);
      cell(tr, k.filter);
      cell(tr, k.hub);
      cell(tr, k.running ? 'yes' : (k.failure ? 'no: ' + k.failure : 'no'));
      cell(tr, k.packetsCaptured);
      cell(tr, k.packetsPerSecond.toFixed(1));
      cell(tr, k.packetsDropped);
      cell(tr, k.kernelDrops);
      cell(tr, k.dumplingsSent);
      var hub = cell(tr, hubConnection(k));
      hub.className = 'nd-hub-connection';
      if (k.running && !k.hubConnected) { hub.classList.add('ui-state-error'); }
    });
    var warningList = document.getElementById('nd-warnings');
    warningList.replaceChildren.apply(warningList, warnings(data.kitchens).map(function (text) {
      var li = document.createElement('li');
      li.textContent = text;
      return li;
    }));
    var chefs = [];
    data.kitchens.forEach(function (k) {
      k.chefs.forEach(function (c) { chefs.push({ kitchen: k.name, chef: c }); });
    });
    fill('nd-chefs', chefs, function (tr, kc) {
      var c = kc.chef;
      tr.setAttribute('data-chef', c.name);
      cell(tr, kc.kitchen);
      cell(tr, c.name);
      cell(tr, c.className);
      cell(tr, c.bundle ? c.bundle + ' ' + c.bundleVersion : '');
      cell(tr, c.enabled ? 'yes' : 'no');
      cell(tr, c.packetsHandled);
      cell(tr, c.dumplingsMade);
      cell(tr, c.errors);
      cell(tr, c.invalidPayloads);
      cell(tr, c.packetsDropped);
      cell(tr, c.meanHandlerMicros.toFixed(2));
      var td = cell(tr, '');
      var button = document.createElement('button');
      button.type = 'button';
      button.className = 'ui-button';
      button.textContent = c.enabled ? 'Disable' : 'Enable';
      button.addEventListener('click', function () {
        switchChef(kc.kitchen, c.name, c.enabled ? 'disable' : 'enable');
      });
      td.appendChild(button);
    });
    var h = data.hub;
    document.getElementById('nd-hub').textContent = h.running
      ? 'Uptime ' + Math.round(h.uptimeSeconds) + ' s; dumplings in ' + h.dumplingsIn + ', out ' + h.dumplingsOut
        + '; invalid ' + h.invalidFrames + '; eater drops ' + h.eaterDrops + '; kitchens ' + h.kitchens.length
        + ', eaters ' + h.eaters.length + '.'
      : 'The hub is not running.';
    fill('nd-hub-kitchens', h.kitchens, function (tr, k) {
      cell(tr, k.name); cell(tr, k.host + ':' + k.port); cell(tr, k.dumplingsIn); cell(tr, k.invalidFrames);
    });
    fill('nd-eaters', h.eaters, function (tr, e) {
      cell(tr, e.name); cell(tr, e.host + ':' + e.port); cell(tr, e.queued); cell(tr, e.sent); cell(tr, e.dropped);
    });
  }
  function refresh() {
    fetch(root + '/data.json', { credentials: 'same-origin', cache: 'no-store' })
      .then(function (r) { if (!r.ok) { throw new Error('HTTP ' + r.status); } return r.json(); })
      .then(function (data) { render(data); rootEl.setAttribute('data-loaded', 'true'); })
      .catch(function (e) { status.textContent = 'refresh failed: ' + e.message; });
  }
  refresh();
  setInterval(refresh, 2000);
}());
