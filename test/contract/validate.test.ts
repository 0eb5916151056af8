/** The validator on a small hand-written model: each rule finds what it should and passes what it should. */
import { ContractReport, type ServiceModel, type Shape } from './model';
import { validateShape, type ScalarForm } from './validate';

const shapes: Record<string, Shape> = {
  Req: {
    type: 'structure',
    required: ['Name'],
    members: {
      Name: { shape: 'Name' },
      Count: { shape: 'Count' },
      Tags: { shape: 'Tags' },
      When: { shape: 'When' },
      On: { shape: 'Flag' },
      Map: { shape: 'Map' },
      Data: { shape: 'Data' },
      Kind: { shape: 'Kind' },
      Id: { shape: 'Uuid' },
      Odd: { shape: 'Odd' },
    },
  },
  Name: { type: 'string', min: 1, max: 4, pattern: '^[\\p{L}\\p{N}]*$' },
  Count: { type: 'integer', min: 10, max: 100 },
  Tags: { type: 'list', min: 1, max: 2, member: { shape: 'Name' } },
  When: { type: 'timestamp' },
  Flag: { type: 'boolean' },
  Map: { type: 'map', max: 1, key: { shape: 'Name' }, value: { shape: 'Count' } },
  Data: { type: 'blob' },
  Kind: { type: 'string', enum: ['A', 'B'] },
  Uuid: { type: 'string', pattern: '^[0-9a-f]{8}\\-[0-9a-f]{4}$' },
  Odd: { type: 'string', pattern: '^\\p{L}\\-x$' },
};
const model = {
  metadata: { protocol: 'json', apiVersion: '2020-01-01' },
  operations: {},
  shapes,
} as unknown as ServiceModel;

function check(value: unknown, form: ScalarForm = 'json'): { report: ContractReport; found: string[] } {
  const report = new ContractReport();
  validateShape(
    { model, where: { service: 'x', operation: 'Op', direction: 'request' }, form, report },
    'Req',
    value,
    '',
  );
  return { report, found: report.discrepancies.map((d) => `${d.path}: ${d.rule}`) };
}

describe('validating values against botocore shapes', () => {
  it('passes a value that keeps every rule, counting each member checked', () => {
    const { report, found } = check({
      Name: 'Zoë',
      Count: 10,
      Tags: ['ab'],
      When: 1_700_000_000.5,
      On: true,
      Map: { a: 50 },
      Data: 'AAEC',
      Kind: 'B',
    });
    expect(found).toEqual([]);
    expect(report.membersChecked).toBe(12);
  });

  it('finds a missing required member, an unknown member, and wrong types', () => {
    expect(check({ Count: '10', Extra: 1, On: 'true', Tags: 'ab' }).found).toEqual([
      'Name: required',
      'Count: type',
      'Extra: unknown member',
      'On: type',
      'Tags: type',
    ]);
  });

  it('checks lengths in characters, list and map sizes, ranges, enums and \\p{...} patterns', () => {
    expect(check({ Name: '', Count: 9, Tags: [], Map: { a: 101, b: 10 }, Kind: 'C' }).found).toEqual([
      'Name: min',
      'Count: min',
      'Tags: min',
      'Map: max',
      'Map["a"]: max',
      'Kind: enum',
    ]);
    expect(check({ Name: 'abcde', Tags: ['a', 'b', 'c'] }).found).toEqual(['Name: max', 'Tags: max']);
    expect(check({ Name: 'a-b' }).found).toEqual(['Name: pattern']);
    // Four characters beyond the BMP are four characters, though eight UTF-16 units.
    expect(check({ Name: '𝔸𝔹ℂ𝔻' }).found).toEqual([]);
  });

  it('checks a Java-style pattern (identity escapes, no \\p classes) outside unicode mode', () => {
    expect(check({ Name: 'a', Id: '0123abcd-0123' }).found).toEqual([]);
    const { report, found } = check({ Name: 'a', Id: 'not-a-uuid' });
    expect(found).toEqual(['Id: pattern']);
    expect(report.patternsUnchecked).toBe(0);
  });

  it('counts a pattern JavaScript cannot compile as unchecked instead of passing or failing it', () => {
    const { report, found } = check({ Name: 'a', Odd: 'whatever' });
    expect(found).toEqual([]);
    expect(report.patternsUnchecked).toBe(1);
    expect([...report.uncompilable.keys()]).toEqual(['^\\p{L}\\-x$']);
  });

  it('wants epoch seconds in JSON (milliseconds are caught) and ISO 8601 text in Query and XML', () => {
    expect(check({ Name: 'a', When: 1_700_000_000_000 }).found).toEqual(['When: type']);
    expect(check({ Name: 'a', When: '2026-01-01T00:00:00Z' }).found).toEqual(['When: type']);
    expect(check({ Name: 'a', When: '2026-01-01T00:00:00.000Z', Count: '12', On: 'false' }, 'text').found).toEqual([]);
    expect(check({ Name: 'a', When: '1700000000', Count: '12.5', On: 'yes' }, 'text').found).toEqual([
      'When: type',
      'Count: type',
      'On: type',
    ]);
  });

  it('wants base64 for a blob', () => {
    expect(check({ Name: 'a', Data: 'not base64!' }).found).toEqual(['Data: type']);
  });
});
