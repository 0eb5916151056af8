/** aws.rateLimit and a scope's own rateLimit: defaults, a scope's override, and what is refused. */
import { parseConfigText } from '../../src/config';
import { messagesOf } from './helpers';

const GROUPS = 'groups: {PRD: {channel: C1, operators: [U1]}}';

describe('aws.rateLimit', () => {
  it('fills in what is left out, and a scope without its own takes the document’s', () => {
    const config = parseConfigText(
      [
        'aws:',
        '  rateLimit: {requestsPerSecond: 2.5}',
        '  scopes:',
        '    - {name: a, regions: [us-east-1]}',
        '    - {name: b, regions: [us-east-1], rateLimit: {requestsPerSecond: 0.5, burst: 1}}',
        GROUPS,
      ].join('\n'),
      'patchbot.yml',
      {},
    );
    expect(config.aws.rateLimit).toEqual({ requestsPerSecond: 2.5, burst: 4 });
    expect(config.aws.scopes.map((s) => s.rateLimit)).toEqual([
      { requestsPerSecond: 2.5, burst: 4 },
      { requestsPerSecond: 0.5, burst: 1 },
    ]);
  });

  it('refuses a rate of 0, a fractional burst and unknown keys', () => {
    const messages = messagesOf(`aws:\n  rateLimit: {requestsPerSecond: 0, burst: 1.5, rps: 3}\n${GROUPS}`);
    expect(messages).toHaveLength(3);
    expect(messages).toEqual(
      expect.arrayContaining([
        'aws.rateLimit.rps: unknown key (expected one of: requestsPerSecond, burst)',
        'aws.rateLimit.burst: expected a whole number of requests from 1 to 1000, got the number 1.5',
        expect.stringMatching(/^aws\.rateLimit\.requestsPerSecond: expected a number of requests per second above 0/),
      ]),
    );
  });
});
