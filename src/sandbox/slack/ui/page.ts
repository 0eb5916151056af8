/**
 * The demo page: one self-contained HTML document (no external assets) that shows a channel as
 * the selected user sees it and acts as that user. The page embeds no workspace data: it polls
 * `/_ui/state` and builds every node with textContent, so nothing from a message is ever parsed
 * as HTML. mrkdwn gets the basics: *bold*, _italic_, ~strike~, `code`, ```blocks```, links,
 * mentions and quotes.
 */

const STYLE = `
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #1d1c1d; display: flex; height: 100vh; }
#side { width: 240px; background: #3f0e40; color: #e8dfe8; padding: 12px; display: flex; flex-direction: column; gap: 8px; }
#side h1 { font-size: 17px; margin: 4px 0 10px; color: #fff; }
#side label { font-size: 12px; opacity: .8; }
#side select { width: 100%; padding: 4px; }
.chan { padding: 4px 8px; border-radius: 6px; cursor: pointer; }
.chan.active { background: #1164a3; color: #fff; }
.chan .note { font-size: 11px; opacity: .7; }
#main { flex: 1; display: flex; flex-direction: column; min-width: 0; }
#head { padding: 10px 16px; border-bottom: 1px solid #ddd; font-weight: 700; }
#head .topic { font-weight: 400; color: #616061; font-size: 13px; margin-left: 8px; }
#log { flex: 1; overflow-y: auto; padding: 12px 16px; }
.msg { padding: 6px 8px; border-radius: 6px; margin-bottom: 6px; }
.msg:hover { background: #f8f8f8; }
.msg .who { font-weight: 700; margin-right: 6px; }
.msg .app { font-size: 10px; background: #ddd; border-radius: 3px; padding: 0 4px; margin-right: 6px; vertical-align: middle; }
.msg .meta { color: #616061; font-size: 12px; }
.msg.eph { background: #f4f8fc; border-left: 3px solid #1264a3; }
.eph-note { color: #616061; font-size: 12px; font-style: italic; }
.replies { margin-left: 28px; border-left: 2px solid #e0e0e0; padding-left: 10px; }
.block { margin: 4px 0; }
.header { font-size: 18px; font-weight: 800; }
.fields { display: grid; grid-template-columns: 1fr 1fr; gap: 4px 16px; }
.context { color: #616061; font-size: 13px; }
.divider { border: 0; border-top: 1px solid #ddd; margin: 8px 0; }
.actions { display: flex; gap: 8px; flex-wrap: wrap; }
button.btn { border: 1px solid #bbb; background: #fff; border-radius: 4px; padding: 4px 12px; font-weight: 700; cursor: pointer; }
button.btn.primary { background: #007a5a; border-color: #007a5a; color: #fff; }
button.btn.danger { background: #e01e5a; border-color: #e01e5a; color: #fff; }
code { background: #f3f3f3; border: 1px solid #ddd; border-radius: 3px; padding: 0 3px; font-size: 13px; }
pre { background: #f8f8f8; border: 1px solid #ddd; border-radius: 4px; padding: 8px; white-space: pre-wrap; font-size: 13px; }
blockquote { border-left: 4px solid #ddd; margin: 2px 0; padding-left: 8px; color: #444; }
.mention { background: #e8f5fa; color: #1264a3; border-radius: 3px; padding: 0 2px; }
#composer { border-top: 1px solid #ddd; padding: 10px 16px; }
#composer input { width: 100%; padding: 10px; font-size: 15px; border: 1px solid #bbb; border-radius: 8px; }
#status { color: #616061; font-size: 12px; min-height: 16px; margin-top: 4px; }
#modal { position: fixed; inset: 0; background: rgba(0,0,0,.45); display: none; align-items: center; justify-content: center; }
#modal .card { background: #fff; width: 520px; max-width: 92vw; border-radius: 8px; padding: 16px; }
#modal .title { font-size: 20px; font-weight: 800; margin-bottom: 8px; }
#modal textarea, #modal input { width: 100%; padding: 8px; border: 1px solid #bbb; border-radius: 4px; font: inherit; }
#modal .err { color: #e01e5a; font-size: 13px; }
#modal .buttons { display: flex; justify-content: flex-end; gap: 8px; margin-top: 12px; }
`;

const SCRIPT = String.raw`
(function () {
  'use strict';
  var state = null, lastJson = '', channelId = '', userId = '';
  var qs = new URLSearchParams(location.search);
  channelId = qs.get('channel') || '';
  userId = qs.get('user') || '';

  function el(tag, cls, text) {
    var n = document.createElement(tag);
    if (cls) n.className = cls;
    if (text !== undefined && text !== null) n.textContent = String(text);
    return n;
  }
  function nameOf(id) { return (state && state.names && state.names[id]) || id; }
  function decode(s) { return String(s).replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&'); }

  // Inline mrkdwn: *bold* _italic_ ~strike~ \`code\` <url|label> <@U..> <#C..|name> <!here>
  function inline(parent, text) {
    var re = /(\x60[^\x60\n]+\x60)|(\*[^*\n]+\*)|(_[^_\n]+_)|(~[^~\n]+~)|(<[^>\n]+>)/g, last = 0, m;
    while ((m = re.exec(text)) !== null) {
      if (m.index > last) parent.appendChild(document.createTextNode(decode(text.slice(last, m.index))));
      var t = m[0], inner = t.slice(1, -1);
      if (m[1]) parent.appendChild(el('code', '', decode(inner)));
      else if (m[2]) { var b = el('b'); inline(b, inner); parent.appendChild(b); }
      else if (m[3]) { var i = el('i'); inline(i, inner); parent.appendChild(i); }
      else if (m[4]) { var s = el('s'); inline(s, inner); parent.appendChild(s); }
      else {
        var parts = inner.split('|'), target = parts[0], label = parts.slice(1).join('|');
        if (target.charAt(0) === '@') parent.appendChild(el('span', 'mention', '@' + nameOf(target.slice(1))));
        else if (target.charAt(0) === '#') parent.appendChild(el('span', 'mention', '#' + (label || target.slice(1))));
        else if (target.charAt(0) === '!') {
          var special = target.slice(1).split('^')[0];
          if (special.indexOf('subteam') === 0) special = label || 'group';
          parent.appendChild(el('span', 'mention', '@' + (label && special !== label ? label : special)));
        }
        else if (/^(https?:|mailto:)/i.test(target)) {
          var a = el('a', '', decode(label || target)); a.href = decode(target); a.target = '_blank'; a.rel = 'noopener noreferrer';
          parent.appendChild(a);
        } else parent.appendChild(document.createTextNode(decode(t)));
      }
      last = re.lastIndex;
    }
    if (last < text.length) parent.appendChild(document.createTextNode(decode(text.slice(last))));
  }
  function mrkdwn(text) {
    var box = el('div');
    var chunks = String(text).split('\x60\x60\x60');
    chunks.forEach(function (chunk, idx) {
      if (idx % 2 === 1) { box.appendChild(el('pre', '', decode(chunk))); return; }
      chunk.split('\n').forEach(function (line, n, all) {
        if (/^&gt;\s?/.test(line) || /^>\s?/.test(line)) {
          var q = el('blockquote'); inline(q, line.replace(/^(&gt;|>)\s?/, '')); box.appendChild(q);
        } else {
          inline(box, line);
          if (n < all.length - 1) box.appendChild(el('br'));
        }
      });
    });
    return box;
  }
  function textObj(t) {
    if (!t) return el('span');
    return t.type === 'mrkdwn' ? mrkdwn(t.text || '') : el('span', '', t.text || '');
  }

  function post(path, body) {
    return fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
      .then(function (r) { return r.json(); });
  }
  function setStatus(text) { document.getElementById('status').textContent = text; }

  function button(b, msg, blockId) {
    var btn = el('button', 'btn' + (b.style ? ' ' + b.style : ''), (b.text && b.text.text) || b.action_id);
    btn.type = 'button';
    btn.addEventListener('click', function () {
      if (b.url) { window.open(b.url, '_blank', 'noopener'); }
      if (b.confirm) {
        var c = b.confirm;
        var question = ((c.title && c.title.text) || 'Are you sure?') + '\n\n' + ((c.text && c.text.text) || '');
        if (!window.confirm(question)) return;
      }
      setStatus('sending ' + b.action_id + '...');
      post('/_ui/action', { userId: userId, channelId: channelId, messageTs: msg.ts, actionId: b.action_id, blockId: blockId })
        .then(function (r) { setStatus(r.error ? r.error : (r.slackError ? 'Slack: ' + r.slackError : 'clicked ' + b.action_id + ' (' + r.status + ')')); poll(); });
    });
    return btn;
  }

  function renderBlocks(blocks, msg) {
    var box = el('div');
    (blocks || []).forEach(function (b) {
      var d;
      switch (b.type) {
        case 'header': d = el('div', 'block header', b.text && b.text.text); break;
        case 'section':
          d = el('div', 'block section');
          if (b.text) d.appendChild(textObj(b.text));
          if (b.fields) { var f = el('div', 'fields'); b.fields.forEach(function (x) { f.appendChild(textObj(x)); }); d.appendChild(f); }
          if (b.accessory && b.accessory.type === 'button') d.appendChild(button(b.accessory, msg, b.block_id));
          break;
        case 'context':
          d = el('div', 'block context');
          (b.elements || []).forEach(function (x, n) {
            if (n > 0) d.appendChild(document.createTextNode('  ·  '));
            if (x.type === 'image') d.appendChild(el('span', '', '[' + (x.alt_text || 'image') + ']'));
            else { var t = textObj(x); t.style.display = 'inline'; d.appendChild(t); }
          });
          break;
        case 'divider': d = el('hr', 'divider'); break;
        case 'actions':
          d = el('div', 'block actions');
          (b.elements || []).forEach(function (x) {
            if (x.type === 'button') d.appendChild(button(x, msg, b.block_id));
            else d.appendChild(el('span', 'meta', '[' + x.type + ']'));
          });
          break;
        case 'markdown': d = el('div', 'block'); d.appendChild(mrkdwn(b.text || '')); break;
        case 'image': d = el('div', 'block meta', '[image: ' + (b.alt_text || '') + ']'); break;
        default: d = el('div', 'block meta', '[' + b.type + ' block]');
      }
      box.appendChild(d);
    });
    return box;
  }

  function renderMessage(m, eph) {
    var d = el('div', 'msg' + (eph ? ' eph' : ''));
    var top = el('div');
    top.appendChild(el('span', 'who', nameOf(m.user)));
    if (m.isBot || eph) top.appendChild(el('span', 'app', 'APP'));
    top.appendChild(el('span', 'meta', new Date(Number(m.ts.split('.')[0]) * 1000).toLocaleTimeString() + (m.edited ? ' (edited)' : '')));
    d.appendChild(top);
    if (eph) d.appendChild(el('div', 'eph-note', 'Only visible to you'));
    if (m.blocks && m.blocks.length) d.appendChild(renderBlocks(m.blocks, m));
    else d.appendChild(mrkdwn(m.text || ''));
    if (m.replies && m.replies.length) {
      var r = el('div', 'replies');
      m.replies.forEach(function (x) { r.appendChild(renderMessage(x, false)); });
      d.appendChild(r);
    }
    return d;
  }

  function renderModal() {
    var box = document.getElementById('modal');
    var m = state.modal;
    if (!m) { box.style.display = 'none'; box.removeAttribute('data-id'); return; }
    if (box.getAttribute('data-id') === m.id + ':' + JSON.stringify(m.errors)) return;
    box.setAttribute('data-id', m.id + ':' + JSON.stringify(m.errors));
    box.textContent = '';
    var card = el('div', 'card');
    card.appendChild(el('div', 'title', m.view.title && m.view.title.text));
    var inputs = {};
    (m.view.blocks || []).forEach(function (b) {
      if (b.type === 'input') {
        card.appendChild(el('label', '', b.label && b.label.text));
        var e = b.element || {};
        var field = e.multiline ? el('textarea') : el('input');
        inputs[e.action_id || b.block_id] = field;
        card.appendChild(field);
        if (m.errors && m.errors[b.block_id]) card.appendChild(el('div', 'err', m.errors[b.block_id]));
      } else card.appendChild(renderBlocks([b], {}));
    });
    var buttons = el('div', 'buttons');
    var cancel = el('button', 'btn', (m.view.close && m.view.close.text) || 'Cancel');
    cancel.addEventListener('click', function () { post('/_ui/view-close', { viewId: m.id }).then(poll); });
    buttons.appendChild(cancel);
    if (m.view.submit) {
      var submit = el('button', 'btn primary', m.view.submit.text);
      submit.addEventListener('click', function () {
        var values = {};
        Object.keys(inputs).forEach(function (k) { values[k] = inputs[k].value; });
        post('/_ui/view', { userId: userId, viewId: m.id, inputs: values }).then(function (r) { setStatus(r.error || ('submitted (' + r.status + ')')); poll(); });
      });
      buttons.appendChild(submit);
    }
    card.appendChild(buttons);
    box.appendChild(card);
    box.style.display = 'flex';
  }

  function render() {
    var side = document.getElementById('channels');
    side.textContent = '';
    state.channels.forEach(function (c) {
      var d = el('div', 'chan' + (state.channel && c.id === state.channel.id ? ' active' : ''), '# ' + c.name);
      if (!c.botIsMember) d.appendChild(el('div', 'note', 'bot not in channel'));
      d.addEventListener('click', function () { channelId = c.id; lastJson = ''; syncUrl(); poll(); });
      side.appendChild(d);
    });
    var users = document.getElementById('users');
    if (users.options.length !== state.users.length) {
      users.textContent = '';
      state.users.forEach(function (u) { var o = el('option', '', u.displayName + ' (' + u.id + ')'); o.value = u.id; users.appendChild(o); });
    }
    users.value = state.user ? state.user.id : '';
    var head = document.getElementById('head');
    head.textContent = state.channel ? '# ' + state.channel.name : '';
    if (state.channel && state.channel.topic) head.appendChild(el('span', 'topic', state.channel.topic));
    var log = document.getElementById('log');
    var atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 40;
    log.textContent = '';
    var items = state.messages.map(function (m) { return { ts: m.ts, m: m, eph: false }; })
      .concat(state.ephemerals.map(function (e) { return { ts: e.ts, m: e, eph: true }; }));
    items.sort(function (a, b) { return Number(a.ts) - Number(b.ts); });
    items.forEach(function (x) { log.appendChild(renderMessage(x.m, x.eph)); });
    if (atBottom) log.scrollTop = log.scrollHeight;
    renderModal();
  }

  function syncUrl() {
    var q = new URLSearchParams({ channel: channelId, user: userId });
    history.replaceState(null, '', '?' + q.toString());
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
      .catch(function (e) { setStatus('cannot reach the stand-in: ' + e); });
  }

  document.getElementById('users').addEventListener('change', function (ev) { userId = ev.target.value; lastJson = ''; syncUrl(); poll(); });
  document.getElementById('composer-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var input = document.getElementById('input');
    var text = input.value.trim();
    if (!text) return;
    if (text.charAt(0) !== '/') text = '/patch ' + text;
    input.value = '';
    setStatus('sending ' + text + '...');
    post('/_ui/command', { userId: userId, channelId: channelId, text: text }).then(function (r) {
      setStatus(r.error ? r.error : (r.slackError ? text + ' failed: ' + r.slackError : text + ' acknowledged in ' + r.elapsedMs + ' ms'));
      poll();
    });
  });
  poll();
  setInterval(poll, 1000);
})();
`;

/** The demo page's HTML. */
export function demoPage(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>patchbot — local Slack workspace</title>
<style>${STYLE}</style>
</head>
<body>
<nav id="side">
  <h1>patchbot demo</h1>
  <label for="users">You are</label>
  <select id="users" aria-label="Current user"></select>
  <label>Channels</label>
  <div id="channels"></div>
</nav>
<main id="main">
  <div id="head"></div>
  <div id="log" aria-live="polite"></div>
  <form id="composer-form">
    <div id="composer">
      <input id="input" autocomplete="off" placeholder="/patch help" aria-label="Message or slash command">
      <div id="status"></div>
    </div>
  </form>
</main>
<div id="modal" role="dialog" aria-modal="true"></div>
<script>${SCRIPT}</script>
</body>
</html>
`;
}
