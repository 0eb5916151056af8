/**
 * Reads a DescribeInstances page as its bytes arrive, keeping of each instance only its id, state
 * and tags. The SDK gathers the whole body, parses it to a tree and reads every field of every
 * instance in one synchronous run: for 1,000 instances that held the event loop for a quarter of a
 * second, and Slack's acknowledgements waited behind it. Read a slice at a time, each turn of the
 * loop costs about a millisecond. Only 2xx answers are read here; errors still go through the SDK's own
 * deserialiser, so they keep their names, codes and retries.
 */
import {
  DescribeInstancesCommand,
  type DescribeInstancesCommandInput,
  type DescribeInstancesCommandOutput,
  type EC2Client,
  type Instance as Ec2Instance,
} from '@aws-sdk/client-ec2';
import type { DeserializeMiddleware, RelativeMiddlewareOptions } from '@aws-sdk/types';
import { Tokenizer, type TokenizerCallbacks } from 'htmlparser2';
import { TurnBudget } from '../shared/turn-budget';

/** A page of instances as the member reads need them, and the token for the next page. */
export interface InstancePage {
  /** Each instance's InstanceId, State.Name and Tags, and nothing else. */
  readonly instances: Ec2Instance[];
  readonly nextToken: string | undefined;
}

/** A page as read, with the request id the SDK is handed back. */
type ReadPage = InstancePage & { requestId?: string };

/** A body as the SDK's HTTP handlers give it: a Node stream (any async iterable of bytes) or bytes. */
type Body = AsyncIterable<Uint8Array | string> | Uint8Array;

/**
 * Bytes parsed in one turn of the event loop: well under a millisecond's work. A stream read after a busy
 * moment hands over everything buffered at once (megabytes), so chunks are cut to this size.
 */
export const SLICE_BYTES = 16 * 1024;

/** Parses a DescribeInstances body a slice at a time, each slice in a background turn of the event loop. */
export async function readInstancePage(body: Body, turns: TurnBudget = new TurnBudget()): Promise<ReadPage> {
  const reader = new PageReader();
  const decoder = new TextDecoder('utf-8');
  const chunks = body instanceof Uint8Array ? [body] : body;
  for await (const chunk of chunks) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    for (let at = 0; at < bytes.length; at += SLICE_BYTES) {
      const slice = bytes.subarray(at, at + SLICE_BYTES);
      await turns.run(() => reader.write(decoder.decode(slice, { stream: true })));
    }
  }
  return turns.run(() => {
    reader.write(decoder.decode());
    return reader.end();
  });
}

/**
 * What an element is to the reader: where it sits (its parent's kind) and its name decide it. Everything
 * under an element of no interest is of no interest, so most of an instance's elements are `other`
 * without their names being read.
 */
type Kind =
  | 'root'
  | 'nextToken'
  | 'requestId'
  | 'reservationSet'
  | 'reservation'
  | 'instancesSet'
  | 'instance'
  | 'instanceId'
  | 'instanceState'
  | 'stateName'
  | 'tagSet'
  | 'tag'
  | 'tagKey'
  | 'tagValue'
  | 'other';

/** Each kind's element name: DescribeInstancesResponse > reservationSet > item > instancesSet > item > ... */
const NAMES: Record<Exclude<Kind, 'root' | 'other'>, string> = {
  nextToken: 'nextToken',
  requestId: 'requestId',
  reservationSet: 'reservationSet',
  reservation: 'item',
  instancesSet: 'instancesSet',
  instance: 'item',
  instanceId: 'instanceId',
  instanceState: 'instanceState',
  stateName: 'name',
  tagSet: 'tagSet',
  tag: 'item',
  tagKey: 'key',
  tagValue: 'value',
};

/** The kinds each kind's children can be; a child of any other name is `other`. */
const CHILDREN: Partial<Record<Kind, ReadonlyArray<Exclude<Kind, 'root' | 'other'>>>> = {
  root: ['reservationSet', 'nextToken', 'requestId'],
  reservationSet: ['reservation'],
  reservation: ['instancesSet'],
  instancesSet: ['instance'],
  instance: ['instanceId', 'instanceState', 'tagSet'],
  instanceState: ['stateName'],
  tagSet: ['tag'],
  tag: ['tagKey', 'tagValue'],
};

/** Elements whose text the reader keeps. */
const TEXT_KINDS: ReadonlySet<Kind> = new Set([
  'nextToken',
  'requestId',
  'instanceId',
  'stateName',
  'tagKey',
  'tagValue',
]);

/**
 * Walks a page with htmlparser2's tokenizer, which reports where each tag and text is rather than
 * handing over a string for each: only the texts kept and the names compared are read. Through the
 * library's parser, which cuts a string for every tag name and text, reading a 100,000-instance fleet
 * allocated about 740 MB a poll (a sampled allocation profile of the org benchmark, 2026-12-04), the
 * most of any one part of the bot. The tokenizer forgives bad XML instead of throwing, so `end`
 * checks the structure read.
 */
class PageReader implements TokenizerCallbacks {
  private readonly tokenizer = new Tokenizer({ xmlMode: true, decodeEntities: true }, this);
  /** The text written and not yet passed: a name or text may start in one chunk and end in the next. */
  private readonly buffers: string[] = [];
  private bufferOffset = 0;
  /** The open elements' kinds, outermost first. */
  private readonly open: Kind[] = [];
  private readonly instances: Ec2Instance[] = [];
  private current: { id?: string; state?: string; tags: { Key: string; Value: string }[] } | undefined;
  private tag: { key?: string; value?: string } | undefined;
  private text: string | undefined;
  private nextToken: string | undefined;
  private requestId: string | undefined;
  private root: string | undefined;

  write(chunk: string): void {
    if (!chunk) return;
    this.buffers.push(chunk);
    this.tokenizer.write(chunk);
  }

  end(): ReadPage {
    this.tokenizer.end();
    // The innermost element the reader knows by name: the answer ended inside it, or inside one of its children.
    let known: Exclude<Kind, 'other'> | undefined;
    for (const kind of this.open) if (kind !== 'other') known = kind;
    if (known !== undefined)
      throw unreadable(new Error(`the answer ended inside <${this.nameOf(known)}>: it was cut short`));
    if (this.root !== 'DescribeInstancesResponse')
      throw unreadable(
        new Error(`the answer's root element is <${this.root ?? 'none'}>, not <DescribeInstancesResponse>`),
      );
    return { instances: this.instances, nextToken: this.nextToken || undefined, requestId: this.requestId };
  }

  onopentagname(start: number, end: number): void {
    this.release(start);
    const parent = this.open.at(-1);
    let kind: Kind = 'other';
    if (parent === undefined) {
      kind = 'root';
      this.root = this.slice(start, end);
    } else {
      const children = CHILDREN[parent];
      if (children)
        for (let i = 0; i < children.length && kind === 'other'; i++) {
          const child = children[i] as Exclude<Kind, 'root' | 'other'>;
          if (this.matches(start, end, NAMES[child])) kind = child;
        }
    }
    this.open.push(kind);
    if (TEXT_KINDS.has(kind)) this.text = '';
    else if (kind === 'instance') this.current = { tags: [] };
    else if (kind === 'tag' && this.current) this.tag = {};
  }

  onclosetag(start: number, end: number): void {
    this.release(start);
    const kind = this.open.at(-1);
    // A close tag of an element never opened, or of another than the innermost, is not XML EC2 sends.
    if (kind === undefined || (kind !== 'other' && !this.matches(start, end, this.nameOf(kind))))
      throw unreadable(new Error(`</${this.slice(start, end)}> closes no element open there`));
    this.close(kind);
  }

  onselfclosingtag(): void {
    const kind = this.open.at(-1);
    if (kind !== undefined) this.close(kind);
  }

  ontext(start: number, end: number): void {
    if (this.text !== undefined) this.text += this.slice(start, end);
    else this.release(start);
  }

  ontextentity(codepoint: number): void {
    if (this.text !== undefined) this.text += String.fromCodePoint(codepoint);
  }

  oncdata(start: number, end: number, endOffset: number): void {
    this.ontext(start, end - endOffset);
  }

  // Attributes, comments, declarations and processing instructions carry nothing the reader keeps.
  onattribdata(): void {}
  onattribentity(): void {}
  onattribend(): void {}
  onattribname(): void {}
  oncomment(): void {}
  ondeclaration(): void {}
  onend(): void {}
  onopentagend(): void {}
  onprocessinginstruction(): void {}

  private close(kind: Kind): void {
    this.open.pop();
    const text = this.text === undefined ? undefined : detached(this.text);
    this.text = undefined;
    if (kind === 'nextToken') this.nextToken = text;
    else if (kind === 'requestId') this.requestId = text;
    else if (kind === 'instanceId' && this.current) this.current.id = text;
    else if (kind === 'stateName' && this.current) this.current.state = text;
    else if (kind === 'tagKey' && this.tag) this.tag.key = text;
    else if (kind === 'tagValue' && this.tag) this.tag.value = text;
    else if (kind === 'tag' && this.current && this.tag) {
      if (this.tag.key !== undefined) this.current.tags.push({ Key: this.tag.key, Value: this.tag.value ?? '' });
      this.tag = undefined;
    } else if (kind === 'instance' && this.current) {
      this.instances.push(toInstance(this.current));
      this.current = undefined;
    }
  }

  private nameOf(kind: Exclude<Kind, 'other'>): string {
    return kind === 'root' ? (this.root ?? '') : NAMES[kind];
  }

  /** Lets go of the chunks wholly before `start`: nothing before it is read again. */
  private release(start: number): void {
    while (this.buffers.length > 1 && start - this.bufferOffset >= (this.buffers[0] ?? '').length) {
      this.bufferOffset += (this.buffers.shift() ?? '').length;
    }
  }

  /** The text from `start` to `end` (offsets into everything written), across chunks. */
  private slice(start: number, end: number): string {
    this.release(start);
    let out = '';
    let offset = this.bufferOffset;
    for (const chunk of this.buffers) {
      if (offset >= end) break;
      out += chunk.slice(Math.max(0, start - offset), end - offset);
      offset += chunk.length;
    }
    return out;
  }

  /** Whether the text from `start` to `end` is `name`, compared where it lies without cutting a string. */
  private matches(start: number, end: number, name: string): boolean {
    if (end - start !== name.length) return false;
    this.release(start);
    let offset = this.bufferOffset;
    let b = 0;
    let chunk = this.buffers[0] ?? '';
    for (let at = start, i = 0; at < end; at++, i++) {
      while (at - offset >= chunk.length) {
        if (++b >= this.buffers.length) return false;
        offset += chunk.length;
        chunk = this.buffers[b] ?? '';
      }
      if (chunk.charCodeAt(at - offset) !== name.charCodeAt(i)) return false;
    }
    return true;
  }
}

/**
 * An answer that is not a page of instances. Its message reaches the user (through the gateway's
 * error mapping), so it says what happened and what to do; the parser's own words stay in `cause`.
 */
function unreadable(cause?: unknown): Error {
  return new Error(
    "AWS's answer to DescribeInstances could not be read as a DescribeInstancesResponse (it was cut short, or is not " +
      'the XML EC2 sends); nothing was changed, and asking again usually works',
    { cause },
  );
}

/**
 * A copy of `s` that holds nothing else alive. A parser's text is cut from the slice it was read in,
 * and V8 keeps a cut of 13 characters or more as a view of its whole parent: each instance id kept
 * would keep its 16 KB slice (a heap snapshot at 100,000 instances held 108 MB of them). JSON's
 * parser builds a new string, and shares the short ones repeated on every instance ('running').
 */
function detached(s: string): string {
  // Shorter cuts are copies already: V8 makes a view only of 13 characters or more (SlicedString::kMinLength).
  return s.length < 13 ? s : (JSON.parse(JSON.stringify(s)) as string);
}

function toInstance(found: { id?: string; state?: string; tags: { Key: string; Value: string }[] }): Ec2Instance {
  return {
    InstanceId: found.id,
    ...(found.state ? { State: { Name: found.state as NonNullable<Ec2Instance['State']>['Name'] } } : {}),
    ...(found.tags.length > 0 ? { Tags: found.tags } : {}),
  };
}

/** Runs inside the SDK's deserialiser: a 2xx body is read here, and the SDK is handed an empty page. */
const placement: RelativeMiddlewareOptions = {
  name: 'patchbotInstancePageReader',
  relation: 'after',
  toMiddleware: 'deserializerMiddleware',
};

/** One DescribeInstances page, read as it arrives (see the module comment); errors are the SDK's. */
export async function describeInstancePage(
  client: EC2Client,
  input: DescribeInstancesCommandInput,
  turns?: TurnBudget,
): Promise<InstancePage> {
  const command = new DescribeInstancesCommand(input);
  let page: InstancePage | undefined;
  const read: DeserializeMiddleware<DescribeInstancesCommandInput, DescribeInstancesCommandOutput> =
    (next) => async (args) => {
      const result = await next(args);
      const response = result.response as { statusCode?: number; body?: unknown };
      const status = response.statusCode ?? 0;
      if (status < 200 || status >= 300 || response.body === undefined) return result;
      const { requestId, ...found } = await readInstancePage(response.body as Body, turns);
      page = found;
      // What the SDK still parses: the request id it reports, and no instances.
      response.body = Buffer.from(
        `<DescribeInstancesResponse><requestId>${escapeXml(requestId ?? '')}</requestId><reservationSet/></DescribeInstancesResponse>`,
      );
      return result;
    };
  command.middlewareStack.addRelativeTo(read, placement);
  await client.send(command);
  if (!page) throw unreadable();
  return page;
}

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
