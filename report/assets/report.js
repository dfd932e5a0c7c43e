(function () {
  'use strict';
  var d = document;
  var toolbar = d.getElementById('toolbar');
  if (!toolbar) { return; }
  toolbar.hidden = false;
  var checks = Array.prototype.slice.call(d.querySelectorAll('article.check'));
  var families = Array.prototype.slice.call(d.querySelectorAll('section.family'));
  var boxes = Array.prototype.slice.call(toolbar.querySelectorAll('input[name=verdict]'));
  var q = d.getElementById('q');
  var shown = d.getElementById('shown');
  var scale = d.getElementById('scale');

  function apply() {
    var on = {};
    boxes.forEach(function (b) { on[b.value] = b.checked; });
    var s = q.value.trim().toLowerCase();
    var n = 0;
    checks.forEach(function (c) {
      var v = c.getAttribute('data-verdict');
      var ok = (on[v] !== false) && (!s || c.getAttribute('data-search').indexOf(s) >= 0);
      c.hidden = !ok;
      if (ok) { n++; }
    });
    families.forEach(function (f) {
      f.hidden = !f.querySelector('article.check:not([hidden])');
    });
    shown.textContent = n + ' of ' + checks.length + ' shown';
  }
  boxes.forEach(function (b) { b.addEventListener('change', apply); });
  q.addEventListener('input', apply);

  function setScale(svg, mode) {
    var s = mode === 'auto' ? svg.getAttribute('data-auto') : mode;
    var suf = s === 'linear' ? 'lin' : 'log';
    svg.setAttribute('data-scale', s);
    Array.prototype.forEach.call(svg.querySelectorAll('[data-' + suf + ']'), function (el) {
      el.setAttribute(el.tagName === 'rect' ? 'x' : 'cx', el.getAttribute('data-' + suf));
    });
    Array.prototype.forEach.call(svg.querySelectorAll('line.wait'), function (el) {
      el.setAttribute('x1', el.getAttribute('data-x1-' + suf));
      el.setAttribute('x2', el.getAttribute('data-x2-' + suf));
    });
    Array.prototype.forEach.call(svg.querySelectorAll('text.wait-label'), function (el) {
      el.setAttribute('x', el.getAttribute('data-x-' + suf));
      el.classList.toggle('off', el.getAttribute('data-show-' + suf) !== 'true');
    });
  }
  scale.addEventListener('change', function () {
    Array.prototype.forEach.call(d.querySelectorAll('svg.tl'), function (svg) { setScale(svg, scale.value); });
  });

  function closePanels(scope) {
    Array.prototype.forEach.call(scope.querySelectorAll('.panel.open'), function (p) { p.classList.remove('open'); });
    Array.prototype.forEach.call(scope.querySelectorAll('a.mark.selected'), function (m) { m.classList.remove('selected'); });
  }
  function openPanel(id, focusPanel) {
    var p = d.getElementById(id);
    if (!p || !p.classList.contains('panel')) { return false; }
    var fig = p.closest('figure') || d;
    closePanels(fig);
    p.classList.add('open');
    var mark = fig.querySelector('a.mark[data-panel="' + id + '"]');
    if (mark) { mark.classList.add('selected'); }
    try { history.replaceState(null, '', '#' + id); } catch (e) { /* file:// may refuse */ }
    if (focusPanel) { p.focus({ preventScroll: false }); }
    return true;
  }
  d.addEventListener('click', function (e) {
    var t = e.target;
    var a = t.closest && t.closest('a[data-panel]');
    if (a) {
      if (openPanel(a.getAttribute('data-panel'), !a.classList.contains('mark'))) { e.preventDefault(); }
      return;
    }
    var c = t.closest && t.closest('a.close');
    if (c) {
      var panel = c.closest('.panel');
      var fig = panel.closest('figure');
      var mark = fig && fig.querySelector('a.mark[data-panel="' + panel.id + '"]');
      closePanels(fig || d);
      e.preventDefault();
      if (mark) { mark.focus(); }
    }
  });

  function visibleChecks() { return checks.filter(function (c) { return !c.hidden; }); }
  d.addEventListener('keydown', function (e) {
    var t = e.target;
    var typing = t && ((t.tagName === 'INPUT' && t.type !== 'checkbox') || t.tagName === 'SELECT' || t.tagName === 'TEXTAREA');
    if (e.key === 'Escape') {
      if (t === q) { q.value = ''; apply(); q.blur(); return; }
      var open = d.querySelector('.panel.open');
      if (open) {
        var fig = open.closest('figure');
        var mark = fig && fig.querySelector('a.mark[data-panel="' + open.id + '"]');
        closePanels(d);
        if (mark) { mark.focus(); }
      }
      return;
    }
    if (typing || e.altKey || e.ctrlKey || e.metaKey) { return; }
    if (e.key === '/') { e.preventDefault(); q.focus(); return; }
    if (e.key === 'j' || e.key === 'k') {
      var vis = visibleChecks();
      if (!vis.length) { return; }
      var cur = t.closest ? t.closest('article.check') : null;
      var i = vis.indexOf(cur);
      i = e.key === 'j' ? Math.min(i + 1, vis.length - 1) : Math.max(i - 1, 0);
      vis[i].focus();
      vis[i].scrollIntoView({ block: 'nearest' });
      e.preventDefault();
      return;
    }
    if ((e.key === 'ArrowRight' || e.key === 'ArrowLeft') && t.classList && t.classList.contains('mark')) {
      var marks = Array.prototype.slice.call(t.closest('svg').querySelectorAll('a.mark'));
      var k = marks.indexOf(t) + (e.key === 'ArrowRight' ? 1 : -1);
      if (k >= 0 && k < marks.length) {
        marks[k].focus();
        openPanel(marks[k].getAttribute('data-panel'), false);
      }
      e.preventDefault();
    }
  });

  if (location.hash.length > 1) { openPanel(decodeURIComponent(location.hash.slice(1)), false); }
  apply();
}());
