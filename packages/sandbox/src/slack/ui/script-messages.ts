/**
 * The page script's channel log (browser JavaScript, as text, inside the page's closure): one node
 * per top-level message with its thread, reused while it is unchanged.
 */
export const MESSAGES_SCRIPT = String.raw`  // Messages: one node per top-level message (with its thread), reused while it is unchanged.
  function renderMessage(m, eph, reply, extra) {
    var d = el('div', 'msg' + (eph ? ' eph' : '') + (reply ? ' reply' : ''));
    d.setAttribute('data-ts', m.ts);
    d.appendChild(avatar(m.user));
    var body = el('div', 'body');
    if (eph) body.appendChild(el('div', 'eph-note', '👁 Only visible to you'));
    var top = el('div', 'top');
    top.appendChild(el('span', 'who', nameOf(m.user)));
    if (isBot(m)) top.appendChild(el('span', 'badge', 'APP'));
    var time = el('span', 'time', clock(m.ts));
    time.title = when(m.ts).toLocaleString();
    top.appendChild(time);
    if (m.edited) top.appendChild(el('span', 'edited', '(edited)'));
    body.appendChild(top);
    if (m.blocks && m.blocks.length) body.appendChild(renderBlocks(m.blocks, { ts: m.ts }));
    else body.appendChild(mrkdwn(m.text || ''));
    if (extra) body.appendChild(extra);
    d.appendChild(body);
    return d;
  }
  function renderItem(it) {
    var wrap = el('div', 'item'), line = null, thread = null;
    var replies = it.m.replies || [];
    if (replies.length || it.threadEph.length) {
      thread = el('div', 'thread' + (collapsed[it.m.ts] ? ' collapsed' : ''));
      thread.setAttribute('aria-label', 'Thread');
      if (replies.length) {
        line = el('button', 'thread-line');
        line.type = 'button';
        var seen = {};
        replies.forEach(function (r) {
          if (seen[r.user] || Object.keys(seen).length >= 3) return;
          seen[r.user] = true;
          line.appendChild(avatar(r.user, 'mini'));
        });
        line.appendChild(el('span', 'count', replies.length + (replies.length === 1 ? ' reply' : ' replies')));
        line.appendChild(el('span', 'last', 'Last reply ' + clock(replies[replies.length - 1].ts)));
        line.setAttribute('aria-expanded', collapsed[it.m.ts] ? 'false' : 'true');
        line.addEventListener('click', function () {
          collapsed[it.m.ts] = !collapsed[it.m.ts];
          thread.className = 'thread' + (collapsed[it.m.ts] ? ' collapsed' : '');
          line.setAttribute('aria-expanded', collapsed[it.m.ts] ? 'false' : 'true');
        });
      }
      replies.map(function (r) { return { m: r, eph: false }; }).concat(it.threadEph)
        .sort(function (a, b) { return tsCmp(a.m.ts, b.m.ts); })
        .forEach(function (x) { thread.appendChild(renderMessage(x.m, x.eph, true)); });
    }
    wrap.appendChild(renderMessage(it.m, it.eph, false, line));
    if (thread) wrap.appendChild(thread);
    return wrap;
  }
  function renderIntro(c) {
    var d = el('div', 'intro');
    d.appendChild(el('h2', '', '# ' + c.name));
    d.appendChild(el('p', '', 'This is the very beginning of the #' + c.name + ' channel. ' +
      (c.topic ? 'Topic: ' + c.topic : 'Type /patch help below to talk to ' + nameOf(state.bot && state.bot.userId) + '.')));
    return d;
  }
  function dayDivider(label) {
    var d = el('div', 'day');
    d.setAttribute('role', 'separator');
    d.setAttribute('aria-label', label);
    d.appendChild(el('span', '', label));
    return d;
  }
  function items() {
    var parents = {}, list = [];
    state.messages.forEach(function (m) { parents[m.ts] = { key: 'm' + m.ts, ts: m.ts, m: m, eph: false, threadEph: [] }; list.push(parents[m.ts]); });
    state.ephemerals.forEach(function (e) {
      var p = e.thread_ts && parents[e.thread_ts];
      if (p) p.threadEph.push({ m: e, eph: true });
      else list.push({ key: 'e' + e.ts, ts: e.ts, m: e, eph: true, threadEph: [] });
    });
    list.sort(function (a, b) { return tsCmp(a.ts, b.ts); });
    return list;
  }
  function renderLog() {
    var log = $('log');
    var key = channelId + '|' + userId + '|' + JSON.stringify(state.names);
    var fresh = key !== cacheKey;
    if (fresh) { cache = {}; cacheKey = key; }
    var prevTop = log.scrollTop, atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 40;
    var want = [], next = {};
    if (state.channel) {
      var sigIntro = JSON.stringify(state.channel), ci = cache.intro;
      next.intro = ci && ci.sig === sigIntro ? ci : { sig: sigIntro, node: renderIntro(state.channel) };
      want.push(next.intro.node);
    }
    var day = '';
    items().forEach(function (it) {
      var label = dayOf(it.ts);
      if (label !== day) {
        day = label;
        var dk = 'day' + when(it.ts).toDateString(), cd = cache[dk];
        next[dk] = cd && cd.sig === label ? cd : { sig: label, node: dayDivider(label) };
        want.push(next[dk].node);
      }
      var sig = JSON.stringify(it), c = cache[it.key];
      next[it.key] = c && c.sig === sig ? c : { sig: sig, node: renderItem(it) };
      want.push(next[it.key].node);
    });
    cache = next;
    for (var i = 0; i < want.length; i++) {
      if (log.children[i] !== want[i]) log.insertBefore(want[i], log.children[i] || null);
    }
    while (log.children.length > want.length) log.removeChild(log.children[log.children.length - 1]);
    log.scrollTop = fresh || atBottom ? log.scrollHeight : prevTop;
  }

`;
