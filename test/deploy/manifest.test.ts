/**
 * manifest.yml against the code: one /patch command pointing at Bolt's /slack/events, a usage hint
 * and a help reply that name only registered subcommands, and exactly the bot scopes the Web API
 * calls in src/ need.
 */
import { NO_NAMES } from '../../src/slack/directory';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { COMMANDS, findCommand } from '../../commands/registry';
import type { CommandContext } from '../../commands/command';
import { renderReply } from '../../src/slack/views/reply';
import { parseConfigText } from '../../src/config';
import { createLogger } from '../../src/logger';
import { ROOT, readSources, requiredBotScopes, scopesOf, slackCalls } from './derive';

interface Manifest {
  features: {
    slash_commands: { command: string; url?: string; usage_hint?: string; description?: string }[];
    bot_user?: { display_name: string };
    app_home?: { home_tab_enabled?: boolean; messages_tab_enabled?: boolean };
  };
  oauth_config: { scopes: { bot: string[]; user?: string[] } };
  settings: {
    interactivity: { is_enabled: boolean; request_url?: string };
    event_subscriptions?: { request_url?: string; bot_events?: string[] };
    socket_mode_enabled: boolean;
  };
}

const manifestText = readFileSync(join(ROOT, 'manifest.yml'), 'utf8');
const manifest = parse(manifestText) as Manifest;
const registered = COMMANDS.map((c) => c.name).sort();

/** Renders the real `/patch help` reply for the example configuration. */
async function helpText(): Promise<string> {
  const help = findCommand('help');
  if (!help) throw new Error('help is not registered');
  const config = parseConfigText(readFileSync(join(ROOT, 'patchbot.example.yml'), 'utf8'), 'patchbot.example.yml', {});
  const ctx = {
    userId: 'U0ALICE01',
    channelId: 'C0123PROD',
    config,
    services: {} as CommandContext['services'],
    authorizer: { isAnyOf: async () => true },
    names: NO_NAMES,
    logger: createLogger({ level: 'silent' }),
  } satisfies CommandContext;
  const reply = renderReply(await help.run(ctx, []));
  if (reply.kind === 'none' || reply.kind === 'file') throw new Error('help answered no message');
  return `${reply.message.text}\n${JSON.stringify(reply.message.blocks)}`;
}

describe('manifest.yml: the /patch command', () => {
  const commands = manifest.features.slash_commands;

  it("declares exactly one slash command, /patch, on Bolt's HTTP endpoint", () => {
    expect(commands.map((c) => c.command)).toEqual(['/patch']);
    expect(commands[0]?.url).toMatch(/^https:\/\/[^/]+\/slack\/events$/);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.settings.interactivity.request_url).toMatch(/^https:\/\/[^/]+\/slack\/events$/);
    expect(manifest.settings.socket_mode_enabled).toBe(false);
  });

  it('hints only registered subcommands', () => {
    const hint = commands[0]?.usage_hint ?? '';
    const named = hint.split('|').map((alt) => alt.trim().split(/\s+/)[0] ?? '');
    expect(named.length).toBeGreaterThan(0);
    const unknown = named.filter((n) => !registered.includes(n));
    expect(unknown).toEqual([]);
  });

  it('documents the Socket Mode variant', () => {
    expect(manifestText).toMatch(/#.*Socket Mode/);
    expect(manifestText).toMatch(/#.*SLACK_APP_TOKEN/);
    expect(manifestText).toMatch(/#.*connections:write/);
  });
});

describe('manifest.yml: the App Home', () => {
  it('enables the Home tab and subscribes to exactly the events the app listens for, on the same endpoint', () => {
    expect(manifest.features.app_home?.home_tab_enabled).toBe(true);
    const events = manifest.settings.event_subscriptions;
    expect(events?.request_url).toMatch(/^https:\/\/[^/]+\/slack\/events$/);
    const listened = [
      ...readSources('src')
        .map((f) => f.text)
        .join('\n')
        .matchAll(/app\.event\('([a-z_]+)'/g),
    ].map((m) => m[1]);
    expect([...(events?.bot_events ?? [])].sort()).toEqual([...new Set(listened)].sort());
    expect(listened).toContain('app_home_opened');
  });
});

describe('/patch help', () => {
  it('names every registered subcommand and nothing else', async () => {
    const text = await helpText();
    const named = [...new Set([...text.matchAll(/\/patch ([a-z][a-z-]*)/g)].map((m) => m[1] ?? ''))].sort();
    expect(named).toEqual(registered);
  });
});

describe('manifest.yml: bot scopes', () => {
  const calls = slackCalls(readSources('src'));

  it('finds the Web API calls in src/', () => {
    const methods = new Set(calls.map((c) => c.method));
    for (const m of [
      'chat.postMessage',
      'chat.update',
      'usergroups.users.list',
      'views.open',
      'views.publish',
      'conversations.list',
    ])
      expect(methods.has(m)).toBe(true);
  });

  it('equal exactly the scopes those calls need, plus commands', () => {
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual(requiredBotScopes(calls));
    expect(manifest.oauth_config.scopes.user ?? []).toEqual([]);
  });

  it('fail loudly on a method the table does not know', () => {
    const extra = slackCalls([{ path: 'src/slack/x.ts', text: 'await this.client.reactions.add({ name: "x" });' }]);
    expect(extra).toEqual([{ method: 'reactions.add', at: 'src/slack/x.ts:1' }]);
    expect(() => requiredBotScopes([...calls, ...extra])).toThrow(/reactions\.add.*add its scope to the table/);
    expect(scopesOf({ method: 'chat.postEphemeral', at: '' })).toEqual(['chat:write']);
    expect(scopesOf({ method: 'views.open', at: '' })).toEqual([]);
  });
});
