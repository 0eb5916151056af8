/** The Query and XML decoders place wire names by the model's rules, and error answers are judged, on small hand-written models. */
import { ContractReport, type ServiceModel } from './model';
import { checkExchange, type WireExchange } from './wire';

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
    {
      method: 'POST',
      path: '/',
      requestHeaders: {},
      requestBody: '',
      status: 200,
      headers: XML,
      responseBody: '',
      ...x,
    },
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
