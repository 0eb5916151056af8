/**
 * The demo page: one self-contained HTML document (no external assets) that shows a channel as
 * the selected user sees it and acts as that user. The page embeds no workspace data: its script
 * polls `/_ui/state` and builds every node with textContent, so nothing from a message is ever
 * parsed as HTML. Look in style.ts; behaviour in browser/ (typed modules, bundled by bundle.ts).
 */
import { STYLE } from './style';

/** The demo page's HTML around its bundled script (from `pageScript`, already safe to inline). */
export function demoPage(script: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>patchbot — local Slack workspace</title>
<style>${STYLE}</style>
</head>
<body>
<nav id="side" aria-label="Workspace">
  <div class="team"><h1 id="team">patchbot demo</h1><div class="sub">local Slack stand-in</div></div>
  <div class="section-title">Apps</div>
  <div id="apps"></div>
  <div class="section-title">Channels</div>
  <div id="channels"></div>
  <div class="section-title">Act as</div>
  <div id="people" role="group" aria-label="Switch person"></div>
  <div class="me">
    <label for="users">You are</label>
    <select id="users" aria-label="Current user"></select>
  </div>
</nav>
<main id="main">
  <header id="head"></header>
  <div id="log" role="log" aria-label="Messages"></div>
  <div id="home" role="region" aria-label="Home tab" hidden></div>
  <form id="composer-form" autocomplete="off">
    <div id="composer">
      <input id="input" autocomplete="off" placeholder="Message — try /patch help" aria-label="Message or slash command">
      <button id="send" type="submit">Send</button>
    </div>
    <div id="foot"><div id="status" role="status"></div><div class="hint">Enter to send · ↑ recalls the last command</div></div>
  </form>
</main>
<div id="modal" class="overlay" role="dialog" aria-modal="true" aria-label="" hidden style="display:none"></div>
<div id="confirm" class="overlay" hidden style="display:none"></div>
<script>${script}</script>
</body>
</html>
`;
}
