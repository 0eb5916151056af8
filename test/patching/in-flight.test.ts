import { InFlight } from '../../src/patching/in-flight';

describe('InFlight', () => {
  it('lets callers of the same key share the read under way, and starts afresh once it settled', async () => {
    const reads = new InFlight<number>();
    let calls = 0;
    let release!: (n: number) => void;
    const read = () => {
      calls += 1;
      return new Promise<number>((resolve) => (release = resolve));
    };
    const a = reads.run('PRD', read);
    const b = reads.run('PRD', read);
    expect(calls).toBe(1);
    release(7);
    await expect(Promise.all([a, b])).resolves.toEqual([7, 7]);
    expect(reads.size).toBe(0);
    const c = reads.run('PRD', read);
    expect(calls).toBe(2);
    release(8);
    await expect(c).resolves.toBe(8);
  });

  it('keeps keys apart and lets a failed read be tried again', async () => {
    const reads = new InFlight<string>();
    const stg = reads.run('STG', async () => 'stg');
    await expect(reads.run('PRD', () => Promise.reject(new Error('throttled')))).rejects.toThrow('throttled');
    await expect(reads.run('PRD', async () => 'prd')).resolves.toBe('prd');
    await expect(stg).resolves.toBe('stg');
  });
});
