/** Change freezes on the card: which calendar, until when, why unreadable, the override button only where it can count, and the announcement. */
import { validateView } from '@patchbot/sandbox/slack/blocks-validate';
import type { FreezeCheck } from '../../../src/patching/freeze';
import { ACTIONS, OVERRIDE_MODAL } from '../../../src/slack/views/actions';
import { freezeOverrideAnnouncement } from '../../../src/slack/views/freeze-announcement';
import { operationView } from '../../../src/slack/views/operation';
import { overrideModalView } from '../../../src/slack/views/override-modal';
import { button } from './card-helpers';
import { EVIL_NAME, HOUR, NOW, changeReport, expectWithinLimits, readable, smallPlan } from './fixtures';

const closed: FreezeCheck = {
  checkedAt: NOW,
  calendars: [
    {
      calendar: 'prd-freeze',
      scope: 'default',
      region: 'us-east-1',
      state: 'CLOSED',
      until: new Date(NOW.getTime() + 6 * HOUR),
    },
    { calendar: 'cab-calendar', scope: 'default', region: 'us-east-1', state: 'OPEN' },
  ],
};

const frozen = (freeze: FreezeCheck, extra: Parameters<typeof changeReport>[1] = {}) =>
  operationView(changeReport(smallPlan(), { status: 'approved', freeze, ...extra }), NOW);

describe('the frozen card', () => {
  it('names the closed calendar and until when, says nothing was sent, and leaves open ones out', () => {
    const m = frozen(closed);
    expectWithinLimits(m);
    expect(m.text).toContain('approved · frozen by prd-freeze until Tue 10 Mar 18:00 UTC');
    const text = readable(m);
    expect(text).toContain('*prd-freeze* is CLOSED until Tue 10 Mar 18:00 UTC (in 6h)');
    expect(text).toContain('*Nothing was sent*');
    expect(text).not.toContain('cab-calendar');
    expect(button(m, ACTIONS.overrideFreeze)).toBeUndefined();
  });

  it('offers the override only where the group has override approvers, and not once granted', () => {
    expect(button(frozen(closed, { freezeOverridable: true }), ACTIONS.overrideFreeze)).toMatchObject({
      value: 'op-7k2m9q',
      style: 'danger',
    });
    const granted = frozen(closed, {
      freezeOverridable: true,
      freezeOverride: {
        votes: [
          { userId: 'U0BOB0002', at: NOW.toISOString(), reason: `INC-1 ${EVIL_NAME}` },
          { userId: 'U0CAROL03', at: NOW.toISOString(), reason: 'agreed' },
        ],
        grantedAt: NOW.toISOString(),
      },
    });
    expect(button(granted, ACTIONS.overrideFreeze)).toBeUndefined();
    expect(readable(granted)).toContain('INC-1 &lt;!channel&gt;');
    expect(readable(granted)).not.toContain('<!channel>');
  });

  it('says why an unreadable calendar counts as closed, names the missing permission, and offers no override for it', () => {
    const denied: FreezeCheck = {
      checkedAt: NOW,
      calendars: [
        {
          calendar: 'prd-freeze',
          scope: 'default',
          region: 'us-east-1',
          state: 'UNREADABLE',
          problem: 'denied',
          permission: 'ssm:GetCalendarState on arn:aws:ssm:us-east-1:123456789012:document/prd-freeze',
        },
        { calendar: 'gone', scope: 'other', region: 'eu-west-1', state: 'UNREADABLE', problem: 'missing' },
        {
          calendar: 'slow',
          scope: 'other',
          region: 'eu-west-1',
          state: 'UNREADABLE',
          problem: 'error',
          message: `AWS did not answer ${EVIL_NAME}`,
        },
      ],
    };
    const m = frozen(denied, { freezeOverridable: true });
    const text = readable(m);
    expect(text).toContain(
      '*prd-freeze* (default, us-east-1) cannot be read: AWS denied access, so it counts as closed. Missing permission: `ssm:GetCalendarState on arn:aws:ssm:us-east-1:123456789012:document/prd-freeze`',
    );
    expect(text).toContain('*gone* (other, eu-west-1) does not exist, so it counts as closed');
    expect(text).toContain('AWS did not answer &lt;!channel&gt;');
    expect(m.text).toContain('(a calendar cannot be read)');
    expect(button(m, ACTIONS.overrideFreeze)).toBeUndefined();
  });

  it('ends as "was not sent: frozen" when the requester chose not to wait', () => {
    const m = operationView(
      changeReport(smallPlan({ ifFrozen: 'cancel' }), {
        status: 'expired',
        freeze: closed,
        missed: { reason: 'frozen', at: NOW.toISOString() },
        finishedAt: NOW,
      }),
      NOW,
    );
    expect(m.text).toContain('was not sent: frozen');
    expect(readable(m)).toContain('if-frozen=cancel');
    expect(readable(m)).toContain('*prd-freeze* is CLOSED until');
  });
});

describe('the override dialog and the announcement', () => {
  it('the dialog asks for a reason and carries only the operation id', () => {
    const view = overrideModalView('op-7k2m9q', `install on PRD ${EVIL_NAME}`);
    const verdict = validateView(view);
    if (!verdict.ok) throw new Error(verdict.issues.map((i) => `${i.pointer} ${i.message}`).join('; '));
    expect(view.private_metadata).toBe('op-7k2m9q');
    expect(view.callback_id).toBe(OVERRIDE_MODAL.callbackId);
    expect(JSON.stringify(view)).not.toContain('<!channel>');
  });

  it('names both people, the calendars and both reasons, escaped; nothing before the grant', () => {
    const votes = [
      { userId: 'U0BOB0002', at: NOW.toISOString(), reason: `INC-1 ${EVIL_NAME}` },
      { userId: 'U0CAROL03', at: NOW.toISOString(), reason: 'agreed with the CAB' },
    ];
    expect(
      freezeOverrideAnnouncement(changeReport(smallPlan(), { freezeOverride: { votes: votes.slice(0, 1) } })),
    ).toBe(undefined);
    const m = freezeOverrideAnnouncement(
      changeReport(smallPlan(), {
        status: 'approved',
        freezeOverride: { votes, grantedAt: NOW.toISOString(), calendars: ['prd-freeze'] },
      }),
    )!;
    expectWithinLimits(m);
    const text = readable(m);
    expect(text).toContain('<@U0BOB0002> and <@U0CAROL03>');
    expect(text).toContain('prd-freeze');
    expect(text).toContain('INC-1 &lt;!channel&gt;');
    expect(text).toContain('agreed with the CAB');
    expect(text).not.toContain('<!channel>');
  });
});
