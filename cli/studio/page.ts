/**
 * The studio's page: one HTML document, its stylesheet and its script, served as they are (no
 * build step, no framework, nothing loaded from the network, so it works offline). The script
 * builds the DOM with textContent only: names, messages and row values are never parsed as HTML.
 * Plain JavaScript in strings, so the published package needs no asset copying.
 */

export const PAGE_HTML = String.raw`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>quern studio</title>
<link rel="stylesheet" href="/studio.css">
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header>
<h1>quern studio</h1>
<nav id="sections" aria-label="Sections">
<ul>
<li><a href="#/models">Models</a></li>
<li><a href="#/data">Data</a></li>
<li><a href="#/capabilities">Capability map</a></li>
<li><a href="#/stats">Query stats</a></li>
</ul>
</nav>
<p id="project" aria-live="polite"></p>
</header>
<main id="main" tabindex="-1"><p class="muted">Loading…</p></main>
<div id="live" class="sr-only" role="status" aria-live="polite"></div>
<script src="/studio.js"></script>
</body>
</html>
`;

export const PAGE_CSS = String.raw`:root { color-scheme: light; --fg: #1b1f24; --muted: #57606a; --line: #d0d7de; --bg: #ffffff; --panel: #f6f8fa; --accent: #0550ae; --err: #b3261e; --warn: #7a4d00; --ok: #1a7f37; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
code, pre { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 13px; }
a { color: var(--accent); }
:focus-visible { outline: 3px solid #0969da; outline-offset: 2px; }
.skip { position: absolute; left: -999px; top: 0; background: var(--bg); padding: 8px; z-index: 10; }
.skip:focus { left: 8px; }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
header { display: flex; flex-wrap: wrap; gap: 4px 24px; align-items: center; padding: 10px 20px; border-bottom: 1px solid var(--line); background: var(--panel); }
header h1 { font-size: 18px; margin: 0; }
#project { color: var(--muted); font-size: 13px; }
#sections ul { display: flex; gap: 4px; list-style: none; margin: 0; padding: 0; }
#sections a { display: block; padding: 6px 12px; border-radius: 6px; text-decoration: none; color: var(--fg); }
#sections a[aria-current="page"] { background: var(--accent); color: #fff; }
main { padding: 8px 20px 40px; max-width: 1200px; }
h2 { font-size: 22px; margin: 16px 0 4px; }
h3 { font-size: 17px; margin: 20px 0 6px; }
h4 { font-size: 14px; margin: 8px 0 4px; }
.intro, .muted { color: var(--muted); }
.error { color: var(--err); }
.ok { color: var(--ok); }
table { border-collapse: collapse; margin: 6px 0 12px; }
caption { text-align: left; font-weight: 600; padding: 4px 0; }
th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
thead th { background: var(--panel); }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.scroll { overflow-x: auto; max-width: 100%; }
pre { background: var(--panel); border: 1px solid var(--line); padding: 8px; overflow-x: auto; margin: 4px 0; }
.toc { display: flex; flex-wrap: wrap; gap: 4px 16px; list-style: none; padding: 0; }
.model { border-top: 1px solid var(--line); margin-top: 12px; }
.targets { display: grid; grid-template-columns: repeat(auto-fit, minmax(340px, 1fr)); gap: 12px; }
.target { border: 1px solid var(--line); border-radius: 6px; padding: 6px 10px; min-width: 0; }
.controls { display: flex; flex-wrap: wrap; align-items: center; gap: 8px; margin: 10px 0; }
button, select, input { font: inherit; }
button { padding: 4px 12px; border: 1px solid var(--line); border-radius: 6px; background: var(--panel); cursor: pointer; }
button[type="submit"] { background: var(--accent); color: #fff; border-color: var(--accent); }
.editor { border: 1px solid var(--line); border-radius: 6px; padding: 8px 14px; margin-top: 12px; max-width: 720px; }
.field { display: grid; grid-template-columns: 140px 1fr; gap: 2px 10px; align-items: center; margin: 6px 0; }
.field .hint { grid-column: 2; color: var(--muted); font-size: 12px; }
input[aria-invalid="true"] { border: 2px solid var(--err); }
.buttons { display: flex; gap: 8px; margin: 10px 0 4px; }
.site { border: 1px solid var(--line); border-left-width: 5px; border-radius: 6px; padding: 2px 12px 8px; margin: 10px 0; }
.site.error { border-left-color: var(--err); }
.site.warning { border-left-color: #d4a72c; }
.site.ok { border-left-color: var(--ok); }
.site h3 { margin-top: 8px; }
.tag { margin-left: 8px; font-size: 12px; border: 1px solid var(--line); border-radius: 10px; padding: 0 6px; color: var(--muted); }
.badge { font-size: 12px; font-weight: 600; border-radius: 10px; padding: 0 7px; white-space: nowrap; }
.badge.error { background: #ffebe9; color: var(--err); }
.badge.warning { background: #fff8c5; color: var(--warn); }
.badge.ok { background: #dafbe1; color: var(--ok); }
.badge.muted { background: var(--panel); color: var(--muted); }
.ops { margin: 4px 0; padding-left: 22px; }
.ops code { white-space: pre-wrap; word-break: break-word; }
.diags { list-style: none; padding: 0; margin: 4px 0; }
.diags li { margin: 4px 0; }
.fix { margin: 2px 0 0 16px; color: var(--fg); }
.fix .label { font-weight: 600; }
.suppressed { color: var(--muted); font-size: 13px; }
.summary { font-size: 15px; }
`;

export const PAGE_JS = String.raw`'use strict';
(function () {
  // navigated: false until the first in-page navigation, so a fresh load leaves focus at the top (Tab reaches the skip link first).
  var state = { overview: null, models: null, caps: null, rowsModel: null, statsTimer: null, navigated: false };
  var main = document.getElementById('main');
  var live = document.getElementById('live');

  function h(tag, attrs) {
    var el = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        var v = attrs[k];
        if (v === null || v === undefined || v === false) return;
        if (k === 'text') el.textContent = v;
        else if (k === 'class') el.className = v;
        else if (k.slice(0, 2) === 'on') el.addEventListener(k.slice(2), v);
        else el.setAttribute(k, v === true ? '' : String(v));
      });
    }
    for (var i = 2; i < arguments.length; i++) add(el, arguments[i]);
    return el;
  }
  function add(el, c) {
    if (c === null || c === undefined || c === false) return;
    if (Array.isArray(c)) c.forEach(function (x) { add(el, x); });
    else if (typeof c === 'string' || typeof c === 'number') el.appendChild(document.createTextNode(String(c)));
    else el.appendChild(c);
  }
  function api(path, body) {
    var init = body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
    return fetch(path, init).then(function (res) {
      return res.json().then(function (j) {
        if (!res.ok) { var e = new Error(j.error ? j.error.message : res.statusText); e.info = j.error; throw e; }
        return j;
      });
    });
  }
  function announce(text) { live.textContent = ''; setTimeout(function () { live.textContent = text; }, 30); }
  function view(title, intro) {
    main.textContent = '';
    var heading = h('h2', { id: 'view-title', tabindex: '-1', text: title });
    add(main, heading);
    if (intro) add(main, h('p', { class: 'intro' }, intro));
    return heading;
  }
  function focusView(el) { if (state.navigated && el) el.focus(); }
  function loading(what) { add(main, h('p', { class: 'muted', role: 'status', text: 'Loading ' + what + '…' })); }
  function failed(e) { add(main, h('p', { class: 'error', role: 'alert', text: 'Could not load: ' + e.message })); }
  function plural(n, one, many) { return n + ' ' + (n === 1 ? one : (many || one + 's')); }

  // ---- Models -------------------------------------------------------------
  function renderModels() {
    var title = view('Models', 'Each model with its PostgreSQL table and its DynamoDB table, key and indexes, as push and migrations create them.');
    var go = function (m) {
      var list = h('ul', { class: 'toc' }, m.models.map(function (x) { return h('li', null, h('a', { href: '#/models/' + x.key, text: x.name })); }));
      add(main, h('nav', { 'aria-label': 'Models' }, list));
      m.models.forEach(function (x) { add(main, modelSection(x)); });
      if (m.uniqueTable) add(main, h('p', { class: 'muted' }, 'DynamoDB keeps unique constraints in the shared table ', h('code', { text: m.uniqueTable }), '.'));
      var sub = location.hash.split('/')[2];
      var target = sub && document.getElementById('model-' + sub);
      if (target) { target.querySelector('h3').focus(); } else focusView(title);
    };
    if (state.models) return go(state.models);
    loading('models');
    api('/api/models').then(function (m) { state.models = m; if (route().name === 'models') renderModels(); }, failed);
  }
  function modelSection(m) {
    var id = 'model-' + m.key;
    var fields = h('table', null,
      h('caption', { text: 'Fields of ' + m.name }),
      h('thead', null, h('tr', null, h('th', { scope: 'col', text: 'Field' }), h('th', { scope: 'col', text: 'Type' }), h('th', { scope: 'col', text: 'Null' }), h('th', { scope: 'col', text: 'Traits' }))),
      h('tbody', null, m.fields.map(function (f) {
        return h('tr', null, h('th', { scope: 'row' }, h('code', { text: f.name })), h('td', { text: f.type }), h('td', { text: f.nullable ? 'yes' : 'no' }), h('td', { text: f.traits.join(', ') }));
      })));
    var rels = m.relations.length ? h('p', null, 'Relations: ', m.relations.map(function (r, i) { return [i ? ', ' : '', h('code', { text: r.name }), ' (' + r.kind + ' ' + r.target + ')']; })) : null;
    var pg = h('section', { class: 'target', 'aria-labelledby': id + '-pg' },
      h('h4', { id: id + '-pg', text: 'PostgreSQL' }),
      h('p', null, 'Table ', h('code', { text: m.postgres.table })),
      h('pre', { tabindex: '0', 'aria-label': 'PostgreSQL DDL of ' + m.name }, h('code', { text: m.postgres.ddl.join(';\n\n') + ';' })));
    var d = m.dynamodb;
    var keyText = function (k) { return k.partition + (k.sort.length ? ' / ' + k.sort.join(', ') : ''); };
    var dyn = h('section', { class: 'target', 'aria-labelledby': id + '-ddb' }, h('h4', { id: id + '-ddb', text: 'DynamoDB' }),
      d.error ? h('p', { class: 'error', text: d.error }) : [
        h('p', null, 'Table ', h('code', { text: d.table }), ', key ', h('code', { text: keyText(d.key) }), d.collection ? ' (' + d.collection + ')' : ''),
        d.indexes.length ? h('table', null, h('caption', { text: 'Global secondary indexes of ' + m.name }),
          h('thead', null, h('tr', null, h('th', { scope: 'col', text: 'Index' }), h('th', { scope: 'col', text: 'Partition' }), h('th', { scope: 'col', text: 'Sort' }))),
          h('tbody', null, d.indexes.map(function (g) { return h('tr', null, h('th', { scope: 'row' }, h('code', { text: g.name })), h('td', { text: g.partition }), h('td', { text: g.sort.join(', ') || '—' })); })))
          : h('p', { class: 'muted', text: 'No global secondary indexes.' })
      ]);
    return h('section', { class: 'model', id: id, 'aria-labelledby': id + '-title' },
      h('h3', { id: id + '-title', tabindex: '-1', text: m.name }),
      h('p', { class: 'muted' }, 'db.', h('code', { text: m.key }), ' · key (' + m.primaryKey.join(', ') + ')'),
      fields, rels, h('div', { class: 'targets' }, pg, dyn));
  }

  // ---- Data ---------------------------------------------------------------
  function cellText(v) {
    if (v === null || v === undefined) return '';
    if (typeof v === 'object') return JSON.stringify(v);
    return String(v);
  }
  function renderData(modelKey) {
    var title = view('Data');
    var o = state.overview;
    if (!o.data) { add(main, h('p', { class: 'error', role: 'alert', text: 'No data to browse: ' + o.dataProblem })); focusView(title); return; }
    add(main, h('p', { class: 'intro' }, 'Rows from ' + o.data.target + ' (' + o.data.where + '). ',
      o.allowWrites ? 'Editing is on: every change goes through quern\'s validated update.' : 'Read-only: start the studio with --allow-writes to edit rows.'));
    var go = function (models) {
      var key = modelKey || state.rowsModel || models.models[0].key;
      state.rowsModel = key;
      var select = h('select', { id: 'data-model', onchange: function () { location.hash = '#/data/' + select.value; } },
        models.models.map(function (m) { return h('option', { value: m.key, selected: m.key === key, text: m.name }); }));
      var limit = h('select', { id: 'data-limit', onchange: function () { loadRows(key, Number(limit.value)); } },
        [25, 50, 100, 200].map(function (n) { return h('option', { value: n, selected: n === 50, text: String(n) }); }));
      add(main, h('form', { class: 'controls', role: 'search', 'aria-label': 'Choose rows', onsubmit: function (e) { e.preventDefault(); loadRows(key, Number(limit.value)); } },
        h('label', { for: 'data-model', text: 'Model' }), select,
        h('label', { for: 'data-limit', text: 'Rows' }), limit,
        h('button', { type: 'submit', text: 'Reload' })));
      add(main, h('div', { id: 'rows' }));
      add(main, h('div', { id: 'editor' }));
      loadRows(key, 50);
      focusView(title);
    };
    if (state.models) go(state.models); else api('/api/models').then(function (m) { state.models = m; if (route().name === 'data') renderData(modelKey); }, failed);
  }
  function modelByKey(key) { return state.models.models.filter(function (m) { return m.key === key; })[0]; }
  function loadRows(key, limit) {
    var box = document.getElementById('rows');
    if (!box) return Promise.resolve();
    box.textContent = '';
    add(box, h('p', { class: 'muted', role: 'status', text: 'Loading rows…' }));
    return api('/api/rows?model=' + encodeURIComponent(key) + '&limit=' + limit).then(function (r) {
      var m = modelByKey(key);
      box.textContent = '';
      var cols = m.fields.map(function (f) { return f.name; });
      var table = h('table', { class: 'rows' },
        h('caption', { text: m.name + ': ' + plural(r.rows.length, 'row') + (r.more ? ' (first ' + limit + ')' : '') }),
        h('thead', null, h('tr', null, cols.map(function (c) { return h('th', { scope: 'col', text: c }); }), state.overview.allowWrites ? h('th', { scope: 'col' }, h('span', { class: 'sr-only', text: 'Actions' })) : null)),
        h('tbody', null, r.rows.map(function (row) {
          var keyText = m.primaryKey.map(function (k) { return cellText(row[k]); }).join(', ');
          return h('tr', null, cols.map(function (c) { return h('td', { text: cellText(row[c]) }); }),
            state.overview.allowWrites ? h('td', null, h('button', { type: 'button', class: 'edit', 'aria-label': 'Edit ' + m.name + ' ' + keyText, text: 'Edit', onclick: function () { openEditor(m, row, limit); } })) : null);
        })));
      add(box, h('div', { class: 'scroll', tabindex: '0', role: 'region', 'aria-label': m.name + ' rows' }, table));
      if (r.rows.length === 0) add(box, h('p', { class: 'muted', text: 'No rows.' }));
    }, function (e) { box.textContent = ''; add(box, h('p', { class: 'error', role: 'alert', text: 'Could not read rows: ' + e.message })); });
  }
  function openEditor(m, row, limit) {
    var box = document.getElementById('editor');
    box.textContent = '';
    var keyText = m.primaryKey.map(function (k) { return cellText(row[k]); }).join(', ');
    var inputs = {};
    var editable = m.fields.filter(function (f) { return !f.readOnly; });
    var message = h('div', { id: 'edit-message' });
    var form = h('form', { class: 'editor', 'aria-labelledby': 'edit-title', novalidate: true, onsubmit: function (e) {
      e.preventDefault();
      var data = {};
      editable.forEach(function (f) { if (inputs[f.name].value !== cellText(row[f.name])) data[f.name] = inputs[f.name].value; });
      var key = {};
      m.primaryKey.forEach(function (k) { key[k] = row[k]; });
      message.textContent = '';
      api('/api/rows/update', { model: m.key, key: key, data: data }).then(function (r) {
        var done = h('p', { class: 'ok', role: 'status', text: 'Saved ' + m.name + ' ' + keyText + '.' });
        box.textContent = '';
        add(box, done);
        loadRows(m.key, limit).then(function () { announce('Saved ' + m.name + ' ' + keyText); });
        return r;
      }, function (e) {
        var info = e.info || { name: 'Error', message: e.message };
        add(message, h('p', { class: 'error', role: 'alert' }, h('strong', { text: info.name + ': ' }), info.message));
        var bad = info.path && info.path.split('.').pop();
        if (bad && inputs[bad]) { inputs[bad].setAttribute('aria-invalid', 'true'); inputs[bad].setAttribute('aria-describedby', 'edit-message'); inputs[bad].focus(); }
      });
    } },
      h('h3', { id: 'edit-title', tabindex: '-1', text: 'Edit ' + m.name + ' ' + keyText }),
      editable.map(function (f) {
        var id = 'edit-' + f.name;
        inputs[f.name] = h('input', { id: id, name: f.name, value: cellText(row[f.name]), 'aria-describedby': id + '-hint' });
        return h('div', { class: 'field' }, h('label', { for: id, text: f.name }), inputs[f.name],
          h('span', { id: id + '-hint', class: 'hint', text: f.type + (f.nullable ? ', empty for null' : '') }));
      }),
      message,
      h('div', { class: 'buttons' }, h('button', { type: 'submit', text: 'Save' }), h('button', { type: 'button', text: 'Cancel', onclick: function () { box.textContent = ''; } })));
    add(box, form);
    form.querySelector('h3').focus();
  }

  // ---- Capability map -----------------------------------------------------
  function badge(sev, text) { return h('span', { class: 'badge ' + sev, text: text }); }
  function diagList(findings) {
    if (!findings.length) return null;
    return h('ul', { class: 'diags' }, findings.map(function (f) {
      return h('li', { class: f.severity }, badge(f.severity, f.severity === 'error' ? '✖ error' : '! warning'), ' ', h('code', { text: f.code }), ': ' + f.message,
        f.fix ? h('div', { class: 'fix' }, h('span', { class: 'label', text: 'fix: ' }), f.fix) : null);
    }));
  }
  function siteArticle(s, targets) {
    var r = s.report;
    var title = r.kind === 'query' ? (r.model || '?') + '.' + r.method : 'db.' + r.method;
    var general = s.findings.filter(function (f) { return f.target === null; });
    var perTarget = targets.map(function (t) {
      var own = s.findings.filter(function (f) { return f.target === t; });
      var plan = s.plans.filter(function (p) { return p.target === t; })[0];
      var errors = own.filter(function (f) { return f.severity === 'error'; }).length;
      var status = errors ? badge('error', '✖ ' + plural(errors, 'error')) : own.length ? badge('warning', '! ' + plural(own.length, 'warning')) : general.length && !plan ? badge('muted', 'not planned') : badge('ok', '✔ runs well');
      return h('section', { class: 'target', 'aria-label': t + ' plan of ' + title },
        h('h4', null, t + ' ', status),
        plan && plan.operations.length ? h('ol', { class: 'ops' }, plan.operations.map(function (op) { return h('li', null, h('code', { text: op })); })) : null,
        plan && plan.error ? h('p', { class: 'error', text: plan.error }) : null,
        diagList(own));
    });
    var worst = s.findings.some(function (f) { return f.severity === 'error'; }) ? 'error' : s.findings.length ? 'warning' : 'ok';
    return h('article', { class: 'site ' + worst, id: s.id, 'data-severity': worst, 'aria-labelledby': s.id + '-title' },
      h('h3', { id: s.id + '-title', tabindex: '-1' }, h('code', { text: r.file + ':' + r.line }), ' ' + title, r.source === 'recorded' ? h('span', { class: 'tag', text: 'recorded' }) : null),
      r.approximate.length ? h('p', { class: 'muted', text: 'Stood in for: ' + r.approximate.join('; ') + ' (these cannot change the plan).' }) : null,
      diagList(general),
      h('div', { class: 'targets' }, perTarget),
      s.suppressed.length ? h('ul', { class: 'suppressed' }, s.suppressed.map(function (f) { return h('li', null, 'suppressed on ' + (f.target || 'every target') + ': ', h('code', { text: f.code }), ' — ' + (f.reason || 'no reason given')); })) : null);
  }
  function renderCapabilities() {
    var title = view('Capability map', 'Every query site quern lint finds, planned for each target: the plan, what a target cannot do well, and the fix.');
    loading('the capability map (planning every query site)');
    focusView(title);
    var go = function (c) {
      if (route().name !== 'capabilities') return;
      var status = main.querySelector('[role=status]');
      if (status) status.remove();
      add(main, h('p', { id: 'cap-summary', class: 'summary' },
        plural(c.sites.length, 'query site') + ' in ' + plural(c.files, 'file') + ' · ', badge('error', plural(c.errorCount, 'error')), ' ', badge('warning', plural(c.warningCount, 'warning')), ' · targets: ' + c.targets.join(', ') +
        (c.recorded.entries ? ' · ' + plural(c.recorded.distinct, 'recorded shape') + ' beyond the source' : '')));
      if (c.missingIndexes.length) {
        add(main, h('section', { 'aria-labelledby': 'fix-idx' }, h('h3', { id: 'fix-idx', text: 'Indexes that would fix errors' }),
          h('table', { id: 'missing-indexes' }, h('caption', { text: 'Declare these in the schema, then generate a migration' }),
            h('thead', null, h('tr', null, h('th', { scope: 'col', text: 'Declaration' }), h('th', { scope: 'col', text: 'Targets' }), h('th', { scope: 'col', text: 'Query sites fixed' }))),
            h('tbody', null, c.missingIndexes.map(function (m) { return h('tr', null, h('td', null, h('code', { text: m.declaration })), h('td', { text: m.targets.join(', ') }), h('td', { text: String(m.queries) })); })))));
      }
      var filter = h('select', { id: 'cap-filter', onchange: function () { apply(); } },
        h('option', { value: 'all', text: 'every site' }), h('option', { value: 'error', text: 'sites with errors' }), h('option', { value: 'warning', text: 'sites with warnings' }), h('option', { value: 'ok', text: 'sites that run well' }));
      var count = h('span', { id: 'cap-count', role: 'status' });
      add(main, h('form', { class: 'controls', 'aria-label': 'Filter query sites', onsubmit: function (e) { e.preventDefault(); } }, h('label', { for: 'cap-filter', text: 'Show' }), filter, count));
      var list = h('div', { id: 'sites' }, c.sites.map(function (s) { return siteArticle(s, c.targets); }));
      add(main, list);
      function apply() {
        var shown = 0;
        Array.prototype.forEach.call(list.children, function (a) { var on = filter.value === 'all' || a.getAttribute('data-severity') === filter.value; a.hidden = !on; if (on) shown++; });
        count.textContent = plural(shown, 'site') + ' shown';
      }
      apply();
      if (c.otherFindings.length) add(main, h('section', { 'aria-labelledby': 'other-f' }, h('h3', { id: 'other-f', text: 'Schema and comment findings' }),
        h('ul', { class: 'diags' }, c.otherFindings.map(function (f) { return h('li', { class: f.severity }, h('code', { text: f.file + ':' + f.line }), ' ', f.target ? '[' + f.target + '] ' : '', badge(f.severity, f.severity), ' ', h('code', { text: f.code }), ': ' + f.message, f.fix ? h('div', { class: 'fix', text: 'fix: ' + f.fix }) : null); }))));
      var sub = location.hash.split('/')[2];
      var target = sub && document.getElementById(sub);
      if (target) target.querySelector('h3').focus();
    };
    if (state.caps) return go(state.caps);
    api('/api/capabilities').then(function (c) { state.caps = c; go(c); }, failed);
  }

  // ---- Query stats --------------------------------------------------------
  function fmt(n, digits) { return n === null || n === undefined ? '—' : Number(n).toFixed(digits); }
  function renderStats() {
    var title = view('Query stats', 'Live figures from the shapes file the app records (createClient({ recordShapes }) or QUERN_RECORD), re-read every 5 seconds.');
    var box = h('div', { id: 'stats' });
    add(main, h('p', null, h('button', { type: 'button', id: 'stats-refresh', text: 'Refresh now', onclick: function () { load(); } })));
    add(main, box);
    focusView(title);
    function load() {
      return api('/api/stats').then(function (s) {
        box.textContent = '';
        if (!s.file) { add(box, h('p', null, 'No shapes file. Start the app with ', h('code', { text: 'recordShapes: { file }' }), ' (or QUERN_RECORD=file) and the studio with ', h('code', { text: 'quern studio --shapes file' }), '.')); return; }
        if (!s.exists) { add(box, h('p', null, 'Waiting for ', h('code', { text: s.file }), ': the app has not recorded a query yet.')); return; }
        add(box, h('p', { class: 'muted', text: plural(s.lines, 'recorded query', 'recorded queries') + ' in ' + s.file + (s.skipped ? ' (' + s.skipped + ' unreadable lines skipped)' : '') }));
        add(box, h('div', { class: 'scroll', tabindex: '0', role: 'region', 'aria-label': 'Query stats table' }, h('table', { id: 'stats-table' },
          h('caption', { text: 'Queries by call site and shape, most frequent first' }),
          h('thead', null, h('tr', null, ['Site', 'Query', 'Count', 'Avg ms', 'Max ms', 'Requests', 'Rows', 'Outcomes', 'Diagnostics'].map(function (c) { return h('th', { scope: 'col', text: c }); }))),
          h('tbody', null, s.shapes.map(function (x) {
            var outcomes = Object.keys(x.outcomes).map(function (k) { return k + ' ×' + x.outcomes[k]; }).join(', ');
            var diags = x.diagnostics.map(function (d) { return d.target + ': ' + (d.error ? 'cannot plan' : d.codes.length ? d.codes.join(', ') : '✔'); }).join(' · ');
            return h('tr', null, h('th', { scope: 'row' }, h('code', { text: x.site || '(no site)' })), h('td', { text: x.modelName + '.' + x.method }), h('td', { class: 'num', text: String(x.count) }),
              h('td', { class: 'num', text: fmt(x.avgMs, 2) }), h('td', { class: 'num', text: fmt(x.maxMs, 2) }), h('td', { class: 'num', text: fmt(x.requests, 0) }), h('td', { class: 'num', text: fmt(x.rows, 0) }),
              h('td', { text: outcomes }), h('td', { text: diags }));
          })))));
      }, function (e) { box.textContent = ''; add(box, h('p', { class: 'error', role: 'alert', text: 'Could not read stats: ' + e.message })); });
    }
    load();
    state.statsTimer = setInterval(load, 5000);
  }

  // ---- Routing ------------------------------------------------------------
  var ROUTES = { models: renderModels, data: renderData, capabilities: renderCapabilities, stats: renderStats };
  function route() {
    var parts = location.hash.replace(/^#\/?/, '').split('/');
    var name = ROUTES[parts[0]] ? parts[0] : 'models';
    return { name: name, arg: parts[1] ? decodeURIComponent(parts[1]) : null };
  }
  function render() {
    if (state.statsTimer) { clearInterval(state.statsTimer); state.statsTimer = null; }
    var r = route();
    Array.prototype.forEach.call(document.querySelectorAll('#sections a'), function (a) {
      if (a.getAttribute('href') === '#/' + r.name) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
    });
    document.title = document.querySelector('#sections a[aria-current]').textContent + ' · quern studio';
    if (r.name === 'data') renderData(r.arg); else ROUTES[r.name]();
  }
  window.addEventListener('hashchange', function () { state.navigated = true; render(); });
  api('/api/overview').then(function (o) {
    state.overview = o;
    document.getElementById('project').textContent = o.project + ' · targets ' + o.targets.join(', ') + (o.data ? ' · data: ' + o.data.target : '') + (o.allowWrites ? ' · editing on' : ' · read-only');
    render();
  }, failed);
})();
`;
