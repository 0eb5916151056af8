/**
 * The contract's own parts, on small hand-written models: each rule of the validator finds what it
 * should and passes what it should, the Query and XML decoders place wire names by the model's
 * rules, error answers are judged, and the documented deviations match nothing else.
 */
import { ContractReport, validateShape, type ScalarForm, type ServiceModel, type Shape } from './model';
import { checkExchange, type WireExchange } from './wire';
import { deviationOf, newerThanModel } from './deviations';
import { parseXml } from './xml';
import { BOTOCORE_INSTALL, ensureBotocoreModels } from '../support/botocore';

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

const ec2Model = {
  metadata: { protocol: 'ec2', apiVersion: '2016-11-15', xmlNamespace: 'http://ec2.amazonaws.com/doc/2016-11-15' },
  operations: {
    DescribeThings: {
      name: 'DescribeThings',
      input: { shape: 'DescribeThingsRequest' },
      output: { shape: 'DescribeThingsResult' },
    },
    Reboot: { name: 'Reboot', input: { shape: 'RebootRequest' } },
  },
  shapes: {
    DescribeThingsRequest: {
      type: 'structure',
      members: {
        Filters: { shape: 'FilterList', locationName: 'Filter' },
        MaxResults: { shape: 'Int', locationName: 'maxResults' },
      },
    },
    FilterList: { type: 'list', member: { shape: 'Filter', locationName: 'Filter' } },
    Filter: {
      type: 'structure',
      members: { Name: { shape: 'Str' }, Values: { shape: 'ValueList', locationName: 'Value' } },
    },
    ValueList: { type: 'list', member: { shape: 'Str', locationName: 'item' } },
    DescribeThingsResult: {
      type: 'structure',
      members: {
        Things: { shape: 'ThingList', locationName: 'thingSet' },
        NextToken: { shape: 'Str', locationName: 'nextToken' },
      },
    },
    ThingList: { type: 'list', member: { shape: 'Thing', locationName: 'item' } },
    Thing: {
      type: 'structure',
      members: { Id: { shape: 'Str', locationName: 'thingId' }, Size: { shape: 'Int', locationName: 'size' } },
    },
    RebootRequest: {
      type: 'structure',
      required: ['Ids'],
      members: { Ids: { shape: 'ValueList', locationName: 'ThingId' } },
    },
    Str: { type: 'string' },
    Int: { type: 'integer', min: 5, max: 1000 },
  },
} as unknown as ServiceModel;

const stsModel = {
  metadata: { protocol: 'query', apiVersion: '2011-06-15', xmlNamespace: 'https://sts.amazonaws.com/doc/2011-06-15/' },
  operations: {
    Assume: {
      name: 'Assume',
      input: { shape: 'AssumeRequest' },
      output: { shape: 'AssumeResponse', resultWrapper: 'AssumeResult' },
      errors: [{ shape: 'Expired' }],
    },
    WhoAmI: { name: 'WhoAmI', documentation: '<p>No permissions are required to perform this operation.</p>' },
  },
  shapes: {
    AssumeRequest: { type: 'structure', members: { Arns: { shape: 'ArnList' }, Seconds: { shape: 'Secs' } } },
    ArnList: { type: 'list', member: { shape: 'Arn' } },
    Arn: { type: 'structure', members: { arn: { shape: 'Str' } } },
    AssumeResponse: { type: 'structure', members: { Key: { shape: 'Str' } } },
    Expired: {
      type: 'structure',
      members: {},
      exception: true,
      error: { code: 'ExpiredTokenException', httpStatusCode: 400 },
    },
    Secs: { type: 'integer', min: 900 },
    Str: { type: 'string' },
  },
} as unknown as ServiceModel;

const ssmModel = {
  metadata: { protocol: 'json', apiVersion: '2014-11-06', jsonVersion: '1.1' },
  operations: {
    List: {
      name: 'List',
      input: { shape: 'Empty' },
      output: { shape: 'Empty' },
      errors: [{ shape: 'InvalidNextToken' }],
    },
  },
  shapes: {
    Empty: { type: 'structure', members: {} },
    InvalidNextToken: { type: 'structure', members: {}, exception: true },
  },
} as unknown as ServiceModel;

const XML = { 'content-type': 'text/xml;charset=UTF-8' };

function exchange(x: Partial<WireExchange> & Pick<WireExchange, 'service' | 'operation'>): string[] {
  const report = new ContractReport();
  checkExchange(
    { models: { ec2: ec2Model, sts: stsModel, ssm: ssmModel }, report },
    { requestBody: '', status: 200, headers: XML, responseBody: '', ...x },
  );
  return report.discrepancies.map((d) => `${d.direction} ${d.path}: ${d.rule}`);
}

describe('decoding the wire by the model', () => {
  const ok =
    '<?xml version="1.0"?><DescribeThingsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r</requestId><thingSet><item><thingId>a&amp;b</thingId><size>7</size></item></thingSet></DescribeThingsResponse>';

  it('reads ec2Query parameters (capitalized locationName, lists flattened) and an EC2 answer (locationName, <item>)', () => {
    expect(
      exchange({
        service: 'ec2',
        operation: 'DescribeThings',
        requestBody:
          'Action=DescribeThings&Version=2016-11-15&Filter.1.Name=tag%3AX&Filter.1.Value.1=a&Filter.1.Value.2=b&MaxResults=5',
        responseBody: ok,
      }),
    ).toEqual([]);
  });

  it('reports what the model cannot place: unknown parameters and elements, gaps in list numbers, repeated elements, values out of range', () => {
    const request =
      'Action=DescribeThings&Version=2016-11-15&Filter.1.Name=x&Filter.1.Value.2=b&Filters.1.Name=y&MaxResults=1';
    const response = ok
      .replace('<size>7</size>', '<size>7</size><size>8</size><colour>red</colour>')
      .replace('<thingSet>', '<thingSet><member/>');
    expect(
      exchange({ service: 'ec2', operation: 'DescribeThings', requestBody: request, responseBody: response }),
    ).toEqual([
      'request Filters[0].Values[0]: list',
      'request Filters: unknown member',
      'request MaxResults: min',
      'response Things.member: unknown member',
      'response Things[0].size: repeated',
      'response Things[0].colour: unknown member',
    ]);
  });

  it('takes an EC2 action without output answering <return>true</return>, and requires its required members', () => {
    const answer =
      '<RebootResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r</requestId><return>true</return></RebootResponse>';
    expect(
      exchange({
        service: 'ec2',
        operation: 'Reboot',
        requestBody: 'Action=Reboot&Version=2016-11-15&ThingId.1=i-1',
        responseBody: answer,
      }),
    ).toEqual([]);
    expect(
      exchange({
        service: 'ec2',
        operation: 'Reboot',
        requestBody: 'Action=Reboot&Version=2016-11-15',
        responseBody: answer,
      }),
    ).toEqual(['request Ids: required']);
  });

  it('reads awsQuery lists under member and an answer inside its result wrapper', () => {
    const answer =
      '<AssumeResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeResult><Key>k</Key></AssumeResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></AssumeResponse>';
    expect(
      exchange({
        service: 'sts',
        operation: 'Assume',
        requestBody: 'Action=Assume&Version=2011-06-15&Arns.member.1.arn=a&Seconds=900',
        responseBody: answer,
      }),
    ).toEqual([]);
    expect(
      exchange({
        service: 'sts',
        operation: 'Assume',
        requestBody: 'Action=Assume&Version=2011-06-15&Arns.1.arn=a&Seconds=60',
        responseBody: answer.replace('<Key>k</Key>', '<Key>k</Key><Secret>s</Secret>'),
      }),
    ).toEqual(['request Arns.1: unknown member', 'request Seconds: min', 'response Secret: unknown member']);
  });

  it("judges error answers: the code must be the operation's or a common one, in the protocol's shape, and never a denial of what needs no permission", () => {
    const sts = (code: string, op = 'Assume') =>
      exchange({
        service: 'sts',
        operation: op,
        status: 400,
        requestBody: `Action=${op}&Version=2011-06-15`,
        responseBody: `<ErrorResponse><Error><Type>Sender</Type><Code>${code}</Code><Message>m</Message></Error><RequestId>r</RequestId></ErrorResponse>`,
      });
    expect(sts('ExpiredTokenException')).toEqual([]);
    expect(sts('Throttling')).toEqual([]);
    expect(sts('NoSuchThing')).toEqual(['error : error code']);
    expect(sts('AccessDenied', 'WhoAmI')).toEqual(['error : error code']);
    const ec2 = (code: string) =>
      exchange({
        service: 'ec2',
        operation: 'Reboot',
        status: 400,
        requestBody: 'Action=Reboot&Version=2016-11-15&ThingId.1=i-1',
        responseBody: `<Response><Errors><Error><Code>${code}</Code><Message>m</Message></Error></Errors><RequestID>r</RequestID></Response>`,
      });
    expect(ec2('InvalidInstanceID.NotFound')).toEqual([]);
    expect(ec2('InvalidInstanceId')).toEqual(['error : error code']);
    const json = { 'content-type': 'application/x-amz-json-1.1' };
    expect(
      exchange({
        service: 'ssm',
        operation: 'List',
        status: 400,
        headers: json,
        responseBody: '{"__type":"InvalidNextToken","message":"m"}',
      }),
    ).toEqual([]);
    expect(
      exchange({
        service: 'ssm',
        operation: 'List',
        status: 400,
        headers: json,
        responseBody: '{"__type":"InvalidToken","message":"m"}',
      }),
    ).toEqual(['error : error code']);
    expect(exchange({ service: 'ssm', operation: 'List', status: 200, headers: XML, responseBody: '{}' })).toEqual([
      'response : content-type',
    ]);
  });
});

describe('documented deviations and members newer than the model', () => {
  const d = (over: Partial<Parameters<typeof deviationOf>[0]>) =>
    ({
      service: 'ssm',
      operation: 'DescribeInstancePatches',
      direction: 'response',
      path: 'Patches[0].State',
      rule: 'enum',
      detail: '"Missing" is not one of ...',
      ...over,
    }) as Parameters<typeof deviationOf>[0];

  it('match only the documented values', () => {
    expect(deviationOf(d({}))?.id).toBe('patch-state-wire-spelling');
    expect(deviationOf(d({ detail: '"Missed" is not one of ...' }))).toBeUndefined();
    expect(deviationOf(d({ direction: 'request' }))).toBeUndefined();
    expect(
      deviationOf(
        d({
          operation: 'ListCommands',
          path: 'Commands[0].NotificationConfig.NotificationType',
          detail: '"" is not one of Command, Invocation',
        }),
      )?.id,
    ).toBe('command-unset-members-empty');
    expect(
      deviationOf(
        d({
          operation: 'ListCommands',
          path: 'Commands[0].NotificationConfig.NotificationType',
          detail: '"Everything" is not one of Command, Invocation',
        }),
      ),
    ).toBeUndefined();
    expect(
      deviationOf(
        d({
          service: 'ec2',
          operation: 'DescribeInstances',
          path: 'Reservations[0].Instances[0].Platform',
          detail: '"linux" is not one of Windows',
        }),
      ),
    ).toBeUndefined();
  });

  it('call a member newer only when the SDK patchbot runs has it', () => {
    const unknown = (member: string) =>
      d({
        rule: 'unknown member',
        path: `InstancePatchStates[0].${member}`,
        unknown: { shape: 'InstancePatchState', member },
      });
    expect(newerThanModel(unknown('AvailableSecurityUpdateCount'))).toBe(true);
    expect(newerThanModel(unknown('AvailableSecurityUpdates'))).toBe(false);
  });
});

describe('the XML reader and the models installer', () => {
  it('keeps repeated and empty elements and refuses what is not well-formed', () => {
    const root = parseXml('<?xml version="1.0"?><a x="1"><b/><b>&lt;&#233;</b><c></c></a>');
    expect(root.children.map((c) => [c.name, c.text])).toEqual([
      ['b', ''],
      ['b', '<é'],
      ['c', ''],
    ]);
    expect(() => parseXml('<a><b></a>')).toThrow(/closes/);
    expect(() => parseXml('<a>&nbsp;</a>')).toThrow(/entity/);
  });

  it('names the command to run where it cannot install the models', () => {
    expect(() => ensureBotocoreModels(() => undefined, '/nonexistent/botocore/data')).toThrow(BOTOCORE_INSTALL);
  });
});
