/** The SSM.1 rule: which tagged instances SSM does not manage, grouped by account and region. */
import { isUnmanaged, unmanagedInstances } from '../../src/patching/unmanaged';
import { managedInstance } from './unit-fixtures';

const instance = managedInstance;

describe('isUnmanaged', () => {
  it('is a running or pending instance SSM does not list', () => {
    expect(isUnmanaged({ pingStatus: undefined, ec2State: 'running' })).toBe(true);
    expect(isUnmanaged({ pingStatus: undefined, ec2State: 'pending' })).toBe(true);
  });

  it('is not a stopped, stopping or gone instance: SSM leaves those out of its list on purpose', () => {
    for (const state of ['stopped', 'stopping', 'shutting-down', 'terminated'])
      expect(isUnmanaged({ pingStatus: undefined, ec2State: state })).toBe(false);
  });

  it('is not a node SSM lists, whatever its ping status (registered, maybe unreachable)', () => {
    for (const ping of ['Online', 'ConnectionLost', 'Inactive'] as const)
      expect(isUnmanaged({ pingStatus: ping, ec2State: 'running' })).toBe(false);
  });

  it('is not an instance whose EC2 state is unknown (SSM alone listed it)', () => {
    expect(isUnmanaged({ pingStatus: undefined, ec2State: undefined })).toBe(false);
  });
});

describe('unmanagedInstances', () => {
  it('groups them per account and region, most first, names in order, with the account when known', () => {
    const found = unmanagedInstances([
      {
        scope: 'prod',
        region: 'us-east-1',
        account: '111111111111',
        instances: [
          instance('i-1', { name: 'web-2', pingStatus: undefined }),
          instance('i-2', { name: 'web-1', pingStatus: undefined }),
          instance('i-3', { name: 'db-1' }),
          instance('i-4', { name: 'stopped-1', pingStatus: undefined, ec2State: 'stopped' }),
        ],
      },
      {
        scope: 'dr',
        region: 'eu-west-1',
        instances: [instance('i-5', { pingStatus: undefined })],
      },
      { scope: 'prod', region: 'eu-west-1', account: '111111111111', instances: [instance('i-6')] },
    ]);
    expect(found).toEqual({
      total: 3,
      places: [
        {
          scope: 'prod',
          account: '111111111111',
          region: 'us-east-1',
          instances: [
            { instanceId: 'i-2', name: 'web-1', scope: 'prod', region: 'us-east-1' },
            { instanceId: 'i-1', name: 'web-2', scope: 'prod', region: 'us-east-1' },
          ],
        },
        { scope: 'dr', region: 'eu-west-1', instances: [{ instanceId: 'i-5', scope: 'dr', region: 'eu-west-1' }] },
      ],
    });
  });

  it('is undefined when every tagged instance is managed', () => {
    expect(unmanagedInstances([{ scope: 'a', region: 'us-east-1', instances: [instance('i-1')] }])).toBeUndefined();
    expect(unmanagedInstances([])).toBeUndefined();
  });
});
