/**
 * The page script's modal (browser JavaScript, as text, inside the page's closure): the open view,
 * if any, as the user sees it, and its submission.
 */
export const VIEWS_SCRIPT = String.raw`  // Views: the open modal, if any, as the user sees it.
  function renderModal() {
    var box = $('modal'), m = state && state.modal;
    if (!m || confirmOpen) {
      box.hidden = true;
      box.style.display = 'none';
      if (!m) { box.removeAttribute('data-id'); box.textContent = ''; box.setAttribute('aria-label', ''); modalInputs = {}; modalClose = null; }
      return;
    }
    var id = m.id + ':' + JSON.stringify(m.errors);
    if (box.getAttribute('data-id') !== id) {
      box.setAttribute('data-id', id);
      buildModal(box, m);
    }
    box.hidden = false;
    box.style.display = 'flex';
    if (modalFocus && modalFocus.focus) modalFocus.focus();
    modalFocus = null;
  }
  function buildModal(box, m) {
    var old = {};
    Object.keys(modalInputs).forEach(function (k) { old[k] = modalInputs[k].value; });
    var title = plain(m.view.title) || 'Dialog';
    box.setAttribute('aria-label', title);
    box.textContent = '';
    var card = el('div', 'dialog');
    var head = el('div', 'dhead');
    head.appendChild(el('h2', 'title', title));
    var x = el('button', 'x', '×');
    x.type = 'button';
    x.setAttribute('aria-label', 'Close');
    head.appendChild(x);
    card.appendChild(head);
    var body = el('div', 'dbody'), inputs = {}, first = null;
    (m.view.blocks || []).forEach(function (b) {
      if (b.type !== 'input') { body.appendChild(renderBlocks([b], { ts: '' })); return; }
      var e = b.element || {}, key = e.action_id || b.block_id;
      var field = e.multiline ? el('textarea') : el('input');
      field.id = 'in-' + key;
      if (e.placeholder) field.placeholder = plain(e.placeholder);
      if (e.max_length) field.maxLength = e.max_length;
      field.value = old[key] || (e.initial_value || '');
      var label = el('label', '', plain(b.label));
      label.htmlFor = field.id;
      if (b.optional && !/optional/i.test(plain(b.label))) label.appendChild(el('span', 'opt', ' (optional)'));
      body.appendChild(label);
      body.appendChild(field);
      if (b.hint) body.appendChild(el('div', 'hintline', plain(b.hint)));
      if (m.errors && m.errors[b.block_id]) body.appendChild(el('div', 'err', m.errors[b.block_id]));
      inputs[key] = field;
      first = first || field;
    });
    card.appendChild(body);
    var foot = el('div', 'dfoot');
    var cancel = el('button', 'btn big', plain(m.view.close) || 'Cancel');
    cancel.type = 'button';
    function close() { post('/_ui/view-close', { viewId: m.id }).then(poll, failed); }
    cancel.addEventListener('click', close);
    x.addEventListener('click', close);
    foot.appendChild(cancel);
    if (m.view.submit) {
      var submit = el('button', 'btn big primary', plain(m.view.submit));
      submit.type = 'button';
      submit.addEventListener('click', function () {
        var values = {};
        Object.keys(inputs).forEach(function (k) { values[k] = inputs[k].value; });
        var n = ask('sending ' + plain(m.view.submit) + '...');
        post('/_ui/view', { userId: userId, viewId: m.id, inputs: values })
          .then(function (r) { answer(r, plain(m.view.submit), n); poll(); }, failed);
      });
      foot.appendChild(submit);
    }
    card.appendChild(foot);
    box.appendChild(card);
    modalInputs = inputs;
    modalClose = close;
    modalFocus = first || cancel;
  }

  function renderSide() {
    var side = $('channels');
    side.textContent = '';
    state.channels.forEach(function (c) {
      var active = state.channel && c.id === state.channel.id;
      var d = el('button', 'chan' + (active ? ' active' : '') + (c.botIsMember ? '' : ' nobot'), '# ' + c.name);
      d.type = 'button';
      if (active) d.setAttribute('aria-current', 'page');
      if (!c.botIsMember) d.title = 'the bot is not in this channel';
      d.addEventListener('click', function () { channelId = c.id; lastJson = ''; syncUrl(); poll(); });
      side.appendChild(d);
    });
    var users = $('users');
    var sig = JSON.stringify(state.users);
    if (users.getAttribute('data-sig') !== sig) {
      users.setAttribute('data-sig', sig);
      users.textContent = '';
      state.users.forEach(function (u) {
        var o = el('option', '', (u.displayName || u.name) + (u.title ? ' — ' + u.title : ''));
        o.value = u.id;
        users.appendChild(o);
      });
    }
    renderPeople();
    users.value = state.user ? state.user.id : '';
    $('team').textContent = (state.team && state.team.name) || 'patchbot demo';
  }
`;
