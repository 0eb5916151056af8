/**
 * The demo page's behaviour (browser JavaScript, as text): polls `/_ui/state`, keeps the channel
 * log up to date without rebuilding unchanged messages, and acts as the selected user through the
 * composer, message buttons (with Slack-like in-page confirm dialogs) and view modals.
 */
import { BLOCKS_SCRIPT } from './blocks-script';
import { MESSAGES_SCRIPT } from './script-messages';
import { VIEWS_SCRIPT } from './script-views';

/** The page's state, requests, status line and confirm dialog; the other parts use these. */
const APP_SCRIPT = String.raw`
  var state = null, lastJson = '', cacheKey = '', cache = {}, collapsed = {};
  var qs = new URLSearchParams(location.search);
  var channelId = qs.get('channel') || '', userId = qs.get('user') || '';
  var sent = [], recall = -1, confirmOpen = false, modalInputs = {}, modalClose = null, modalFocus = null, asked = 0, cancelConfirm = null;
  var COLORS = ['#1264a3', '#2eb67d', '#e01e5a', '#de8c00', '#0b7a75', '#b5472a', '#5a6acf', '#c4387f'];

  // Slack timestamps ("1712345678.000100") in order, without float rounding.
  function tsCmp(a, b) {
    var x = String(a).split('.'), y = String(b).split('.');
    return (Number(x[0]) - Number(y[0])) || ((x[1] || '') + '000000').slice(0, 6).localeCompare(((y[1] || '') + '000000').slice(0, 6));
  }
  function $(id) { return document.getElementById(id); }
  function nameOf(id) { return (state && state.names && state.names[id]) || id || 'unknown'; }
  function isBot(m) { return Boolean(m.isBot || (state && state.bot && m.user === state.bot.userId)); }
  function post(path, body) {
    return fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
      .then(function (r) { return r.json(); });
  }
  function setStatus(text, error) {
    var s = $('status');
    s.textContent = text;
    s.className = error ? 'error' : '';
  }
  // Each request numbers its "sending..." line; an older request's answer never overwrites a newer one.
  function ask(text) { setStatus(text); return ++asked; }
  function answer(r, what, n) {
    if (n !== asked) return;
    if (r.error) setStatus(r.error, true);
    else if (r.slackError) setStatus(what + ' failed: ' + r.slackError, true);
    else setStatus(what + ' acknowledged in ' + r.elapsedMs + ' ms');
  }
  function failed(e) { setStatus('cannot reach the stand-in: ' + e, true); }
  function when(ts) { return new Date(Number(String(ts).split('.')[0]) * 1000); }
  function clock(ts) { return when(ts).toLocaleTimeString([], { hour: 'numeric', minute: '2-digit' }); }
  function dayOf(ts) {
    var d = when(ts), today = new Date(), yesterday = new Date(today.getTime() - 86400000);
    if (d.toDateString() === today.toDateString()) return 'Today';
    if (d.toDateString() === yesterday.toDateString()) return 'Yesterday';
    return d.toLocaleDateString([], { weekday: 'long', month: 'long', day: 'numeric' });
  }
  function avatar(id, cls) {
    var name = nameOf(id), h = 0;
    for (var i = 0; i < String(id).length; i++) h = (h * 31 + String(id).charCodeAt(i)) % 997;
    var a = el('div', 'avatar' + (cls ? ' ' + cls : ''));
    a.setAttribute('data-initial', name.charAt(0).toUpperCase());
    a.style.background = COLORS[h % COLORS.length];
    a.setAttribute('aria-hidden', 'true');
    return a;
  }

  // Confirm dialog: the in-page copy of Slack's, for buttons that carry "confirm".
  function act(b, ctx) {
    var label = plain(b.text) || b.action_id, n = ask('sending ' + label + '...');
    post('/_ui/action', { userId: userId, channelId: channelId, messageTs: ctx.ts, actionId: b.action_id, blockId: ctx.blockId || '' })
      .then(function (r) { answer(r, label, n); poll(); }, failed);
  }
  function closeConfirm(opener) {
    var box = $('confirm');
    box.hidden = true;
    box.style.display = 'none';
    box.removeAttribute('role');
    box.textContent = '';
    confirmOpen = false;
    cancelConfirm = null;
    if (state) renderModal();
    if (opener && opener.focus) opener.focus();
  }
  function openConfirm(b, ctx, opener) {
    var c = b.confirm, box = $('confirm');
    var title = plain(c.title) || 'Are you sure?';
    box.textContent = '';
    box.setAttribute('role', 'dialog');
    box.setAttribute('aria-modal', 'true');
    box.setAttribute('aria-label', title);
    var card = el('div', 'dialog');
    var head = el('div', 'dhead');
    head.appendChild(el('h2', 'title', title));
    card.appendChild(head);
    var body = el('div', 'dbody');
    body.appendChild(textObj(c.text));
    card.appendChild(body);
    var foot = el('div', 'dfoot');
    var deny = el('button', 'btn big', plain(c.deny) || 'Cancel');
    deny.type = 'button';
    cancelConfirm = function () { closeConfirm(opener); ask('cancelled ' + (plain(b.text) || b.action_id)); };
    deny.addEventListener('click', cancelConfirm);
    var yes = el('button', 'btn big ' + (c.style === 'danger' ? 'danger' : 'primary'), plain(c.confirm) || 'Yes');
    yes.type = 'button';
    yes.addEventListener('click', function () { closeConfirm(opener); act(b, ctx); });
    foot.appendChild(deny);
    foot.appendChild(yes);
    card.appendChild(foot);
    box.appendChild(card);
    confirmOpen = true;
    renderModal();
    box.hidden = false;
    box.style.display = 'flex';
    if (yes.focus) yes.focus();
  }
  function onButton(b, ctx) {
    var btn = el('button', 'btn' + (b.style ? ' ' + b.style : ''), plain(b.text) || b.action_id);
    btn.type = 'button';
    btn.addEventListener('click', function () {
      if (b.url && /^https?:\/\//i.test(b.url)) window.open(b.url, '_blank', 'noopener');
      if (b.confirm) openConfirm(b, ctx, btn);
      else act(b, ctx);
    });
    return btn;
  }

`;

/** The switcher, focus handling and the startup, run after the functions above are defined. */
const START_SCRIPT = String.raw`  // Quick switch: one button per person, the current one pressed; the select stays the main control.
  function renderPeople() {
    var box = $('people'), me = state.user ? state.user.id : '';
    var sig = me + '|' + JSON.stringify(state.users);
    if (box.getAttribute('data-sig') === sig) return;
    box.setAttribute('data-sig', sig);
    box.textContent = '';
    state.users.forEach(function (u) {
      var name = u.displayName || u.name;
      var b = el('button', 'person' + (u.id === me ? ' active' : ''));
      b.type = 'button';
      b.setAttribute('aria-pressed', u.id === me ? 'true' : 'false');
      b.setAttribute('aria-label', 'Act as ' + name + (u.title ? ' (' + u.title + ')' : ''));
      b.title = u.title || name;
      b.appendChild(avatar(u.id, 'mini'));
      var label = el('span', 'pname', name);
      b.appendChild(label);
      if (u.title) b.appendChild(el('span', 'phint', u.title));
      b.addEventListener('click', function () { switchUser(u.id); });
      box.appendChild(b);
    });
  }
  function switchUser(id) {
    if (id === userId) return;
    userId = id;
    lastJson = '';
    syncUrl();
    poll();
  }
  function renderHead() {
    var head = $('head');
    head.textContent = '';
    if (!state.channel) return;
    head.appendChild(el('span', 'name', '# ' + state.channel.name));
    if (state.channel.topic) head.appendChild(el('span', 'topic', state.channel.topic));
    var here = state.channels.filter(function (c) { return c.id === state.channel.id; })[0];
    if (here && !here.botIsMember) head.appendChild(el('span', 'note', nameOf(state.bot && state.bot.userId) + ' is not in this channel'));
    document.title = '#' + state.channel.name + ' — ' + ((state.team && state.team.name) || 'patchbot demo');
    $('input').placeholder = 'Message #' + state.channel.name + ' — try /patch help';
  }
  function render() {
    renderSide();
    renderHead();
    renderLog();
    renderModal();
  }

  function syncUrl() {
    history.replaceState(null, '', '?' + new URLSearchParams({ channel: channelId, user: userId }).toString());
  }
  function poll() {
    var q = new URLSearchParams({ channel: channelId, user: userId });
    return fetch('/_ui/state?' + q.toString(), { cache: 'no-store' })
      .then(function (r) { return r.text(); })
      .then(function (text) {
        if (text === lastJson) return;
        lastJson = text;
        state = JSON.parse(text);
        if (state.channel) channelId = state.channel.id;
        if (state.user) userId = state.user.id;
        render();
      })
      .catch(failed);
  }

  // Tab stays inside an open dialog, as in Slack.
  function trapTab(ev, box) {
    if (ev.key !== 'Tab' || !box.querySelectorAll) return;
    var f = [].filter.call(box.querySelectorAll('button, input, textarea, select, a[href]'), function (n) { return !n.disabled; });
    if (!f.length) return;
    var first = f[0], last = f[f.length - 1];
    if (ev.shiftKey && document.activeElement === first) { last.focus(); ev.preventDefault(); }
    else if (!ev.shiftKey && document.activeElement === last) { first.focus(); ev.preventDefault(); }
  }
  $('users').addEventListener('change', function (ev) { switchUser(ev.target.value); });
  $('confirm').addEventListener('keydown', function (ev) { if (ev.key === 'Escape' && cancelConfirm) cancelConfirm(); else trapTab(ev, $('confirm')); });
  $('confirm').addEventListener('click', function (ev) { if (ev.target === $('confirm') && cancelConfirm) cancelConfirm(); });
  $('modal').addEventListener('keydown', function (ev) { if (ev.key === 'Escape' && modalClose) modalClose(); else trapTab(ev, $('modal')); });
  $('input').addEventListener('keydown', function (ev) {
    var input = $('input');
    if (ev.key === 'ArrowUp' && sent.length && (input.value === '' || input.value === sent[recall])) {
      recall = recall < 0 ? sent.length - 1 : Math.max(0, recall - 1);
      input.value = sent[recall];
      if (ev.preventDefault) ev.preventDefault();
    } else if (ev.key === 'ArrowDown' && recall >= 0 && input.value === sent[recall]) {
      recall = recall + 1 < sent.length ? recall + 1 : -1;
      input.value = recall < 0 ? '' : sent[recall];
      if (ev.preventDefault) ev.preventDefault();
    }
  });
  $('composer-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var input = $('input');
    var text = input.value.trim();
    if (!text) return;
    if (text.charAt(0) !== '/') text = '/patch ' + text;
    input.value = '';
    if (sent[sent.length - 1] !== text) sent.push(text);
    recall = -1;
    var n = ask('sending ' + text + '...');
    post('/_ui/command', { userId: userId, channelId: channelId, text: text })
      .then(function (r) { answer(r, text, n); poll(); }, failed);
  });
  poll();
  setInterval(poll, 1000);
`;

/** The page's whole script: the Block Kit renderer and the behaviour in one strict closure. */
export const SCRIPT = `(function () {\n  'use strict';${BLOCKS_SCRIPT}${APP_SCRIPT}${MESSAGES_SCRIPT}${VIEWS_SCRIPT}${START_SCRIPT}})();\n`;
