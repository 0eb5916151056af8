/**
 * Forged and replayed Slack requests against the real bot: each must be refused with an HTTP error
 * status and create no operation (and send nothing to AWS).
 */
import { Expect, type FaultCase, type Figures } from './case';
import { channels, users } from './flow';
import { sleep, until, type World } from './world';

const YEAR_SECONDS = 365 * 24 * 3600;

/** What a refused request must leave: no operation, no AWS change. */
function refused(
  w: World,
  status: number,
  opsBefore: number,
  sendsBefore: number,
): { figures: Figures; failures: string[] } {
  const ops = w.operations().length - opsBefore;
  const sends = w.sim.changes('SendCommand').length - sendsBefore;
  const e = new Expect();
  e.that(status >= 400 && status < 500, `answered HTTP ${status} (expected a 4xx refusal)`);
  e.that(ops === 0, `${ops} operation(s) created (expected none)`);
  e.that(sends === 0, `SendCommand ${sends} (expected none)`);
  return { figures: { status, newOperations: ops, newSendCommands: sends }, failures: e.failures };
}

function timestampCase(name: string, offsetSeconds: number, words: string): FaultCase {
  return {
    name,
    what: `a slash command signed with the right secret and a timestamp ${words}: refused, nothing created`,
    quick: name === 'forged-timestamp-plus-10min',
    async run(w) {
      await w.startBot();
      const r = await w.slack.driver.slashCommand({
        userId: users.alice,
        channelId: channels.stg,
        text: 'scan STG',
        timestampOffsetSeconds: offsetSeconds,
      });
      await sleep(2000);
      return refused(w, r.status, 0, 0);
    },
  };
}

function replayCase(): FaultCase {
  return {
    name: 'replayed-scan',
    what: 'a captured signed `/patch scan STG` sent again 2 s later (same body, timestamp, signature): refused, no second scan',
    quick: true,
    async run(w) {
      await w.startBot();
      const genuine = await w.slack.driver.slashCommand({
        userId: users.alice,
        channelId: channels.stg,
        text: 'scan STG',
      });
      const first = await until(
        () => w.operations().length >= 1 && w.sim.changes('SendCommand').length >= 1,
        15_000,
        50,
      );
      const opsBefore = w.operations().length;
      const sendsBefore = w.sim.changes('SendCommand').length;
      await sleep(2000);
      const { body, timestamp, signature } = genuine.sent;
      const replay = await w.slack.driver.send(body, { rawBody: body, timestamp, signature });
      await sleep(2500);
      const out = refused(w, replay.status, opsBefore, sendsBefore);
      if (genuine.status !== 200 || !first)
        out.failures.unshift(
          `the genuine command was not carried out (HTTP ${genuine.status}, ${opsBefore} operations)`,
        );
      return { figures: { genuine: genuine.status, replay: replay.status, ...out.figures }, failures: out.failures };
    },
  };
}

/** A correctly signed slash command from another workspace or app (team_id / api_app_id not ours). */
function foreignCase(field: 'team_id' | 'api_app_id', value: string): FaultCase {
  return {
    name: field === 'team_id' ? 'foreign-team-id' : 'foreign-app-id',
    what: `a correctly signed \`/patch scan STG\` with ${field}=${value}: refused, nothing created`,
    quick: false,
    async run(w) {
      await w.startBot();
      const fields: Record<string, string> = {
        token: 'verification-token',
        team_id: 'T0PATCHBOT',
        team_domain: 'patchbot-demo',
        channel_id: channels.stg,
        channel_name: 'stg-patching',
        user_id: users.alice,
        user_name: 'alice',
        command: '/patch',
        text: 'scan STG',
        api_app_id: 'A0PATCHBOT',
        is_enterprise_install: 'false',
        response_url: `${w.slack.url}/response/forged`,
        trigger_id: '1.2.forged',
      };
      fields[field] = value;
      const r = await w.slack.driver.send(new URLSearchParams(fields).toString());
      await sleep(2000);
      return refused(w, r.status, 0, 0);
    },
  };
}

export const REQUEST_CASES: FaultCase[] = [
  // The control: a stale timestamp, which Bolt refuses already; it shows the harness sees a refusal.
  timestampCase('forged-timestamp-minus-10min', -600, '10 minutes in the past (control)'),
  timestampCase('forged-timestamp-plus-10min', 600, '10 minutes in the future'),
  timestampCase('forged-timestamp-plus-1year', YEAR_SECONDS, 'one year in the future'),
  replayCase(),
  foreignCase('team_id', 'T0FOREIGN1'),
  foreignCase('api_app_id', 'A0FOREIGN1'),
];
