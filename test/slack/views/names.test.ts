/**
 * Names, not ids: every view, rendered from fixtures, shows users as `<@U…>`, channels as `<#C…>`
 * and user groups by their handle as plain text; no raw U…/W…/S…/C… id is left in what a reader
 * sees (fallback text, blocks, threads, the reject and approve dialogs), and no `<!subteam^…>`, which would
 * notify every member of a group that is only being named.
 */
import { said, user } from '../../../src/sentence';
import { approveModalView, rejectModalView } from '../../../src/slack/views';
import { expectNamesNotIds, rawIds } from './fixtures';
import { ALICE, BOB, OPS, STG_CHANNEL } from './names-fixtures';
import { views } from './names-views';

describe('names, not ids, in every view', () => {
  it.each(views)('%s', (_name, m) => expectNamesNotIds(m));

  it('the reject dialog names the requester with a mention in a mrkdwn section', () => {
    const modal = rejectModalView('op-7k2m9q', said`install on PRD, requested by ${user(ALICE)} (op-7k2m9q)`);
    const json = JSON.stringify(modal);
    expect(rawIds(json)).toEqual([]);
    expect(json).toContain(`requested by <@${ALICE}>`);
  });

  it('the approve dialog names the requester with a mention in a mrkdwn section', () => {
    const modal = approveModalView('op-7k2m9q', said`install on PRD, requested by ${user(ALICE)} (op-7k2m9q)`);
    const json = JSON.stringify(modal);
    expect(rawIds(json)).toEqual([]);
    expect(json).toContain(`requested by <@${ALICE}>`);
  });

  it('says what the fixtures mean: mentions, handles and links where ids were', () => {
    const text = (i: number) => JSON.stringify(views[i]?.[1]);
    expect(text(0)).toContain('@ops-leads');
    expect(text(1)).toContain('a user group');
    expect(text(2)).toContain(`Rejected by <@${BOB}>`);
    const refusal = JSON.stringify(views.find(([n]) => n === 'cancel refusal')?.[1]);
    expect(refusal).toContain(
      `Only the requester (<@${ALICE}>) or an approver of PRD (<@U0CAROL03>, @ops-leads) may cancel op-7k2m9q.`,
    );
    expect(JSON.stringify(views.find(([n]) => n === 'note with a channel')?.[1])).toContain(
      `posted in <#${STG_CHANNEL}>.`,
    );
    expect(JSON.stringify(views.find(([n]) => n === 'window result')?.[1])).toContain('prd-web-1');
  });

  it('the check itself catches raw ids and group mentions', () => {
    expect(rawIds(`cancelled by ${ALICE}`)).toEqual([ALICE]);
    expect(rawIds(`posted in ${STG_CHANNEL}`)).toEqual([STG_CHANNEL]);
    expect(rawIds(`<!subteam^${OPS}>`)).toEqual([`<!subteam^${OPS}>`, OPS]);
    expect(rawIds(`<@${ALICE}> in <#${STG_CHANNEL}>: CANCELLED, SUCCESS, ALAS-2026-1001`)).toEqual([]);
  });
});
