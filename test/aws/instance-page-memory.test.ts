/**
 * What the member reader keeps of a page is what it returns: the ids, states and tags it cuts from
 * the XML must not hold the XML's slices alive. A fresh Node process reads ten EC2-shaped pages of
 * 1,000 instances, keeps the instances, collects, and reports the heap kept per instance.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

const script = `
const { ec2ShapedPage } = require('./scripts/bench/instance-page-read');
const { readInstancePage } = require('./src/aws/instance-page-reader');
(async () => {
  const page = Buffer.from(ec2ShapedPage(1000));
  const kept = [];
  gc();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < 10; i += 1) kept.push((await readInstancePage(page)).instances);
  gc();
  const count = kept.reduce((n, p) => n + p.length, 0);
  console.log(JSON.stringify({ count, bytesPerInstance: (process.memoryUsage().heapUsed - before) / count }));
})();
`;

describe('the member reader keeps what it returns and no more', () => {
  it('keeps well under the 3.7 KB of XML each instance came in', () => {
    const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', '-e', script], {
      cwd: root,
      encoding: 'utf8',
    });
    const { count, bytesPerInstance } = JSON.parse(out.trim().split('\n').pop() ?? '{}') as {
      count: number;
      bytesPerInstance: number;
    };
    expect(count).toBe(10_000);
    // An id, a state and three tags take a few hundred bytes; the slices they were cut from, 3.7 KB.
    expect(bytesPerInstance).toBeLessThan(1500);
  }, 60_000);
});
