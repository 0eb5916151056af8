/**
 * The simulator's side of issue 17 against AWS's published SSM and S3 models, before the bot makes
 * these calls: GetCalendarState (answers and errors), S3 PutObject of the list (restXml: its members
 * bound to the path and headers, decoded by wire-rest.ts) and a write into no bucket, SendCommand
 * with OutputS3BucketName/KeyPrefix and InstallOverrideList, and the command, invocation and plugin
 * views that carry output and URLs. Every request the SDK sent and every answer the simulator wrote
 * goes through the same wire decoder and validator as the bot's contract.
 */
import {
  GetCalendarStateCommand,
  GetCommandInvocationCommand,
  ListCommandInvocationsCommand,
  ListCommandsCommand,
  SendCommandCommand,
} from '@aws-sdk/client-ssm';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { startFleetSimulator, type Exchange, type FleetSimulator } from '@patchbot/sandbox/aws';
import { ManualClock } from '../../src/clock';
import { ensureBotocoreModels } from '../support/botocore';
import { CREDENTIALS, clients } from '../sandbox/helpers';
import { ContractReport, describeDiscrepancy, loadModels, type ServiceId, type ServiceModel } from './model';
import { checkExchange } from './wire';
import { deviationOf, newerThanModel } from './deviations';
import type { Discrepancy } from './model';

/**
 * GetCommandInvocation's times as AWS writes them, against the model's StringDateTime pattern
 * (which allows one fractional digit and no ISO duration): "ExecutionStartDateTime":
 * "2020-02-19T18:18:03.419Z", "ExecutionElapsedTime": "PT0.091S" (AWS CLI reference example of
 * get-command-invocation), and "" while the plugin has not started ("If the plugin hasn't started
 * to run, the string is empty", the API reference). The bot does not call GetCommandInvocation yet;
 * when it does, this belongs in deviations.ts beside the others.
 */
const invocationTimes = (d: Discrepancy) =>
  d.operation === 'GetCommandInvocation' &&
  d.direction === 'response' &&
  d.rule === 'pattern' &&
  ['ExecutionStartDateTime', 'ExecutionEndDateTime', 'ExecutionElapsedTime'].includes(d.path) &&
  /^"(|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z|PT\d+\.\d{3}S)" does not match /.test(d.detail);

describe('the simulator’s issue-17 answers, against the published SSM and S3 models', () => {
  let sim: FleetSimulator;
  let aws: ReturnType<typeof clients>;
  let s3: S3Client;
  let models: Record<ServiceId, ServiceModel>;
  const clock = new ManualClock('2026-12-20T10:00:00Z');
  const exchanges: Exchange[] = [];

  beforeAll(async () => {
    const dataDir = ensureBotocoreModels((line) => process.stdout.write(`${line}\n`));
    models = loadModels(dataDir);
    sim = await startFleetSimulator({
      port: 0,
      clock,
      timing: { pendingMs: 1000, runMs: 3000 },
      buckets: [{ name: 'patchbot-output' }],
      onExchange: (x) => exchanges.push(x),
    });
    aws = clients(sim.url);
    s3 = new S3Client({ endpoint: sim.url, forcePathStyle: true, region: 'us-east-1', credentials: CREDENTIALS });
  }, 15 * 60_000);
  afterAll(async () => {
    s3?.destroy();
    aws?.destroy();
    await sim?.close();
  });

  it('writes nothing the model does not allow', async () => {
    sim.setCalendar('prod-freeze', { state: 'CLOSED', nextTransitionTime: '2026-12-20T12:00:00Z' });
    sim.setCalendar('holidays', { state: 'OPEN' });
    await aws.ssm.send(new GetCalendarStateCommand({ CalendarNames: ['prod-freeze'] }));
    await aws.ssm.send(
      new GetCalendarStateCommand({ CalendarNames: ['holidays', 'prod-freeze'], AtTime: '2026-12-20T13:00:00Z' }),
    );
    await aws.ssm.send(new GetCalendarStateCommand({ CalendarNames: ['missing-one'] })).catch(() => undefined);
    await aws.ssm.send(new GetCalendarStateCommand({ CalendarNames: ['AWS-RunPatchBaseline'] })).catch(() => undefined);
    await s3.send(
      new PutObjectCommand({
        Bucket: 'patchbot-output',
        Key: 'lists/prd.yaml',
        Body: 'patches:\n  - id: kernel.x86_64\n',
      }),
    );
    await s3
      .send(new PutObjectCommand({ Bucket: 'patchbot-missing', Key: 'lists/prd.yaml', Body: 'patches: []\n' }))
      .catch(() => undefined);
    const sent = await aws.ssm.send(
      new SendCommandCommand({
        DocumentName: 'AWS-RunPatchBaseline',
        Targets: [{ Key: 'tag:Patch Group', Values: ['STG'] }],
        Parameters: {
          Operation: ['Install'],
          RebootOption: ['NoReboot'],
          InstallOverrideList: ['s3://patchbot-output/lists/prd.yaml'],
        },
        OutputS3BucketName: 'patchbot-output',
        OutputS3KeyPrefix: 'patchbot/STG',
      }),
    );
    const instance = sim.changes('SendCommand').at(-1)?.detail.resolved as string[];
    sim.setInstance(instance[0]!, { failNext: true });
    clock.advance(60_000);
    const id = sent.Command!.CommandId!;
    await aws.ssm.send(new ListCommandsCommand({ CommandId: id }));
    await aws.ssm.send(new ListCommandInvocationsCommand({ CommandId: id, Details: true }));
    for (const i of instance) await aws.ssm.send(new GetCommandInvocationCommand({ CommandId: id, InstanceId: i }));

    const report = new ContractReport();
    const ssmExchanges = exchanges.filter((x) => x.service === 'ssm');
    expect(ssmExchanges.map((x) => x.operation)).toEqual(
      expect.arrayContaining(['GetCalendarState', 'SendCommand', 'ListCommandInvocations', 'GetCommandInvocation']),
    );
    expect(ssmExchanges.filter((x) => x.operation === 'GetCalendarState' && x.status === 400)).toHaveLength(2);
    expect(exchanges.filter((x) => x.service === 's3').map((x) => `${x.operation} ${x.status}`)).toEqual([
      'PutObject 200',
      'PutObject 404',
    ]);
    for (const x of exchanges) checkExchange({ models, report }, x);
    const found = report.discrepancies.filter(
      (d) => deviationOf(d) === undefined && !newerThanModel(d) && !invocationTimes(d),
    );
    expect(found.map(describeDiscrepancy)).toEqual([]);
    expect(report.membersChecked).toBeGreaterThan(100);
  });
});
