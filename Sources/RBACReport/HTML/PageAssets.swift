// rolecall — SPDX-License-Identifier: Apache-2.0

/// The report page's style sheet and script, inline in every page: the page must open from a file on a machine
/// without network access, so it refers to nothing outside itself (no font, framework or CDN).
enum PageAssets {
  static let css = """
    :root { --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --bg: #ffffff; --soft: #f6f8fa; --bad: #cf222e;
      --warn: #9a6700; --accent: #0969da; --mono: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; }
    * { box-sizing: border-box; }
    body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
      color: var(--fg); background: var(--bg); }
    header { padding: 16px 24px 8px; border-bottom: 1px solid var(--line); background: var(--soft); }
    header h1 { margin: 0; font-size: 20px; }
    header .snapshot { font-family: var(--mono); font-weight: normal; color: var(--accent); }
    header nav a { margin-right: 14px; color: var(--accent); text-decoration: none; }
    main { padding: 0 24px 32px; max-width: 1400px; }
    section { margin-top: 22px; }
    h2 { font-size: 17px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
    h3 { font-size: 15px; margin: 18px 0 6px; }
    h4 { font-size: 13px; margin: 10px 0 4px; }
    code, pre, .graph text { font-family: var(--mono); font-size: 12px; }
    code { background: var(--soft); padding: 0 3px; border-radius: 3px; overflow-wrap: break-word; }
    pre { background: var(--soft); padding: 8px 10px; border-radius: 6px; overflow-x: auto; white-space: pre-wrap; }
    .meta { color: var(--muted); margin: 4px 0; }
    .cut { color: var(--warn); }
    .bad { color: var(--bad); }
    .cards { display: flex; flex-wrap: wrap; gap: 10px; margin: 10px 0; }
    .cards { flex-wrap: nowrap; overflow-x: auto; }
    .card { border: 1px solid var(--line); border-radius: 8px; padding: 6px 10px; flex: 1 1 0; min-width: 105px; }
    .card .n { display: block; font-size: 20px; font-weight: 600; }
    .card .l { color: var(--muted); font-size: 12px; }
    .card.bad .n { color: var(--bad); }
    .card.warn .n { color: var(--warn); }
    table { border-collapse: collapse; width: 100%; margin: 6px 0; }
    th, td { text-align: left; vertical-align: top; padding: 4px 8px; border-bottom: 1px solid var(--line); }
    th { background: var(--soft); font-weight: 600; }
    table.kv { width: auto; }
    table.kv th { background: none; color: var(--muted); font-weight: normal; }
    td.num { text-align: right; font-variant-numeric: tabular-nums; }
    tr.row > td:last-child, tr.row > td:nth-child(4) { white-space: nowrap; }
    tr.row { cursor: pointer; }
    tr.row:hover, tr.row:focus { background: #eef4fd; outline: none; }
    tr.row.open { background: #ddeafc; }
    tr.detail > td { background: #fbfcfd; padding: 6px 16px 12px; }
    tr.gain td:nth-child(2) code { color: #1a7f37; }
    tr.loss td:nth-child(2) code { color: var(--bad); }
    .filters { display: flex; flex-wrap: wrap; gap: 12px; margin: 8px 0; }
    .filters label { color: var(--muted); }
    .count { color: var(--muted); margin: 4px 0; }
    .pager button, .detail button { font: inherit; padding: 2px 10px; }
    ol.top li, ul.warnings li { margin: 2px 0; }
    .scroll { overflow-x: auto; border: 1px solid var(--line); border-radius: 6px; padding: 6px; }
    .target-paths { margin-bottom: 14px; }
    .drawing { position: relative; }
    .drawing.fit svg.graph { max-width: 100%; height: auto; }
    .drawing .zoom { position: absolute; right: 6px; top: 6px; font-size: 11px; z-index: 1; }
    .graph .node rect { fill: #ffffff; stroke: #8c959f; stroke-width: 1.2; }
    .graph .node text { fill: var(--fg); }
    .graph .node.source rect { stroke: var(--accent); stroke-width: 2; }
    .graph .node.target rect { fill: #ffebe9; stroke: var(--bad); stroke-width: 2; }
    .graph .node.hub rect { fill: var(--soft); stroke-dasharray: 4 3; }
    .graph .node.collapsed rect { fill: #fff8c5; stroke: var(--warn); }
    .graph .edge .line { fill: none; stroke: #6e7781; stroke-width: 1.4; }
    #rc-arrow path { fill: #6e7781; }
    .graph .edge .hit { fill: none; stroke: transparent; stroke-width: 12; }
    .graph .edge text { fill: #57606a; font-size: 11px; paint-order: stroke; stroke: #ffffff; stroke-width: 3px; }
    .graph .edge:hover .line, .graph .edge.selected .line { stroke: var(--accent); stroke-width: 2.4; }
    .graph .node.selected rect { stroke: var(--accent); stroke-width: 2.4; }
    .graph g { cursor: pointer; outline: none; }
    #rc-path-select { max-width: 60ch; }
    pre.evidence { border-left: 3px solid var(--accent); }
    """

  /// The table (filters, sorting, pages, rows that open) and the drawings' evidence on click. It builds every
  /// element with `textContent`, never from markup, so that no name in the data can become markup; errors are
  /// recorded on `<body data-errors>` and a finished start sets `<body data-ready="1">`, which the browser test reads.
  static let script = """
    (function () {
      'use strict';
      var errors = [];
      function record(message) {
        errors.push(String(message));
        document.body.dataset.errors = errors.join(' | ');
      }
      window.addEventListener('error', function (e) { record(e.message || 'error'); });
      window.addEventListener('unhandledrejection', function (e) {
        var r = e.reason;
        record('unhandled rejection: ' + (r && r.message ? r.message : r));
      });

      var data, rows, filtered = [], page = 0, open = {};
      var pageSize = 100;
      function $(id) { return document.getElementById(id); }
      function el(tag, cls, text) {
        var e = document.createElement(tag);
        if (cls) e.className = cls;
        if (text !== undefined && text !== null) e.textContent = text;
        return e;
      }
      function fmt(n) { return n.toLocaleString('en-US'); }
      function codeIn(parent, text) { parent.appendChild(el('code', null, text)); return parent; }

      function hasTag(r, tag) {
        if (!tag) return true;
        if (tag === 'workload') return r.wn > 0;
        var isDefault = r.t.indexOf('kubernetes-default') >= 0;
        var isProvider = r.t.some(function (t) { return t.indexOf('provider:') === 0; });
        if (tag === 'kubernetes-default') return isDefault;
        if (tag === 'provider') return isProvider;
        return !isDefault && !isProvider;
      }

      var sorters = {
        rank: function (a, b) { return a.r - b.r; },
        score: function (a, b) { return b.s - a.s || a.r - b.r; },
        steps: function (a, b) {
          var x = a.d === undefined ? 1e9 : a.d, y = b.d === undefined ? 1e9 : b.d;
          return x - y || a.r - b.r;
        },
        name: function (a, b) { return a.i < b.i ? -1 : a.i > b.i ? 1 : 0; },
        workloads: function (a, b) { return b.wn - a.wn || a.r - b.r; }
      };

      function applyFilters() {
        var kind = $('rc-kind').value, ns = $('rc-ns').value.trim(), tag = $('rc-tag').value;
        var text = $('rc-text').value.trim().toLowerCase();
        filtered = rows.filter(function (r) {
          return (!kind || r.k === kind) && (!ns || r.n === ns) && hasTag(r, tag) &&
            (!text || r.i.toLowerCase().indexOf(text) >= 0);
        });
        filtered.sort(sorters[$('rc-sort').value] || sorters.rank);
        page = 0;
        draw();
      }

      function draw() {
        var body = $('rc-rows');
        body.textContent = '';
        var pages = Math.max(1, Math.ceil(filtered.length / pageSize));
        if (page >= pages) page = pages - 1;
        var start = page * pageSize, end = Math.min(filtered.length, start + pageSize);
        for (var i = start; i < end; i++) {
          var r = filtered[i];
          var tr = rowElement(r);
          body.appendChild(tr);
          if (open[r.i]) { tr.classList.add('open'); body.appendChild(detailElement(r)); }
        }
        var text = filtered.length === 0 ? 'No identity matches.' :
          'Showing ' + fmt(start + 1) + '–' + fmt(end) + ' of ' + fmt(filtered.length) + ' identities';
        if (filtered.length !== rows.length) text += ' (filtered from ' + fmt(rows.length) + ')';
        if (data.rowsTotal > rows.length) {
          text += '; the table holds the ' + fmt(rows.length) + ' highest-scoring of ' + fmt(data.rowsTotal);
        }
        $('rc-count').textContent = text + '.';
        $('rc-page').textContent = 'page ' + (page + 1) + ' of ' + pages;
        $('rc-prev').disabled = page === 0;
        $('rc-next').disabled = page >= pages - 1;
      }

      function rowElement(r) {
        var tr = el('tr', 'row');
        tr.tabIndex = 0;
        tr.dataset.identity = r.i;
        tr.appendChild(el('td', 'num', String(r.r)));
        tr.appendChild(codeIn(el('td'), r.i));
        tr.appendChild(el('td', 'num', String(r.s)));
        tr.appendChild(el('td', r.d === 1 ? 'bad' : '', r.d === undefined ? '-' : r.d + ' step(s)'));
        tr.appendChild(el('td', null, r.f.map(function (f) {
          return data.findings[f[0]][0] + (f[2] ? ' (accepted)' : '');
        }).join(', ')));
        tr.appendChild(el('td', 'num', r.wn ? fmt(r.wn) + (r.e ? ' (every node)' : '') : ''));
        tr.appendChild(el('td', null, r.t.join(', ')));
        function toggle() {
          if (open[r.i]) {
            delete open[r.i];
            tr.classList.remove('open');
            if (tr.nextSibling && tr.nextSibling.classList.contains('detail')) tr.parentNode.removeChild(tr.nextSibling);
          } else {
            open[r.i] = true;
            tr.classList.add('open');
            tr.parentNode.insertBefore(detailElement(r), tr.nextSibling);
          }
        }
        tr.addEventListener('click', toggle);
        tr.addEventListener('keydown', function (e) { if (e.key === 'Enter') toggle(); });
        return tr;
      }

      function detailElement(r) {
        var tr = el('tr', 'detail');
        var td = el('td');
        td.colSpan = 7;
        tr.appendChild(td);
        td.appendChild(el('h4', null, 'Findings'));
        var ul = el('ul');
        r.f.forEach(function (f) {
          var li = el('li');
          li.appendChild(el('strong', null, data.findings[f[0]][0]));
          li.appendChild(document.createTextNode(': ' + data.findings[f[0]][1] + (f[2] ? ' (accepted by the baseline)' : '')));
          var evidence = data.strings[f[1]];
          if (evidence) { li.appendChild(el('br')); codeIn(li, evidence); }
          ul.appendChild(li);
        });
        td.appendChild(ul);
        if (r.fs !== undefined) {
          var first = el('p', null, 'First step to cluster-admin: ');
          td.appendChild(codeIn(first, data.strings[r.fs]));
        }
        if (r.wn) {
          td.appendChild(el('h4', null, 'Workloads running as it (' + fmt(r.wn) + ')' + (r.e ? ', one on every node' : '')));
          var wl = el('ul');
          r.w.forEach(function (w) { wl.appendChild(codeIn(el('li'), w)); });
          if (r.wn > r.w.length) wl.appendChild(el('li', 'cut', (r.wn - r.w.length) + ' more not listed'));
          td.appendChild(wl);
        }
        td.appendChild(el('h4', null, 'Permissions'));
        if (r.x === undefined) {
          var p = el('p', 'cut', 'Worked out ahead only for the first ' + data.detailLimit +
            ' identities of the table (the first of each kind in turn); ');
          if (r.k !== 'aws') codeIn(p, 'rolecall perms ' + r.i + ' -o wide');
          p.appendChild(document.createTextNode(r.k !== 'aws' ? ' lists them, ' : ''));
          codeIn(p, 'rolecall paths --from ' + r.i);
          p.appendChild(document.createTextNode(' its paths.'));
          td.appendChild(p);
        } else {
          td.appendChild(permissions(data.details[r.x], r));
          var button = el('button', null, 'Show its escalation paths');
          button.type = 'button';
          button.addEventListener('click', function (e) {
            e.stopPropagation();
            showPaths(r.x);
            $('paths').scrollIntoView();
          });
          td.appendChild(button);
        }
        tr.addEventListener('click', function (e) { e.stopPropagation(); });
        return tr;
      }

      function permissions(d, r) {
        var box = el('div');
        if (d.u) box.appendChild(el('p', 'bad', r.i + ' is in system:masters: the API server allows it everything, whatever RBAC grants below.'));
        if (!d.p) {
          box.appendChild(el('p', null, 'An IAM identity holds nothing of its own: it acts as the users and groups aws-auth maps it to.'));
          return box;
        }
        if (d.p.length === 0) box.appendChild(el('p', null, 'No RBAC permissions.'));
        else {
          var table = el('table', 'perms');
          var head = el('tr');
          ['scope', 'resource', 'resource names', 'verbs', 'granted by'].forEach(function (h) { head.appendChild(el('th', null, h)); });
          table.appendChild(head);
          d.p.forEach(function (p) {
            var tr = el('tr');
            tr.appendChild(el('td', null, p.s));
            tr.appendChild(codeIn(el('td'), p.t));
            tr.appendChild(el('td', null, p.n.join(' ')));
            tr.appendChild(el('td', null, p.v.join(' ')));
            var by = el('td');
            p.g.forEach(function (g, i) {
              if (i > 0) by.appendChild(el('br'));
              codeIn(by, data.strings[g[0]]);
              by.appendChild(document.createTextNode(' '));
              codeIn(by, data.strings[g[1]]);
            });
            tr.appendChild(by);
            table.appendChild(tr);
          });
          box.appendChild(table);
        }
        if (d.pn > d.p.length) {
          var cut = el('p', 'cut', 'The first ' + fmt(d.p.length) + ' of ' + fmt(d.pn) + ' lines; ');
          codeIn(cut, 'rolecall perms ' + r.i + ' -o wide');
          cut.appendChild(document.createTextNode(' lists all.'));
          box.appendChild(cut);
        }
        d.notes.forEach(function (n) { box.appendChild(el('p', 'meta', 'note: ' + n)); });
        return box;
      }

      function showPaths(k) {
        var select = $('rc-path-select'), view = $('rc-path-view'), template = $('rc-paths-' + k);
        if (!select || !view || !template) return;
        select.value = String(k);
        view.textContent = '';
        view.appendChild(document.importNode(template.content, true));
        $('rc-evidence').hidden = true;
      }

      // A drawing shrunk to the page's width, or at its actual size.
      function onZoom(e) {
        var button = e.target.closest ? e.target.closest('button.zoom') : null;
        if (!button) return false;
        var fit = button.parentNode.classList.toggle('fit');
        button.textContent = fit ? 'actual size' : 'fit to width';
        return true;
      }

      // A click on an arrow or a box shows its title (the step and its evidence) under the drawing.
      function onGraphClick(e) {
        if (onZoom(e)) return;
        var g = e.target.closest ? e.target.closest('svg.graph g.edge, svg.graph g.node') : null;
        if (!g) return;
        var svg = g.closest('svg.graph');
        var panel = svg.closest('#paths') ? $('rc-evidence') : null;
        if (!panel) {
          var after = svg.parentNode.classList.contains('scroll') ? svg.parentNode : svg;
          panel = after.nextElementSibling;
          if (!panel || !panel.classList.contains('evidence')) {
            panel = el('pre', 'evidence');
            after.parentNode.insertBefore(panel, after.nextSibling);
          }
        }
        Array.prototype.forEach.call(document.querySelectorAll('svg.graph .selected'), function (s) { s.classList.remove('selected'); });
        g.classList.add('selected');
        var title = g.querySelector('title');
        panel.textContent = title ? title.textContent : '';
        panel.hidden = false;
      }

      function init() {
        data = JSON.parse($('rc-data').textContent);
        rows = data.rows;
        var seen = {};
        rows.forEach(function (r) { if (r.n) seen[r.n] = true; });
        var list = $('rc-namespaces');
        Object.keys(seen).sort().forEach(function (n) { var o = el('option'); o.value = n; list.appendChild(o); });
        ['rc-kind', 'rc-tag', 'rc-sort'].forEach(function (id) { $(id).addEventListener('change', applyFilters); });
        ['rc-ns', 'rc-text'].forEach(function (id) { $(id).addEventListener('input', applyFilters); });
        $('rc-prev').addEventListener('click', function () { page -= 1; draw(); });
        $('rc-next').addEventListener('click', function () { page += 1; draw(); });
        var select = $('rc-path-select');
        if (select) {
          select.addEventListener('change', function () { showPaths(Number(select.value)); });
          showPaths(0);
        }
        document.addEventListener('click', onGraphClick);
        document.addEventListener('keydown', function (e) {
          if (e.key === 'Enter' && e.target.closest && e.target.closest('svg.graph')) onGraphClick(e);
        });
        applyFilters();
      }

      try {
        init();
        document.body.dataset.ready = '1';
      } catch (e) {
        record(e && e.stack ? e.stack : e);
      }
    })();
    """
}
