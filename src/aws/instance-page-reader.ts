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
import { Parser } from 'htmlparser2';
import { TurnBudget } from '../shared/turn-budget';

/** A page of instances as the member reads need them, and the token for the next page. */
export interface InstancePage {
  /** Each instance's InstanceId, State.Name and Tags, and nothing else. */
  readonly instances: Ec2Instance[];
  readonly nextToken: string | undefined;
}

/** Where an instance's element sits: DescribeInstancesResponse > reservationSet > item > instancesSet > item. */
const INSTANCE_PATH = ['DescribeInstancesResponse', 'reservationSet', 'item', 'instancesSet', 'item'];
const INSTANCE_DEPTH = INSTANCE_PATH.length;

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

/** What the reader keeps of each element it walks through. */
class PageReader {
  /**
   * htmlparser2 in XML mode hands over each tag name and text as a string and builds nothing else: a
   * page of 1,000 instances allocated 4.6 MB through it against 18 MB through a parser that builds a
   * node object per tag, and a status read of 38,000 instances allocated 1 GB, most of it there.
   * It forgives bad XML instead of throwing, so `close` and `end` check the structure read.
   */
  private readonly parser = new Parser(
    {
      onopentagname: (name) => this.open(name),
      ontext: (t) => {
        if (this.text !== undefined) this.text += t;
      },
      onclosetag: (name) => this.close(name),
    },
    { xmlMode: true, decodeEntities: true },
  );
  private readonly path: string[] = [];
  private readonly instances: Ec2Instance[] = [];
  private current: { id?: string; state?: string; tags: { Key: string; Value: string }[] } | undefined;
  private tag: { key?: string; value?: string } | undefined;
  private text: string | undefined;
  private nextToken: string | undefined;
  private requestId: string | undefined;
  private root: string | undefined;
  /** Set once the body has ended: the parser then closes what is still open, which a whole page never leaves. */
  private ended = false;
  private unclosed: string | undefined;

  write(chunk: string): void {
    if (chunk) this.parser.write(chunk);
  }

  end(): ReadPage {
    this.ended = true;
    this.parser.end();
    if (this.unclosed !== undefined)
      throw unreadable(new Error(`the answer ended inside <${this.unclosed}>: it was cut short`));
    if (this.root !== 'DescribeInstancesResponse')
      throw unreadable(
        new Error(`the answer's root element is <${this.root ?? 'none'}>, not <DescribeInstancesResponse>`),
      );
    return { instances: this.instances, nextToken: this.nextToken || undefined, requestId: this.requestId };
  }

  private open(name: string): void {
    const depth = this.path.push(name);
    if (depth === 1) this.root = name;
    else if (depth === INSTANCE_DEPTH && INSTANCE_PATH.every((n, i) => this.path[i] === n)) this.current = { tags: [] };
    else if (depth === 2 && (name === 'nextToken' || name === 'requestId')) this.text = '';
    else if (this.current && this.readsText(depth, name)) this.text = '';
    else if (this.current && depth === INSTANCE_DEPTH + 2 && name === 'item' && this.path[INSTANCE_DEPTH] === 'tagSet')
      this.tag = {};
  }

  /** Elements whose text the reader keeps: instanceId, instanceState/name, tagSet/item/key|value. */
  private readsText(depth: number, name: string): boolean {
    if (depth === INSTANCE_DEPTH + 1) return name === 'instanceId';
    if (depth === INSTANCE_DEPTH + 2) return name === 'name' && this.path[INSTANCE_DEPTH] === 'instanceState';
    return depth === INSTANCE_DEPTH + 3 && this.tag !== undefined && (name === 'key' || name === 'value');
  }

  private close(name: string): void {
    if (this.ended) this.unclosed ??= name;
    const depth = this.path.length;
    const text = this.text === undefined ? undefined : detached(this.text);
    this.text = undefined;
    if (depth === 2 && name === 'nextToken') this.nextToken = text;
    else if (depth === 2 && name === 'requestId') this.requestId = text;
    else if (this.current && text !== undefined) this.keep(depth, name, text);
    else if (this.current && this.tag && depth === INSTANCE_DEPTH + 2) {
      if (this.tag.key !== undefined) this.current.tags.push({ Key: this.tag.key, Value: this.tag.value ?? '' });
      this.tag = undefined;
    } else if (this.current && depth === INSTANCE_DEPTH) {
      this.instances.push(toInstance(this.current));
      this.current = undefined;
    }
    this.path.pop();
  }

  private keep(depth: number, name: string, text: string): void {
    if (!this.current) return;
    if (depth === INSTANCE_DEPTH + 1) this.current.id = text;
    else if (depth === INSTANCE_DEPTH + 2) this.current.state = text;
    else if (this.tag && name === 'key') this.tag.key = text;
    else if (this.tag) this.tag.value = text;
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
