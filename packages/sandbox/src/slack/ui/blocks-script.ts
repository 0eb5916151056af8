/**
 * The demo page's Block Kit renderer (browser JavaScript, as text): mrkdwn and blocks become DOM
 * nodes built with createElement and textContent only, so nothing from a message is ever parsed
 * as HTML. It runs inside the page script's closure and uses its `nameOf` and `onButton`.
 */

/** Browser JavaScript defining `el`, `mrkdwn`, `textObj` and `renderBlocks` (no backticks or `${` inside). */
export const BLOCKS_SCRIPT = String.raw`
  function el(tag, cls, text) {
    var n = document.createElement(tag);
    if (cls) n.className = cls;
    if (text !== undefined && text !== null) n.textContent = String(text);
    return n;
  }
  function decode(s) { return String(s).replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&'); }

  // Inline mrkdwn: *bold* _italic_ ~strike~ \x60code\x60 <url|label> <@U..> <#C..|name> <!here>.
  // Markers count only at word edges, as in Slack (snake_case_names stay as they are).
  var INLINE = /(\x60[^\x60\n]+\x60)|((?<![\w*])\*(?=[^\s*])[^*\n]*\*(?![\w*]))|((?<![\w_])_(?=[^\s_])[^_\n]*_(?![\w_]))|((?<![\w~])~(?=[^\s~])[^~\n]*~(?![\w~]))|(<[^<>\n]+>)/g;
  function special(parent, target, label) {
    var kind = target.slice(1).split('^')[0];
    if (kind === 'date') { parent.appendChild(document.createTextNode(label || target)); return; }
    var group = target.split('^')[1];
    var text = kind === 'subteam' ? '@' + (label || nameOf(group) || 'group').replace(/^@/, '') : '@' + kind;
    parent.appendChild(el('span', 'mention loud', text));
  }
  function link(parent, target, label) {
    if (target.charAt(0) === '@') parent.appendChild(el('span', 'mention', '@' + nameOf(target.slice(1))));
    else if (target.charAt(0) === '#') parent.appendChild(el('span', 'mention', '#' + (label || target.slice(1))));
    else if (target.charAt(0) === '!') special(parent, target, label);
    else if (/^(https?:|mailto:)/i.test(target)) {
      var a = el('a', '', label || target);
      a.href = target;
      a.target = '_blank';
      a.rel = 'noopener noreferrer';
      parent.appendChild(a);
    } else parent.appendChild(document.createTextNode('<' + target + (label ? '|' + label : '') + '>'));
  }
  function inline(parent, text) {
    var re = new RegExp(INLINE.source, 'g'), last = 0, m;
    while ((m = re.exec(text)) !== null) {
      if (m.index > last) parent.appendChild(document.createTextNode(decode(text.slice(last, m.index))));
      var t = m[0], inner = t.slice(1, -1), box;
      if (m[1]) parent.appendChild(el('code', '', decode(inner)));
      else if (m[2] || m[3] || m[4]) { box = el(m[2] ? 'b' : m[3] ? 'i' : 's'); inline(box, inner); parent.appendChild(box); }
      else {
        var bar = inner.indexOf('|');
        link(parent, decode(bar < 0 ? inner : inner.slice(0, bar)), bar < 0 ? '' : decode(inner.slice(bar + 1)));
      }
      last = re.lastIndex;
    }
    if (last < text.length) parent.appendChild(document.createTextNode(decode(text.slice(last))));
  }
  var QUOTE = /^(&gt;|>)/, BULLET = /^\s*[•◦▪‣-]\s/;
  function mrkdwn(text, tag) {
    var box = el(tag || 'div', 'mrkdwn');
    String(text).split('\x60\x60\x60').forEach(function (chunk, idx) {
      if (idx % 2 === 1) { box.appendChild(el('pre', '', decode(chunk.replace(/^\n/, '')))); return; }
      var lines = chunk.split('\n'), quote = null;
      lines.forEach(function (line, n) {
        if (QUOTE.test(line)) {
          if (!quote) { quote = el('blockquote'); box.appendChild(quote); } else quote.appendChild(el('br'));
          inline(quote, line.replace(/^(&gt;|>)\s?/, ''));
          return;
        }
        quote = null;
        // A bullet line is its own block, so a long item wraps under its text, not under the bullet.
        if (BULLET.test(line)) { var item = el('div', 'li'); inline(item, line); box.appendChild(item); return; }
        inline(box, line);
        var next = lines[n + 1];
        if (next !== undefined && !(line === '' && n === 0 && idx > 0) && !BULLET.test(next) && !QUOTE.test(next)) box.appendChild(el('br'));
      });
    });
    return box;
  }
  function textObj(t, tag) {
    if (!t) return el(tag || 'div');
    return t.type === 'mrkdwn' ? mrkdwn(t.text || '', tag) : el(tag || 'div', 'plain', t.text || '');
  }
  function plain(t) { return (t && t.text) || ''; }

  function richText(b) {
    var box = el('div', 'block rich');
    function leaf(parent, e) {
      if (e.type === 'text') {
        var n = el(e.style && e.style.code ? 'code' : 'span', '', e.text);
        if (e.style && e.style.bold) n.style.fontWeight = '700';
        if (e.style && e.style.italic) n.style.fontStyle = 'italic';
        if (e.style && e.style.strike) n.style.textDecoration = 'line-through';
        parent.appendChild(n);
      } else if (e.type === 'link') link(parent, e.url || '', e.text || '');
      else if (e.type === 'user') parent.appendChild(el('span', 'mention', '@' + nameOf(e.user_id)));
      else if (e.type === 'channel') parent.appendChild(el('span', 'mention', '#' + e.channel_id));
      else if (e.type === 'emoji') parent.appendChild(document.createTextNode(e.unicode ? String.fromCodePoint.apply(null, e.unicode.split('-').map(function (h) { return parseInt(h, 16); })) : ':' + e.name + ':'));
      else if (e.type === 'broadcast') parent.appendChild(el('span', 'mention loud', '@' + e.range));
    }
    (b.elements || []).forEach(function (part) {
      var tag = part.type === 'rich_text_preformatted' ? 'pre' : part.type === 'rich_text_quote' ? 'blockquote' : part.type === 'rich_text_list' ? 'ul' : 'div';
      var p = el(tag);
      (part.elements || []).forEach(function (e) {
        if (part.type === 'rich_text_list') { var li = el('li'); (e.elements || []).forEach(function (x) { leaf(li, x); }); p.appendChild(li); }
        else leaf(p, e);
      });
      box.appendChild(p);
    });
    return box;
  }

  function element(x, ctx) {
    if (x.type === 'button') return onButton(x, ctx);
    if (x.type === 'image') { var img = el('span', 'ctx-img', '🖼'); img.title = x.alt_text || 'image'; img.setAttribute('aria-label', x.alt_text || 'image'); return img; }
    var label = plain(x.placeholder) || (x.initial_option && plain(x.initial_option.text)) || (x.type === 'overflow' ? '⋯' : x.type);
    var stub = el('span', 'stub', label);
    stub.title = x.type + ' (not interactive in the demo)';
    return stub;
  }

  // One Block Kit block as a node; ctx is { ts, blockId } for the buttons.
  function block(b, ctx) {
    var d, c = { ts: ctx.ts, blockId: b.block_id };
    switch (b.type) {
      case 'header': return el('div', 'block header', plain(b.text));
      case 'section':
        d = el('div', 'block section');
        var main = el('div', 'main');
        if (b.text) main.appendChild(textObj(b.text));
        if (b.fields && b.fields.length) {
          var f = el('div', 'fields');
          b.fields.forEach(function (x) { f.appendChild(textObj(x)); });
          main.appendChild(f);
        }
        d.appendChild(main);
        if (b.accessory) { var acc = el('div', 'accessory'); acc.appendChild(element(b.accessory, c)); d.appendChild(acc); }
        return d;
      case 'context':
        d = el('div', 'block context');
        (b.elements || []).forEach(function (x) { d.appendChild(x.type === 'image' ? element(x, c) : textObj(x, 'span')); });
        return d;
      case 'divider': return el('hr', 'block divider');
      case 'actions':
        d = el('div', 'block actions');
        (b.elements || []).forEach(function (x) { d.appendChild(element(x, c)); });
        return d;
      case 'markdown': d = el('div', 'block'); d.appendChild(mrkdwn(b.text || '')); return d;
      case 'rich_text': return richText(b);
      case 'image':
        d = el('div', 'block image', '🖼 ' + (plain(b.title) || b.alt_text || 'image'));
        d.title = b.alt_text || '';
        return d;
      default: return el('div', 'block stub', '[' + b.type + ' block]');
    }
  }

  function renderBlocks(blocks, ctx) {
    var box = el('div', 'blocks');
    (blocks || []).forEach(function (b) { box.appendChild(block(b, ctx)); });
    return box;
  }
`;
