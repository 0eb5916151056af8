/** The demo page's stylesheet: a Slack-like look (aubergine sidebar, white channel pane), no external fonts or images. */

/** The CSS inlined into the demo page's `<style>`. */
export const STYLE = `
* { box-sizing: border-box; }
[hidden] { display: none !important; }
html, body { height: 100%; }
body { margin: 0; font: 15px/1.46668 -apple-system, BlinkMacSystemFont, "Segoe UI", "Helvetica Neue", "DejaVu Sans", sans-serif, "Apple Color Emoji", "Segoe UI Emoji", "Noto Color Emoji"; color: #1d1c1d; background: #3f0e40; display: flex; overflow: hidden; }
button { font: inherit; }
a { color: #1264a3; text-decoration: none; }
a:hover { text-decoration: underline; }

/* Sidebar */
#side { width: 260px; flex: none; background: #3f0e40; color: #cfc3cf; display: flex; flex-direction: column; border-right: 1px solid #5d2c5d; }
#side .team { padding: 14px 16px; border-bottom: 1px solid #5d2c5d; }
#side h1 { font-size: 18px; line-height: 1.3; font-weight: 900; margin: 0; color: #fff; }
#side .team .sub { font-size: 12px; color: #bcabbc; }
#side .section-title { padding: 14px 16px 4px; font-size: 13px; color: #bcabbc; }
#channels { display: flex; flex-direction: column; padding: 0 8px; overflow-y: auto; }
button.chan { display: block; width: 100%; text-align: left; border: 0; background: transparent; color: #cfc3cf; padding: 4px 12px; border-radius: 6px; cursor: pointer; font-size: 15px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
button.chan:hover { background: #350d36; }
button.chan.active { background: #1164a3; color: #fff; font-weight: 700; }
button.chan.nobot { color: #9d8a9d; font-style: italic; }
button.chan.nobot.active { color: #fff; }
#people { display: flex; flex-direction: column; padding: 0 8px; }
button.person { display: flex; align-items: center; gap: 8px; width: 100%; text-align: left; border: 0; background: transparent; color: #cfc3cf; padding: 4px 12px; border-radius: 6px; cursor: pointer; font-size: 15px; min-width: 0; }
button.person:hover { background: #350d36; }
button.person.active { background: #1164a3; color: #fff; }
button.person .avatar.mini { width: 20px; height: 20px; font-size: 11px; border-radius: 4px; }
button.person .pname { flex: none; }
button.person .phint { font-size: 12px; opacity: .7; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; min-width: 0; }
#side .me { margin-top: auto; padding: 12px 16px 16px; border-top: 1px solid #5d2c5d; }
#side .me label { display: block; font-size: 12px; color: #bcabbc; margin-bottom: 4px; }
#users { width: 100%; padding: 6px 8px; border-radius: 6px; border: 1px solid #7a4b7a; background: #2c092d; color: #fff; font: inherit; font-size: 14px; }

/* Channel pane */
#main { flex: 1; display: flex; flex-direction: column; min-width: 0; background: #fff; }
#head { flex: none; height: 50px; padding: 0 20px; border-bottom: 1px solid #e2e2e2; display: flex; align-items: center; gap: 10px; min-width: 0; }
#head .name { font-size: 18px; font-weight: 900; white-space: nowrap; }
#head .topic { color: #616061; font-size: 13px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
#head .note { flex: none; margin-left: auto; font-size: 12px; color: #7a5300; background: #fdf3d8; border: 1px solid #f2d48a; border-radius: 4px; padding: 2px 8px; }
#log { flex: 1; overflow-y: auto; padding: 8px 0 16px; }
#home { flex: 1; overflow-y: auto; padding: 16px 20px; }
#home .blocks { max-width: 760px; }
.intro { padding: 16px 20px 12px; }
.intro h2 { font-size: 22px; font-weight: 900; margin: 0 0 4px; }
.intro p { margin: 0; color: #616061; }

/* Messages */
.msg { position: relative; display: flex; gap: 8px; padding: 8px 20px; }
.msg:hover { background: #f8f8f8; }
.avatar { flex: none; width: 36px; height: 36px; border-radius: 6px; color: #fff; font-weight: 700; font-size: 17px; display: flex; align-items: center; justify-content: center; user-select: none; }
.avatar::before { content: attr(data-initial); }
.body { flex: 1; min-width: 0; }
.top { display: flex; align-items: baseline; gap: 6px; flex-wrap: wrap; }
.who { font-weight: 900; }
.badge { font-size: 10px; font-weight: 700; letter-spacing: .02em; color: #616061; background: #e8e8e8; border-radius: 3px; padding: 1px 4px; line-height: 1.2; align-self: center; }
.time { color: #616061; font-size: 12px; }
.edited { color: #868686; font-size: 13px; }
.msg.eph { background: #f4f9fc; box-shadow: inset 3px 0 0 #1d9bd1; }
.msg.eph:hover { background: #edf5fa; }
.eph-note { color: #616061; font-size: 13px; margin-bottom: 2px; }
.day { position: relative; display: flex; justify-content: center; margin: 12px 0 4px; }
.day::before { content: ""; position: absolute; left: 0; right: 0; top: 50%; border-top: 1px solid #e2e2e2; }
.day span { position: relative; background: #fff; border: 1px solid #e2e2e2; border-radius: 24px; padding: 2px 16px; font-size: 13px; font-weight: 700; line-height: 20px; }
.thread-line { display: flex; align-items: center; gap: 6px; margin-top: 4px; padding: 3px 6px 3px 0; border-radius: 6px; font-size: 13px; cursor: pointer; border: 1px solid transparent; background: transparent; text-align: left; color: #616061; }
.thread-line:hover { background: #fff; border-color: #e2e2e2; }
.thread-line .count { color: #1264a3; font-weight: 700; }
.thread-line .mini { width: 20px; height: 20px; font-size: 11px; border-radius: 4px; }
.thread { margin: 0 20px 6px 64px; border-left: 2px solid #e2e2e2; }
.thread .msg { padding: 6px 12px; }
.thread .avatar { width: 28px; height: 28px; font-size: 14px; }
.thread.collapsed { display: none; }

/* Block Kit */
.blocks { display: flex; flex-direction: column; gap: 4px; }
.block { min-width: 0; overflow-wrap: anywhere; }
.header { font-size: 18px; line-height: 1.35; font-weight: 900; margin: 4px 0 2px; }
.section { display: flex; gap: 12px; align-items: flex-start; }
.section .main { flex: 1; min-width: 0; }
.section .accessory { flex: none; }
.fields { display: grid; grid-template-columns: 1fr 1fr; gap: 8px 20px; margin-top: 6px; }
.fields > * { min-width: 0; }
.context { color: #616061; font-size: 12.5px; display: flex; flex-wrap: wrap; align-items: center; gap: 4px 8px; }
.ctx-img { display: inline-flex; align-items: center; justify-content: center; min-width: 18px; height: 18px; padding: 0 4px; border-radius: 4px; background: #e8e8e8; color: #616061; font-size: 10px; }
.divider { border: 0; border-top: 1px solid #e2e2e2; margin: 8px 0; width: 100%; }
.actions { display: flex; gap: 8px; flex-wrap: wrap; margin: 4px 0; }
.file { margin-top: 6px; display: flex; flex-direction: column; gap: 4px; max-width: 740px; }
.file .file-title { font-size: 13px; color: #616061; }
.file .file-image { display: block; max-width: 100%; height: auto; border: 1px solid #ddd; border-radius: 8px; background: #fff; }
.file .file-meta { font-size: 13px; color: #616061; border: 1px solid #ddd; border-radius: 8px; padding: 8px 10px; }
.image { color: #616061; font-size: 13px; border: 1px dashed #ccc; border-radius: 6px; padding: 8px; }
.stub { color: #616061; font-size: 13px; border: 1px solid #ddd; border-radius: 4px; padding: 3px 10px; }
.mrkdwn { white-space: normal; }
.mrkdwn .li { padding-left: 14px; text-indent: -14px; }
b { font-weight: 700; }
button.btn { border: 1px solid rgba(29,28,29,.3); background: #fff; color: #1d1c1d; border-radius: 4px; height: 28px; padding: 0 12px; font-size: 13px; font-weight: 700; cursor: pointer; white-space: nowrap; }
button.btn:hover { background: #f8f8f8; box-shadow: 0 1px 3px rgba(0,0,0,.08); }
button.btn.primary { background: #007a5a; border-color: #007a5a; color: #fff; }
button.btn.primary:hover { background: #148567; }
button.btn.danger { background: #e01e5a; border-color: #e01e5a; color: #fff; }
button.btn.danger:hover { background: #e23067; }
button.btn.big { height: 36px; padding: 0 16px; font-size: 15px; }
button:focus-visible, input:focus-visible, textarea:focus-visible, select:focus-visible { outline: 2px solid #1264a3; outline-offset: 1px; }
code { color: #e01e5a; background: #f6f6f6; border: 1px solid #e2e2e2; border-radius: 3px; padding: 1px 3px; font: 12px/1.5 Monaco, Menlo, Consolas, "Courier New", monospace; }
pre { background: #f8f8f8; border: 1px solid #e2e2e2; border-radius: 4px; padding: 8px; margin: 4px 0; white-space: pre-wrap; font: 12px/1.5 Monaco, Menlo, Consolas, "Courier New", monospace; }
blockquote { border-left: 4px solid #ddd; margin: 2px 0; padding-left: 12px; }
.mention { background: rgba(29,155,209,.1); color: #1264a3; border-radius: 3px; padding: 0 2px; font-weight: 500; }
.mention.loud { background: rgba(242,199,68,.4); color: #1d1c1d; }

/* Composer */
#composer-form { flex: none; padding: 0 20px 12px; }
#composer { border: 1px solid #bbbabb; border-radius: 8px; display: flex; align-items: center; padding: 4px 4px 4px 12px; }
#composer:focus-within { border-color: #868686; box-shadow: 0 0 0 1px #868686; }
#input { flex: 1; border: 0; outline: none; padding: 10px 0; font: inherit; min-width: 0; }
#send { border: 0; border-radius: 6px; background: #007a5a; color: #fff; font-weight: 700; padding: 6px 12px; cursor: pointer; }
#foot { display: flex; justify-content: space-between; gap: 12px; margin-top: 4px; font-size: 12px; color: #616061; min-height: 18px; }
#status { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
#status.error { color: #e01e5a; }
.hint { white-space: nowrap; }

/* Dialogs: views (#modal) and button confirmations (#confirm) */
.overlay { position: fixed; inset: 0; background: rgba(0,0,0,.5); display: flex; align-items: center; justify-content: center; z-index: 10; }
.dialog { background: #fff; width: 520px; max-width: 92vw; max-height: 86vh; border-radius: 8px; box-shadow: 0 18px 48px rgba(0,0,0,.35); display: flex; flex-direction: column; overflow: hidden; }
.dialog .dhead { display: flex; align-items: center; justify-content: space-between; padding: 18px 24px 12px; }
.dialog .title { font-size: 22px; font-weight: 900; margin: 0; }
.dialog .x { border: 0; background: transparent; font-size: 22px; line-height: 1; cursor: pointer; color: #616061; border-radius: 4px; padding: 2px 8px; }
.dialog .x:hover { background: #f2f2f2; }
.dialog .dbody { padding: 0 24px 16px; overflow-y: auto; display: flex; flex-direction: column; gap: 8px; }
.dialog .dfoot { display: flex; justify-content: flex-end; gap: 8px; padding: 16px 24px; border-top: 1px solid #e2e2e2; }
.dialog label { font-weight: 700; margin-top: 6px; }
.dialog label .opt { font-weight: 400; color: #616061; }
.dialog textarea, .dialog input { width: 100%; padding: 8px 10px; border: 1px solid #bbbabb; border-radius: 4px; font: inherit; }
.dialog textarea { min-height: 84px; resize: vertical; }
.dialog .hintline { color: #616061; font-size: 13px; }
.dialog .err { color: #e01e5a; font-size: 13px; }
#confirm .dialog { width: 440px; }
#confirm .dbody { padding-bottom: 4px; }
#confirm .dfoot { border-top: 0; }
`;
