/* Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later. */
/* The live page: renders the state JSON of /api/state, then follows /events (server-sent events). */
(function () {
  'use strict';
  var charts = {};
  var conn = document.getElementById('conn');

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = text; }
    return e;
  }
  function pct(x) { return x === null || x === undefined ? '–' : (100 * x).toFixed(1) + '%'; }
  function num(x) { return x === null || x === undefined ? '–' : Number(x).toLocaleString('en-US'); }
  function fix(x, d) { return x === null || x === undefined ? '–' : Number(x).toFixed(d); }
  function time(ms) { return ms ? new Date(ms).toISOString().substring(11, 19) : ''; }

  function kpi(parent, key, label) {
    var box = el('div', 'kpi');
    box.appendChild(el('div', 'k', label));
    var v = el('div', 'v');
    v.dataset.k = key;
    box.appendChild(v);
    parent.appendChild(box);
  }

  function skeleton(task) {
    var sec = el('section', 'task');
    sec.dataset.task = task;
    var head = el('div', 'task-head');
    head.appendChild(el('h2', 'name', task));
    var badge = el('span', 'badge gate-badge');
    head.appendChild(badge);
    head.appendChild(el('span', 'learner'));
    sec.appendChild(head);
    var kpis = el('div', 'kpis');
    kpi(kpis, 'saved', 'LLM calls saved');
    kpi(kpis, 'requests', 'Requests');
    kpi(kpis, 'coverage', 'Coverage (handled)');
    kpi(kpis, 'agreement', 'Agreement est. [bounds]');
    kpi(kpis, 'alpha', 'Target alpha');
    kpi(kpis, 'traces', 'Traces learned');
    kpi(kpis, 'threshold', 'Threshold');
    sec.appendChild(kpis);
    var grid = el('div', 'grid');
    var left = el('div');
    left.appendChild(el('h3', null, 'Coverage and agreement over requests'));
    var box = el('div', 'chart-box');
    var canvas = el('canvas');
    box.appendChild(canvas);
    left.appendChild(box);
    left.appendChild(el('h3', null, 'Recent decisions'));
    var table = el('table', 'decisions');
    var thead = el('thead');
    var hr = el('tr');
    ['request', 'decision', 'label', 'score', 'reason'].forEach(function (h) { hr.appendChild(el('th', null, h)); });
    thead.appendChild(hr);
    table.appendChild(thead);
    table.appendChild(el('tbody'));
    left.appendChild(table);
    var right = el('div');
    right.appendChild(el('h3', null, 'Gate timeline'));
    right.appendChild(el('div', 'strip'));
    right.appendChild(el('ol', 'flips'));
    right.appendChild(el('h3', null, 'Decisions by reason'));
    right.appendChild(el('div', 'bars reasons'));
    right.appendChild(el('h3', null, 'Coverage frontier: what a gate opening now could serve'));
    right.appendChild(el('div', 'bars frontier'));
    right.appendChild(el('p', 'muted frontier-note', 'Each bar is the threshold the opening rule finds on the current '
      + 'window at that alpha. An open gate keeps its threshold until live evidence refutes alpha (it closes on the '
      + 'upper bound, opens on the lower one), so it may serve more than the bar at its own alpha.'));
    grid.appendChild(left);
    grid.appendChild(right);
    sec.appendChild(grid);
    if (window.Chart) {
      charts[task] = new window.Chart(canvas.getContext('2d'), {
        type: 'line',
        data: { datasets: [
          { label: 'coverage at served threshold (estimate)', data: [], borderColor: '#2956b2', backgroundColor: '#2956b2', borderWidth: 2 },
          { label: 'coverage so far (realised)', data: [], borderColor: '#7fa3e0', backgroundColor: '#7fa3e0', borderWidth: 1.5,
            borderDash: [2, 2] },
          { label: 'agreement estimate', data: [], borderColor: '#1f8a4c', backgroundColor: '#1f8a4c', borderWidth: 2 },
          { label: 'agreement lower bound', data: [], borderColor: '#86c59f', backgroundColor: '#86c59f', borderWidth: 1.5,
            borderDash: [6, 4] },
          { label: 'alpha', data: [], borderColor: '#b3261e', backgroundColor: '#b3261e', borderWidth: 1.5,
            borderDash: [3, 3] }
        ] },
        options: {
          animation: false, responsive: true, maintainAspectRatio: false, parsing: false, normalized: true,
          elements: { point: { radius: 0 } },
          interaction: { mode: 'nearest', axis: 'x', intersect: false },
          scales: {
            x: { type: 'linear', title: { display: true, text: 'requests' }, ticks: { maxTicksLimit: 8 } },
            y: { min: 0, max: 1, ticks: { callback: function (v) { return (v * 100).toFixed(0) + '%'; } } }
          },
          plugins: { legend: { position: 'bottom', labels: { boxWidth: 14, font: { size: 11 } } } }
        }
      });
    }
    return sec;
  }

  function bars(container, entries, total, handledKeys) {
    container.textContent = '';
    entries.forEach(function (e) {
      var row = el('div', 'bar');
      row.appendChild(el('span', null, e[0]));
      var track = el('div', 'track');
      var fill = el('div', 'fill' + (handledKeys && handledKeys[e[0]] ? ' handled' : ''));
      fill.style.width = (total > 0 ? Math.min(100, 100 * e[1] / total) : 0) + '%';
      track.appendChild(fill);
      row.appendChild(track);
      row.appendChild(el('span', 'n', e[2] !== undefined ? e[2] : num(e[1])));
      container.appendChild(row);
    });
    if (!entries.length) { container.appendChild(el('div', 'muted', 'none yet')); }
  }

  function renderTask(sec, t) {
    var s = t.stats;
    var badge = sec.querySelector('.gate-badge');
    badge.textContent = t.gate;
    badge.className = 'badge gate-badge ' + t.gate;
    sec.dataset.gate = t.gate;
    sec.querySelector('.learner').textContent =
      (s.served_learner ? 'served learner: ' + s.served_learner + ' · ' : '') + (s.labels ? s.labels + ' labels' : '');
    var set = function (k, text, small) {
      var v = sec.querySelector('[data-k="' + k + '"]');
      v.textContent = text;
      if (small) { v.appendChild(el('small', null, ' ' + small)); }
    };
    set('saved', pct(s.llm_calls_saved), num(s.llm_calls) + ' LLM calls' + (s.audited ? ', ' + num(s.audited) +
      ' of them audits' : ''));
    set('requests', num(s.requests));
    set('coverage', pct(s.realised_coverage), t.gate === 'OPEN' ? 'est. now ' + pct(s.coverage) : '');
    set('agreement', pct(s.agreement), '[' + pct(s.agreement_lower) + ', ' + pct(s.agreement_upper) + ']');
    set('alpha', fix(t.alpha, 2));
    set('traces', num(s.traces));
    set('threshold', t.gate === 'OPEN' ? fix(s.threshold, 3) : '–');

    var ol = sec.querySelector('ol.flips');
    ol.textContent = '';
    if (!t.stats.gate_flips) { ol.appendChild(el('li', 'muted', 'no flips yet: gate ' + t.gate)); }
    t.timeline.slice().reverse().forEach(function (f) {
      var li = el('li', f.flip ? 'flip' : 'restated');
      li.appendChild(el('span', 'to-' + f.to, f.flip ? f.from + ' \u2192 ' + f.to : f.to));
      li.appendChild(document.createTextNode(' ' + f.reason));
      li.appendChild(el('span', 'meta', time(f.timestamp) + ' · after ' + num(f.traces) + ' traces · agreement ' +
        pct(f.agreement) + ' [' + pct(f.agreement_lower) + ', ' + pct(f.agreement_upper) + '] · coverage ' +
        pct(f.coverage) + (f.detail ? ' · ' + f.detail : '')));
      ol.appendChild(li);
    });

    var strip = sec.querySelector('.strip');
    strip.textContent = '';
    var c = t.curve, n = c.requests.length;
    if (n > 1) {
      var first = c.requests[0], last = c.requests[n - 1], span = Math.max(1, last - first);
      for (var i = 0; i < n - 1; i++) {
        var seg = el('span', c.open[i] ? 'OPEN' : 'CLOSED');
        seg.style.width = (100 * (c.requests[i + 1] - c.requests[i]) / span) + '%';
        strip.appendChild(seg);
      }
    }

    var reasons = Object.keys(t.reasons).map(function (k) { return [k, t.reasons[k]]; })
      .sort(function (a, b) { return b[1] - a[1]; });
    var totalReasons = reasons.reduce(function (a, e) { return a + e[1]; }, 0);
    bars(sec.querySelector('.reasons'), reasons, totalReasons, { CONFIDENT: true, AUDIT: true });
    bars(sec.querySelector('.frontier'), (t.frontier || []).map(function (p) {
      var served = t.gate === 'OPEN' && t.alpha !== null && Math.abs(p.alpha - t.alpha) < 1e-9;
      return ['alpha ' + p.alpha.toFixed(2), p.coverage,
        pct(p.coverage) + (served ? ' (gate serves ' + pct(s.coverage) + ')' : '')];
    }), 1);

    var tbody = sec.querySelector('table.decisions tbody');
    tbody.textContent = '';
    t.decisions.slice(0, 8).forEach(function (d) {
      var tr = el('tr');
      tr.appendChild(el('td', null, d.request_id));
      tr.appendChild(el('td', d.decision, d.decision + (d.audit ? ' (audit)' : '')));
      tr.appendChild(el('td', null, d.label === null ? '–' : d.label));
      tr.appendChild(el('td', null, fix(d.score, 3)));
      tr.appendChild(el('td', null, d.reason));
      tbody.appendChild(tr);
    });

    var chart = charts[t.task];
    if (chart) {
      var xs = c.requests;
      var series = function (ys) {
        var out = [];
        for (var j = 0; j < xs.length; j++) { if (ys[j] !== null) { out.push({ x: xs[j], y: ys[j] }); } }
        return out;
      };
      chart.data.datasets[0].data = series(c.coverage);
      chart.data.datasets[1].data = series(c.realised_coverage);
      chart.data.datasets[2].data = series(c.agreement);
      chart.data.datasets[3].data = series(c.agreement_lower);
      chart.data.datasets[4].data = (t.alpha !== null && xs.length)
        ? [{ x: xs[0], y: t.alpha }, { x: xs[xs.length - 1], y: t.alpha }] : [];
      chart.update('none');
    }
  }

  function render(state) {
    if (!state || !state.tasks) { return; }
    var main = document.getElementById('tasks');
    var empty = document.getElementById('empty');
    if (empty && state.tasks.length) { empty.remove(); }
    state.tasks.forEach(function (t) {
      var sec = main.querySelector('section.task[data-task="' + CSS.escape(t.task) + '"]');
      if (!sec) {
        sec = skeleton(t.task);
        main.appendChild(sec);
      }
      renderTask(sec, t);
    });
    document.body.dataset.version = state.version;
  }

  function status(s, text) { conn.dataset.state = s; conn.textContent = text; }

  function poll() {
    fetch('/api/state').then(function (r) { return r.json(); }).then(function (s) {
      render(s);
      status('offline', 'polling');
    }).catch(function () { status('offline', 'disconnected'); })
      .then(function () { setTimeout(poll, 2000); });
  }

  render(window.TRACER_INITIAL_STATE);
  if (window.EventSource) {
    var es = new EventSource('/events');
    es.addEventListener('state', function (e) {
      status('live', 'live');
      render(JSON.parse(e.data));
    });
    es.onerror = function () { status('offline', 'reconnecting…'); };
  } else {
    poll();
  }
})();
