/** Ephemeral error, usage and refusal replies: what was wrong, what is valid, who may; all escaped. */
import { errorView, forbiddenView, usageView } from '../../../src/slack/views/errors';
import { EVIL_NAME, expectWithinLimits, readable } from './fixtures';

describe('usageView', () => {
  it('renders the domain message without repeating what it already says', () => {
    const m = usageView(
      'Unknown group "QA". Groups: STG, PRD, WIN. Usage: /patch status <group>',
      '/patch status <group>',
    );
    expectWithinLimits(m);
    expect(m.text).toBe('Unknown group "QA". Groups: STG, PRD, WIN. Usage: /patch status &lt;group&gt;');
    expect(readable(m).match(/Usage/g)).toHaveLength(2);
  });
  it('adds the valid choices and the usage line when the problem does not name them', () => {
    const m = usageView('Unknown subcommand "frob".', '/patch <subcommand> [group]', ['help', 'status'], 'Subcommands');
    expectWithinLimits(m);
    expect(readable(m)).toContain(
      '⚠️ Unknown subcommand "frob".\nSubcommands: `help`, `status`\nUsage: `/patch &lt;subcommand&gt; [group]`',
    );
    expect(m.text).toBe(
      'Unknown subcommand "frob". Subcommands: help, status. Usage: /patch &lt;subcommand&gt; [group]',
    );
  });
  it('escapes what the user typed', () => {
    const m = usageView(`Unknown group "${EVIL_NAME}".`, '/patch status <group>', ['PRD']);
    expectWithinLimits(m);
    expect(JSON.stringify(m)).not.toMatch(/<[!@h]/);
  });
});

describe('errorView', () => {
  it('shows the message and the request id, escaped', () => {
    const m = errorView(`AWS denied ssm:SendCommand ${EVIL_NAME}`, 'req-123');
    expectWithinLimits(m);
    expect(readable(m)).toContain('❌ AWS denied ssm:SendCommand &lt;!channel&gt;');
    expect(readable(m)).toContain('Request `req-123`: the bot logs have the detail.');
  });
  it('stays within limits for a huge message', () => expectWithinLimits(errorView('x'.repeat(50_000))));
});

describe('forbiddenView', () => {
  it('says who may, as mentions of users and user groups', () => {
    const m = forbiddenView(
      'You are not an operator on PRD, so you cannot run /patch scan PRD.',
      ['U0ALICE001', 'S0OPS0001', 'bogus<!here>'],
      new Map([['S0OPS0001', 'ops']]),
    );
    expectWithinLimits(m);
    expect(readable(m)).toContain('🔒 You are not an operator on PRD');
    expect(readable(m)).toContain('Who may: <@U0ALICE001>, @ops, bogus&lt;!here&gt;');
  });
});
