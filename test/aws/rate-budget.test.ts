/**
 * The request budget: a first-come-first-served token bucket, and its place in the SDK's middleware
 * stack (inside the retry middleware, so every attempt takes a token, and before signing).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DescribePatchGroupStateCommand, SSMClient } from '@aws-sdk/client-ssm';
import { AwsClientPool } from '../../src/aws';
import { INSTANCE_PAGE_GATE_MIDDLEWARE } from '../../src/aws/instance-page-gate';
import {
  budgetKey,
  RATE_BUDGET_MIDDLEWARE,
  realTicker,
  TokenBucket,
  type Ticker,
  useRateBudget,
} from '../../src/aws/rate-budget';
import { silentLogger } from '../../src/logger';
import { SANDBOX_CREDENTIALS } from '../support/aws';

/** A ticker that moves only when told to; sleepers wake in the order their wake-up time comes. */
class FakeTicker implements Ticker {
  private t = 0;
  private sleepers: Array<{ at: number; wake: () => void }> = [];
  readonly slept: number[] = [];

  now(): number {
    return this.t;
  }

  sleep(ms: number): Promise<void> {
    this.slept.push(ms);
    return new Promise((wake) => this.sleepers.push({ at: this.t + ms, wake }));
  }

  /** Moves time forward and wakes every sleeper now due, then lets their continuations run. */
  async advance(ms: number): Promise<void> {
    this.t += ms;
    const due = this.sleepers.filter((s) => s.at <= this.t + 1e-9).sort((a, b) => a.at - b.at);
    this.sleepers = this.sleepers.filter((s) => !due.includes(s));
    for (const s of due) s.wake();
    for (let i = 0; i < 5; i++) await Promise.resolve();
  }
}

describe('TokenBucket', () => {
  it('lets the burst through at once, then one request per 1/rate, in the order they asked', async () => {
    const ticker = new FakeTicker();
    const bucket = new TokenBucket({ requestsPerSecond: 5, burst: 2 }, ticker);
    const done: number[] = [];
    const waits = [1, 2, 3, 4].map(async (n) => {
      const waited = await bucket.take();
      done.push(n);
      return waited;
    });
    await ticker.advance(0);
    expect(done).toEqual([1, 2]);
    // Each waiter sleeps once, exactly until its token exists: no polling.
    expect(ticker.slept).toEqual([200, 400]);
    await ticker.advance(199);
    expect(done).toEqual([1, 2]);
    await ticker.advance(1);
    expect(done).toEqual([1, 2, 3]);
    await ticker.advance(200);
    expect(done).toEqual([1, 2, 3, 4]);
    expect(await Promise.all(waits)).toEqual([0, 0, 200, 400]);
  });

  it('refills at the rate up to the burst, never beyond', async () => {
    const ticker = new FakeTicker();
    const bucket = new TokenBucket({ requestsPerSecond: 5, burst: 2 }, ticker);
    await Promise.all([bucket.take(), bucket.take()]);
    await ticker.advance(10_000);
    const waits = [bucket.take(), bucket.take(), bucket.take()];
    await ticker.advance(200);
    expect(await Promise.all(waits)).toEqual([0, 0, 200]);
  });

  it('a fractional rate spaces requests out: 0.5 per second is one every 2 s', async () => {
    const ticker = new FakeTicker();
    const bucket = new TokenBucket({ requestsPerSecond: 0.5, burst: 1 }, ticker);
    const waits = [bucket.take(), bucket.take(), bucket.take()];
    await ticker.advance(4000);
    expect(await Promise.all(waits)).toEqual([0, 2000, 4000]);
  });

  it('really waits with the real ticker (at least 1/rate for the request past the burst)', async () => {
    const bucket = new TokenBucket({ requestsPerSecond: 20, burst: 1 }, realTicker);
    const start = performance.now();
    await Promise.all([bucket.take(), bucket.take(), bucket.take()]);
    expect(performance.now() - start).toBeGreaterThanOrEqual(95);
  });
});

describe('budgetKey', () => {
  it('keys by account and region when the scope names an account, else by scope name and region', () => {
    expect(budgetKey({ name: 'a', accountId: '111111111111' }, 'us-east-1')).toBe(
      budgetKey({ name: 'b', accountId: '111111111111' }, 'us-east-1'),
    );
    expect(budgetKey({ name: 'a', accountId: '111111111111' }, 'us-east-1')).not.toBe(
      budgetKey({ name: 'a', accountId: '111111111111' }, 'eu-west-1'),
    );
    expect(budgetKey({ name: 'a' }, 'us-east-1')).not.toBe(budgetKey({ name: 'b' }, 'us-east-1'));
  });
});

describe('the budget in the SDK middleware stack', () => {
  it('sits in finalizeRequest right inside the retry middleware and before signing, on every client of a region', () => {
    const pool = new AwsClientPool([{ name: 'default', regions: ['us-east-1'] }], { credentials: SANDBOX_CREDENTIALS });
    try {
      const c = pool.get('default', 'us-east-1');
      for (const client of [c.ssm, c.ec2, c.sts, c.s3, c.once.ssm, c.once.ec2]) {
        const stack = client.middlewareStack.identify();
        const at = (name: string) => stack.findIndex((entry) => entry.startsWith(`${name} `));
        // identify() lists the stack in the order a request passes through it: the retry middleware
        // (finalizeRequest) calls what follows it once per attempt.
        expect(stack[at('retryMiddleware')]).toBe('retryMiddleware - finalizeRequest');
        expect(at(RATE_BUDGET_MIDDLEWARE)).toBe(at('retryMiddleware') + 1);
        // EC2's clients pass the instance-page gate after their token, so a request waiting for one holds no slot.
        const gated = client === c.ec2 || client === c.once.ec2;
        if (gated) expect(at(INSTANCE_PAGE_GATE_MIDDLEWARE)).toBe(at(RATE_BUDGET_MIDDLEWARE) + 1);
        else expect(at(INSTANCE_PAGE_GATE_MIDDLEWARE)).toBe(-1);
        expect(at('httpSigningMiddleware')).toBe(at(RATE_BUDGET_MIDDLEWARE) + (gated ? 2 : 1));
      }
    } finally {
      pool.destroy();
    }
  });

  describe('over HTTP', () => {
    let server: Server;
    let url: string;
    let requests = 0;
    let failFirst = 0;
    beforeAll(async () => {
      server = createServer((req, res) => {
        req.resume();
        req.on('end', () => {
          requests++;
          res.setHeader('content-type', 'application/x-amz-json-1.1');
          if (requests <= failFirst) {
            res.statusCode = 500;
            res.end(JSON.stringify({ __type: 'InternalServerError', message: 'try again' }));
          } else res.end(JSON.stringify({ Instances: 0 }));
        });
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((r) => server.close(() => r())));

    /** A bucket that counts its takes. */
    class CountingBucket extends TokenBucket {
      takes = 0;
      override take(): Promise<number> {
        this.takes++;
        return super.take();
      }
    }

    it('each attempt of a retried call takes its own token', async () => {
      requests = 0;
      failFirst = 2;
      const bucket = new CountingBucket({ requestsPerSecond: 1000, burst: 1000 });
      const client = new SSMClient({
        region: 'us-east-1',
        endpoint: url,
        credentials: SANDBOX_CREDENTIALS,
        maxAttempts: 3,
        retryMode: 'standard',
      });
      useRateBudget(client.middlewareStack, bucket, silentLogger());
      try {
        await client.send(new DescribePatchGroupStateCommand({ PatchGroup: 'PRD' }));
      } finally {
        client.destroy();
      }
      expect(requests).toBe(3);
      expect(bucket.takes).toBe(3);
    });
  });
});
