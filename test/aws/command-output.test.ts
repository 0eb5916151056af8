import type { GetCommandInvocationCommand, SendCommandCommand } from '@aws-sdk/client-ssm';
import { getCommandInvocation, sendPatchCommand } from '../../src/aws/command-calls';
import type { GatewayCalls } from '../../src/aws/gateway-calls';
import { silentLogger } from '../../src/logger';

/** GatewayCalls whose SSM clients record each command's input and answer with `answer`. */
function calls(answer: unknown, sent: unknown[]): GatewayCalls {
  const ssm = {
    send: async (command: SendCommandCommand | GetCommandInvocationCommand) => {
      sent.push(command.input);
      return answer;
    },
  };
  return {
    clients: { ssm, once: { ssm } } as never,
    log: silentLogger(),
    call: (_service, _operation, fn) => fn(),
  };
}

const spec = {
  operation: 'Install' as const,
  rebootOption: 'NoReboot' as const,
  group: { tagKey: 'Patch Group', tagValue: 'prd', operatingSystem: 'AMAZON_LINUX_2' },
  maxConcurrency: '10%',
  maxErrors: '0',
  operationId: 'op-abc123',
  timeoutSeconds: 3600,
};

describe('SendCommand with install.outputS3', () => {
  it('passes the bucket and prefix as OutputS3BucketName and OutputS3KeyPrefix', async () => {
    const sent: Record<string, unknown>[] = [];
    await sendPatchCommand(calls({ Command: { CommandId: 'c-1' } }, sent), {
      ...spec,
      outputS3: { bucket: 'patchbot-output', prefix: 'runs/prd' },
    });
    expect(sent[0]).toMatchObject({ OutputS3BucketName: 'patchbot-output', OutputS3KeyPrefix: 'runs/prd' });
  });

  it('names no bucket without it, and no prefix when none is configured', async () => {
    const sent: Record<string, unknown>[] = [];
    await sendPatchCommand(calls({ Command: { CommandId: 'c-1' } }, sent), spec);
    await sendPatchCommand(calls({ Command: { CommandId: 'c-2' } }, sent), {
      ...spec,
      outputS3: { bucket: 'patchbot-output', prefix: undefined },
    });
    expect(sent[0]).not.toHaveProperty('OutputS3BucketName');
    expect(sent[1]).toHaveProperty('OutputS3BucketName', 'patchbot-output');
    expect(sent[1]).not.toHaveProperty('OutputS3KeyPrefix');
  });
});

describe('GetCommandInvocation', () => {
  it('asks for the step by name and reads SSM’s empty strings as absent', async () => {
    const sent: Record<string, unknown>[] = [];
    const got = await getCommandInvocation(
      calls(
        {
          CommandId: 'c-1',
          InstanceId: 'i-1',
          PluginName: 'PatchLinux',
          ResponseCode: 1,
          Status: 'Failed',
          StatusDetails: 'Failed',
          StandardOutputContent: 'out',
          StandardErrorContent: '',
          StandardOutputUrl: '',
          StandardErrorUrl: '',
        },
        sent,
      ),
      'c-1',
      'i-1',
      'PatchLinux',
    );
    expect(sent[0]).toEqual({ CommandId: 'c-1', InstanceId: 'i-1', PluginName: 'PatchLinux' });
    expect(got).toMatchObject({
      responseCode: 1,
      status: 'Failed',
      standardOutput: 'out',
      standardOutputUrl: undefined,
    });
  });

  it('refuses an answer without a status or exit code', async () => {
    await expect(getCommandInvocation(calls({ CommandId: 'c-1' }, []), 'c-1', 'i-1')).rejects.toThrow();
  });
});
