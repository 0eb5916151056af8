/**
 * What `/patch` answers to bad input and to states it cannot change, through dispatch with fake
 * services: typed words echoed as typed and cut short, the bad word named, "did you mean",
 * "nothing to cancel" as a plain answer, and who sees status, baseline and windows.
 */
import { NO_NAMES } from '../../src/slack/directory';
import { verdictOf } from '../../src/patching/verdict';
import { dispatch } from '../../commands/dispatch';
import type { CommandContext, CommandServices } from '../../commands/command';
import { renderReply, type RenderedReply as Reply } from '../../src/slack/views/reply';
import { ConflictError, NotFoundError } from '../../src/errors';
import { silentLogger } from '../../src/logger';
import { normalizeOperationId } from '../../src/store';
import type { HistoryEntry } from '../../src/patching/history';
import { SHARE_ACTION } from '../../src/slack/views/share';
import { demoConfig } from '../support/bot';
import { expectWithinLimits, smallStatus } from '../slack/views/fixtures';

const ALICE = 'U0ALICE001';
const MALLORY = 'U0MALLORY1';

const entry = (
  operationId: string,
  status: HistoryEntry['status'],
  kind: HistoryEntry['kind'] = 'install',
): HistoryEntry => ({
  operationId,
  kind,
  group: 'PRD',
  status,
  verdict: verdictOf(status, { sent: true, problems: false }),
  requestedBy: ALICE,
  createdAt: new Date('2026-03-10T10:00:00Z'),
  finishedAt: undefined,
  summary: undefined,
});

function context(services: Partial<CommandServices> = {}, userId = ALICE): CommandContext {
  const config = demoConfig();
  return {
    userId,
    channelId: 'C0PRDPATCH',
    config,
    names: NO_NAMES,
    services: {
      history: () => [
        entry('op-aaaaaa', 'succeeded', 'scan'),
        entry('op-bbbbbb', 'pending'),
        entry('op-cccccc', 'running', 'scan'),
      ],
      now: () => new Date('2026-03-10T12:00:00Z'),
      operationId: normalizeOperationId,
      status: async (group) => smallStatus({ group: group.name }),
      ...services,
    } as CommandServices,
    authorizer: {
      isAnyOf: async (user, principals) => principals.includes(user) || (user === ALICE && principals.length > 0),
    },
    logger: silentLogger(),
  };
}

/** Every text of a reply a person could read (fallback and blocks). */
function readable(reply: Reply): string {
  if (reply.kind === 'none') return reply.note ? `${reply.note.text}\n${JSON.stringify(reply.note.blocks)}` : '';
  if (reply.kind === 'file') return JSON.stringify(reply.reply.comment ?? '');
  return `${reply.message.text}\n${JSON.stringify(reply.message.blocks)}`;
}

async function answer(text: string, services?: Partial<CommandServices>, userId?: string): Promise<Reply> {
  return renderReply(await dispatch(context(services, userId), text, 'req12345'));
}

describe('typed words are echoed exactly as typed, and cut short', () => {
  it('names an unknown operation as typed, not as read (o is not turned into 0)', async () => {
    const cancel = jest.fn(async ({ operationId }: { operationId: string }) => {
      throw new NotFoundError(`operation ${operationId} does not exist`, {
        userMessage: `There is no such operation: ${operationId}.`,
      });
    });
    const text = readable(await answer('cancel op-nope99', { cancel }));
    expect(cancel).toHaveBeenCalledWith({ operationId: 'op-n0pe99', userId: ALICE });
    expect(text).toContain('There is no operation "op-nope99".');
    expect(text).not.toContain('op-n0pe99');
    expect(text).toContain('Cancellable now: op-bbbbbb (install on PRD, pending), op-cccccc (scan on PRD, running).');
    expect(text).toContain('Usage: `/patch cancel &lt;operation&gt;`');
  });

  it('says a word that cannot be an id is not one, with the form of one', async () => {
    const text = readable(await answer('cancel null'));
    expect(text).toContain('"null" is not an operation id: ids are op- and six letters or digits, like op-7k2m9q.');
    expect(text).toContain('Cancellable now: op-bbbbbb');
    expect(text).not.toContain('Which operation');
  });

  it('says where to look when nothing can be cancelled', async () => {
    const text = readable(await answer('cancel', { history: async () => [entry('op-aaaaaa', 'failed')] }));
    expect(text).toContain(
      'Which operation? Give its id: op- and six letters or digits, like op-7k2m9q. Nothing is waiting or running now; /patch history lists past operations.',
    );
  });

  it.each([
    ['an unknown group', (w: string) => `status ${w}`, /Groups: STG, PRD, WIN/],
    ['an unknown subcommand', (w: string) => w, /Subcommands: `help`/],
    ['an operation id', (w: string) => `cancel ${w}`, /Cancellable now/],
    ['an extra word', (w: string) => `status PRD ${w}`, /Unexpected/],
    ['a reboot option', (w: string) => `install PRD ${w}`, /reboot=if-needed or reboot=never/],
    ['a channel', (w: string) => `digest ${w}`, /pick one with # in Slack/],
  ])(
    'a 5,000-character word as %s is cut with an ellipsis, and what is valid and the usage still show',
    async (_what, text, valid) => {
      const reply = await answer(text('x'.repeat(5000)));
      expect(reply.kind).toBe('ephemeral');
      const shown = readable(reply);
      expect(shown).toMatch(valid);
      expect(shown).toMatch(/Usage/);
      expect(shown).toContain(`"${'x'.repeat(47)}…"`);
      expect(shown).not.toContain('x'.repeat(48));
      if (reply.kind === 'ephemeral') expectWithinLimits(reply.message);
    },
  );

  it('keeps a long word made of wide characters whole at the cut', async () => {
    const shown = readable(await answer(`status ${'😀'.repeat(100)}`));
    expect(shown).toContain(`"${'😀'.repeat(47)}…"`);
    expect(shown).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });

  it('escapes what it echoes', async () => {
    const shown = readable(await answer('status <!channel>'));
    expect(shown).toContain('Unknown group "&lt;!channel&gt;"');
    expect(shown).not.toContain('<!channel>');
  });
});

describe('the bad word is named, not the one after it', () => {
  it.each([
    ['status QA now', 'Unknown group "QA"'],
    ['baseline QA PRD', 'Unknown group "QA"'],
    ['windows QA PRD', 'Unknown group "QA"'],
    ['history QA PRD', 'Unknown group "QA"'],
    ['scan QA PRD', 'Unknown group "QA"'],
    ['install QA reboot=never', 'Unknown group "QA"'],
    ['reboot QA all', 'Unknown group "QA"'],
    ['install PRD reboot=sometimes now', '"reboot=sometimes" is not a reboot option'],
    ['reboot PRD some now', '"some" is not understood'],
    ['digest nowhere now', 'There is no channel "nowhere"'],
    ['digest no/where now', '"no/where" is not a channel'],
    ['cancel nope now', '"nope" is not an operation id'],
    ['status PRD now', 'Unexpected "now"'],
    ['windows PRD now public', 'Unexpected "now"'],
  ])('/patch %s → %s', async (input, expected) => {
    const text = readable(
      await answer(input, {
        requestInstall: jest.fn(),
        requestReboot: jest.fn(),
        startScan: jest.fn(),
        windows: jest.fn(),
        baselines: jest.fn(),
        findChannel: jest.fn(async () => undefined),
      }),
    );
    expect(text).toContain(expected);
  });
});

describe('if-frozen', () => {
  it.each([
    ['install PRD if-frozen=later', '"if-frozen=later" is not an if-frozen option'],
    ['install PRD if-frozen=wait if-frozen=cancel', 'Give one if-frozen option, not "if-frozen=cancel" again'],
  ])('/patch %s → %s, naming both forms and the default', async (input, expected) => {
    const requestInstall = jest.fn();
    const text = readable(await answer(input, { requestInstall }));
    expect(text).toContain(expected);
    expect(text).toContain('if-frozen=wait (the default');
    expect(text).toContain('if-frozen=cancel');
    expect(requestInstall).not.toHaveBeenCalled();
  });

  it.each([
    ['install PRD if-frozen=cancel reboot=never', 'cancel'],
    ['install PRD IF-FROZEN=WAIT', 'wait'],
    ['install PRD', undefined],
  ])('/patch %s asks for %s', async (input, ifFrozen) => {
    const requestInstall = jest.fn(async () => ({ id: 'op-abcdef', status: 'pending' }));
    await answer(input, { requestInstall: requestInstall as never });
    expect(requestInstall).toHaveBeenCalledTimes(1);
    expect((requestInstall.mock.calls[0] as unknown[])[0]).toEqual(
      ifFrozen ? expect.objectContaining({ ifFrozen }) : expect.not.objectContaining({ ifFrozen: expect.anything() }),
    );
  });
});

describe('did you mean', () => {
  it.each([
    ['instal PRD', 'Unknown subcommand "instal". Did you mean install?'],
    ['stauts PRD', 'Did you mean status?'],
    ['hist', 'Did you mean history?'],
    ['PRD', 'PRD is a group: try /patch status PRD.'],
    ['status PDR', 'Unknown group "PDR". Did you mean PRD? Groups: STG, PRD, WIN.'],
    ['install PRD never', '"never" is not a reboot option. Did you mean reboot=never?'],
    ['install PRD reboot=nevr', 'Did you mean reboot=never?'],
    ['reboot PRD al', 'Did you mean all?'],
  ])('/patch %s → %s', async (input, expected) => {
    expect(readable(await answer(input))).toContain(expected);
  });

  it('says nothing when nothing is close', async () => {
    expect(readable(await answer('frobnicate PRD'))).not.toContain('Did you mean');
  });
});

describe('a state the command cannot change is a plain answer', () => {
  it('"nothing to cancel" says the state, who and when, without a request id', async () => {
    const cancel = async () => {
      throw new ConflictError('operation op-bbbbbb is cancelled', {
        userMessage:
          'Nothing to cancel: The install op-bbbbbb on PRD was cancelled by U0BOB00001 at 2026-03-10 11:00:00Z.',
      });
    };
    const reply = await answer('cancel op-bbbbbb', { cancel });
    const text = readable(reply);
    expect(reply.kind).toBe('ephemeral');
    expect(text).toContain(
      'Nothing to cancel: The install op-bbbbbb on PRD was cancelled by U0BOB00001 at 2026-03-10 11:00:00Z.',
    );
    expect(text).not.toMatch(/Request|bot logs|❌/);
  });

  it('an internal error still carries its request id', async () => {
    const cancel = async () => {
      throw new Error('disk on fire');
    };
    expect(readable(await answer('cancel op-bbbbbb', { cancel }))).toContain('Request `req12345`');
  });
});

describe('who sees status, baseline and windows', () => {
  const buttonOf = (reply: Reply) =>
    reply.kind === 'ephemeral'
      ? reply.message.blocks
          .flatMap((b) =>
            'elements' in b
              ? (b.elements as Array<{ action_id?: string; value?: string; text?: { text: string } }>)
              : [],
          )
          .find((e) => e.action_id === SHARE_ACTION)
      : undefined;

  it('status answers privately, with a Share in channel button carrying the command and group', async () => {
    const reply = await answer('status prd');
    expect(reply.kind).toBe('ephemeral');
    const button = buttonOf(reply);
    expect(button?.text?.text).toBe('Share in channel');
    expect(JSON.parse(button?.value ?? '{}')).toEqual({ command: 'status', group: 'PRD' });
    if (reply.kind === 'ephemeral') expectWithinLimits(reply.message);
  });

  it.each(['status PRD public', 'status PRD PUBLIC', 'status prd Public'])(
    '"%s" posts in the channel, without the button',
    async (input) => {
      const reply = await answer(input);
      expect(reply.kind).toBe('channel');
      expect(readable(reply)).not.toContain(SHARE_ACTION);
    },
  );

  it('windows without a group shares all windows; with public it posts', async () => {
    const windows = async () => ({ entries: [], failures: [] });
    const reply = await answer('windows', { windows });
    expect(JSON.parse(buttonOf(reply)?.value ?? '{}')).toEqual({ command: 'windows' });
    expect((await answer('windows public', { windows })).kind).toBe('channel');
    expect((await answer('windows PRD public', { windows })).kind).toBe('channel');
  });

  it('public does not get past the operator check', async () => {
    const reply = await answer('status PRD public', {}, MALLORY);
    expect(reply.kind).toBe('ephemeral');
    expect(readable(reply)).toContain('You are not an operator on PRD');
  });

  it('help states who sees each answer', async () => {
    const text = readable(await answer('help'));
    expect(text).toContain('`/patch status &lt;group&gt; [chart] [public]`');
    expect(text).toContain('`/patch baseline &lt;group&gt; [public]`');
    expect(text).toContain('`/patch windows [group] [public]`');
    expect(
      text.match(/only you see the answer; add `public`, or click Share in channel, to post it in the channel/g),
    ).toHaveLength(3);
    expect(text).toContain(
      "`/patch scan &lt;group&gt;` — scan a group now and post what is missing (nothing is installed) _(posted in the group's channel)_",
    );
    expect(text).toContain(
      '`/patch history [group]` — the last operations patchbot ran, who asked, outcome _(only you see the answer)_',
    );
  });
});

describe('status <group> chart', () => {
  const day = (d: string) => ({
    group: 'PRD',
    day: d,
    instances: 4,
    compliant: 3,
    critical: 1,
    important: 0,
    pendingReboot: 0,
    unreachable: 0,
    oldestScanAt: null,
    recordedAt: new Date('2026-03-10T00:00:00Z'),
  });

  it('answers with a chart of the group over the last 30 days, for the channel', async () => {
    const asked: unknown[][] = [];
    const reply = await answer('status prd chart', {
      groupDays: async (...args: unknown[]) => {
        asked.push(args);
        return [day('2026-03-09'), day('2026-03-10')];
      },
    } as Partial<CommandServices>);
    expect(asked).toEqual([[['PRD'], '2026-02-09', '2026-03-10']]);
    if (reply.kind !== 'file') throw new Error(`expected a file, got ${reply.kind}`);
    expect(reply.reply).toMatchObject({
      kind: 'chart',
      to: 'here',
      chart: { groups: ['PRD'], slug: 'prd', period: { fromDay: '2026-02-09', toDay: '2026-03-10' } },
    });
    expect(reply.reply.kind === 'chart' && reply.reply.chart.period.days).toHaveLength(30);
  });

  it('says privately when the group has no history yet, and refuses extra words', async () => {
    const none = await answer('status PRD chart', { groupDays: async () => [] });
    expect(none.kind).toBe('ephemeral');
    expect(readable(none)).toContain('PRD has no compliance history yet');
    expect(readable(await answer('status PRD chart now', { groupDays: async () => [] }))).toContain('Unexpected');
  });
});
