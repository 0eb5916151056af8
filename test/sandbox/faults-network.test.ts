/** Network faults on one action: a lost answer, a delayed request, a hung one; what the client sees and what the simulator carried out. */
import { SendCommandCommand } from '@aws-sdk/client-ssm';
import { startFleetSimulator } from '@patchbot/sandbox/aws';
import { clients, eventually, failure } from './helpers';

describe('network faults', () => {
  const send = {
    DocumentName: 'AWS-RunPatchBaseline',
    Parameters: { Operation: ['Scan'] },
    Targets: [{ Key: 'tag:Patch Group', Values: ['PRD'] }],
    Comment: 'fault test',
  };

  it('lose-answer carries the request out and drops the connection: the client sees an error, the journal the command', async () => {
    const sim = await startFleetSimulator({
      port: 0,
      faults: [{ action: 'ssm:SendCommand', kind: 'lose-answer', times: 1 }],
    });
    const aws = clients(sim.url, { maxAttempts: 1 });
    try {
      const err = await failure(aws.ssm.send(new SendCommandCommand(send)));
      expect(err.$metadata?.httpStatusCode).toBeUndefined();
      expect(sim.changes('SendCommand')).toHaveLength(1);
      // Used up: the next one is answered.
      await aws.ssm.send(new SendCommandCommand(send));
      expect(sim.changes('SendCommand')).toHaveLength(2);
    } finally {
      aws.destroy();
      await sim.close();
    }
  });

  it('delay lands the request later even when its sender gave up; hang drops it without carrying it out', async () => {
    const dropped: string[] = [];
    const sim = await startFleetSimulator({
      port: 0,
      onExchange: (x) => {
        if (x.status === 0) dropped.push(x.operation);
      },
    });
    const aws = clients(sim.url, { maxAttempts: 1, requestTimeoutMs: 200 });
    try {
      sim.configure({ faults: [{ action: 'ssm:SendCommand', kind: 'delay', ms: 600, times: 1 }] });
      await failure(aws.ssm.send(new SendCommandCommand(send)));
      expect(sim.changes('SendCommand')).toHaveLength(0);
      await eventually(async () => (sim.changes('SendCommand').length > 0 ? true : undefined));
      expect(sim.changes('SendCommand')).toHaveLength(1);

      sim.configure({ faults: [{ action: 'ssm:SendCommand', kind: 'hang', ms: 300, times: 1 }] });
      await failure(aws.ssm.send(new SendCommandCommand(send)));
      // The simulator is done with the hung request (dropped unanswered): only now does its absence tell.
      await eventually(async () => (dropped.includes('SendCommand') ? true : undefined));
      expect(sim.changes('SendCommand')).toHaveLength(1);
    } finally {
      aws.destroy();
      await sim.close();
    }
  });
});
