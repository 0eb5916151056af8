/**
 * Admin endpoints under `/_sandbox/` (JSON in, JSON out, every input checked with zod). They call
 * the same Simulator methods as the in-process helpers. `?account=&region=` selects the partition
 * (default 123456789012/us-east-1).
 */
import { z } from 'zod';
import type { Simulator, PartitionRef } from './simulator';
import { SimulatorError } from './errors';

/** An admin answer. */
export interface AdminAnswer {
  status: number;
  body: unknown;
}

/** Knob changes for `POST /_sandbox/config`. */
export const KnobChangesSchema = z
  .object({
    latencyMs: z.number().min(0).max(60_000).optional(),
    jitterMs: z.number().min(0).max(60_000).optional(),
    throttleRps: z.number().min(0).optional(),
    errorRate: z.number().min(0).max(1).optional(),
    throttleRate: z.number().min(0).max(1).optional(),
    timing: z
      .object({ pendingMs: z.number().int().min(0).optional(), runMs: z.number().int().min(0).optional() })
      .strict()
      .optional(),
    faults: z
      .array(
        z
          .object({
            action: z
              .string()
              .regex(
                /^(\*|(ssm|ec2|sts|s3):(\*|[A-Za-z]+))$/,
                'expected "ssm:SendCommand", "s3:GetObject", "ec2:*" or "*"',
              ),
            kind: z.enum(['lose-answer', 'delay', 'hang']),
            ms: z.number().int().min(0).max(600_000).optional(),
            times: z.number().int().min(1).optional(),
          })
          .strict(),
      )
      .optional(),
    deny: z
      .array(
        z
          .object({
            action: z
              .string()
              .regex(
                /^(\*|(ssm|ec2|sts|s3):(\*|[A-Za-z]+))$/,
                'expected "ssm:SendCommand", "s3:GetObject", "ec2:*" or "*"',
              ),
            account: z
              .string()
              .regex(/^\d{12}$/)
              .optional(),
            region: z
              .string()
              .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'region must look like us-east-1')
              .optional(),
          })
          .strict(),
      )
      .optional(),
  })
  .strict();

/** Instance changes for `POST /_sandbox/instances/{id}`. */
export const InstanceChangesSchema = z
  .object({
    pingStatus: z.enum(['Online', 'ConnectionLost', 'Inactive']).optional(),
    state: z.enum(['running', 'stopped']).optional(),
    failNext: z.boolean().optional(),
    tags: z.record(z.string().min(1).max(128), z.string().max(256)).optional(),
  })
  .strict()
  .refine((v) => Object.keys(v).length > 0, { message: 'give at least one of pingStatus, state, failNext, tags' });

/** An instance without SSM registration for `POST /_sandbox/instances`. */
export const UnmanagedLaunchSchema = z
  .object({
    name: z.string().min(1).max(256),
    tags: z.record(z.string().min(1).max(128), z.string().max(256)).optional(),
    state: z.enum(['running', 'stopped']).optional(),
    os: z.enum(['AMAZON_LINUX_2', 'WINDOWS']).optional(),
    agent: z.enum(['Online', 'ConnectionLost']).optional(),
  })
  .strict();

/** A patch release for `POST /_sandbox/patches`. */
export const PatchReleaseSchema = z
  .object({
    title: z.string().min(1).max(256),
    classification: z.string().min(1),
    severity: z.string().min(1),
    releasedDaysAgo: z.number().min(0).max(3650),
    kbId: z.string().min(1).optional(),
    cveIds: z
      .array(z.string().regex(/^CVE-\d{4}-\d{4,}$/, 'expected a CVE id like CVE-2026-12345'))
      .min(1)
      .optional(),
    instanceIds: z
      .array(z.string().regex(/^i-[0-9a-f]{8,17}$/))
      .min(1)
      .optional(),
    group: z.string().min(1).optional(),
    rescan: z.boolean().optional(),
  })
  .strict()
  .refine((v) => (v.instanceIds === undefined) !== (v.group === undefined), {
    message: 'give exactly one of instanceIds or group',
  });

/** A calendar setting for `POST /_sandbox/calendars/{name}`. */
export const CalendarSettingSchema = z
  .object({
    state: z.enum(['OPEN', 'CLOSED']),
    nextTransitionTime: z.iso.datetime({ offset: true }).nullable().optional(),
  })
  .strict();

const PartitionRefSchema = z.object({
  account: z
    .string()
    .regex(/^\d{12}$/, 'account must be 12 digits')
    .optional(),
  region: z
    .string()
    .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'region must look like us-east-1')
    .optional(),
});

/** The endpoints, for the CLI banner and for 404 answers. */
export const ADMIN_ENDPOINTS = [
  'GET  /_sandbox/health',
  'GET  /_sandbox/summary',
  'GET  /_sandbox/stats',
  'POST /_sandbox/stats/reset',
  'GET  /_sandbox/changes[?operation=SendCommand]   change requests received, oldest first',
  'POST /_sandbox/config            {latencyMs, jitterMs, throttleRps, errorRate, throttleRate, timing:{pendingMs, runMs}, deny:[{action, account?, region?}], faults:[{action, kind: lose-answer|delay|hang, ms?, times?}]}',
  'POST /_sandbox/windows/{id|name}/execute',
  'POST /_sandbox/instances/{id}    {pingStatus, state, failNext, tags}',
  'POST /_sandbox/instances         {name, tags?, state?: running|stopped, os?: AMAZON_LINUX_2|WINDOWS}   an EC2 instance no SSM agent registered',
  'POST /_sandbox/patches           {title, classification, severity, releasedDaysAgo, kbId?, cveIds?: [CVE-…], instanceIds | group, rescan}',
  'POST /_sandbox/calendars/{name}  {state: OPEN|CLOSED, nextTransitionTime: ISO 8601 | null}   a ChangeCalendar document for GetCalendarState',
  'GET  /_sandbox/calendars/{name}',
  "POST /_sandbox/buckets/{name}    an empty S3 bucket owned by the partition's account, in its region",
  "GET  /_sandbox/buckets/{name}/{key}   an object's text (S3 itself: path-style PUT/GET /{bucket}/{key}, signed)",
  'POST /_sandbox/reset',
  '(append ?account=123456789012&region=us-east-1 to pick a partition)',
];

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  throw Object.assign(
    new SimulatorError('BadRequest', issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ')),
    { issues },
  );
}

function jsonBody(body: string): unknown {
  if (body.trim() === '') return {};
  try {
    return JSON.parse(body);
  } catch {
    throw new SimulatorError('BadRequest', 'The body is not valid JSON.');
  }
}

function route(sim: Simulator, method: string, url: URL, body: string): AdminAnswer {
  const path = url.pathname.replace(/\/+$/, '');
  const ref: PartitionRef = parse(PartitionRefSchema, {
    ...(url.searchParams.get('account') ? { account: url.searchParams.get('account') } : {}),
    ...(url.searchParams.get('region') ? { region: url.searchParams.get('region') } : {}),
  });
  const expect = (wanted: string) => {
    if (method !== wanted) throw new SimulatorError('MethodNotAllowed', `Use ${wanted} for ${path}.`, 405);
  };
  if (path === '/_sandbox/health') {
    expect('GET');
    const partitions = sim.allPartitions();
    return {
      status: 200,
      body: {
        status: 'ok',
        partitions: partitions.length,
        instances: partitions.reduce((n, p) => n + p.instanceList.length, 0),
        buildMs: Math.round(sim.lastBuildMs),
      },
    };
  }
  if (path === '/_sandbox/summary') {
    expect('GET');
    return { status: 200, body: { knobs: sim.knobs, partitions: sim.summary() } };
  }
  if (path === '/_sandbox/stats') {
    expect('GET');
    return { status: 200, body: sim.snapshotStats() };
  }
  if (path === '/_sandbox/changes') {
    expect('GET');
    return { status: 200, body: sim.journal.list(url.searchParams.get('operation') ?? undefined) };
  }
  if (path === '/_sandbox/stats/reset') {
    expect('POST');
    sim.stats.reset();
    return { status: 200, body: { ok: true } };
  }
  if (path === '/_sandbox/config') {
    expect('POST');
    return { status: 200, body: { knobs: sim.configure(parse(KnobChangesSchema, jsonBody(body))) } };
  }
  if (path === '/_sandbox/reset') {
    expect('POST');
    sim.rebuild();
    return { status: 200, body: { ok: true, buildMs: Math.round(sim.lastBuildMs) } };
  }
  if (path === '/_sandbox/patches') {
    expect('POST');
    return { status: 200, body: sim.releasePatch(parse(PatchReleaseSchema, jsonBody(body)), ref) };
  }
  const execute = /^\/_sandbox\/windows\/([^/]+)\/execute$/.exec(path);
  if (execute) {
    expect('POST');
    return { status: 200, body: sim.executeWindow(decodeURIComponent(execute[1] as string), ref) };
  }
  const bucket = /^\/_sandbox\/buckets\/([^/]+)$/.exec(path);
  if (bucket) {
    expect('POST');
    return { status: 200, body: sim.createBucket(decodeURIComponent(bucket[1] as string), ref) };
  }
  const object = /^\/_sandbox\/buckets\/([^/]+)\/(.+)$/.exec(url.pathname);
  if (object) {
    expect('GET');
    const [bucketName, key] = [decodeURIComponent(object[1] as string), decodeURIComponent(object[2] as string)];
    const found = sim.getObject(bucketName, key);
    if (!found) throw new SimulatorError('NotFound', `No object ${key} in bucket ${bucketName}.`, 404);
    return {
      status: 200,
      body: { bucket: bucketName, key, contentType: found.contentType, text: found.body.toString('utf8') },
    };
  }
  const calendar = /^\/_sandbox\/calendars\/([^/]+)$/.exec(path);
  if (calendar) {
    const name = decodeURIComponent(calendar[1] as string);
    if (method === 'GET') {
      const found = sim.calendarSummary(name, ref);
      if (!found) throw new SimulatorError('NotFound', `Calendar ${name} does not exist in this partition.`, 404);
      return { status: 200, body: found };
    }
    expect('POST');
    return { status: 200, body: sim.setCalendar(name, parse(CalendarSettingSchema, jsonBody(body)), ref) };
  }
  if (path === '/_sandbox/instances') {
    expect('POST');
    const i = sim.launchUnmanaged(parse(UnmanagedLaunchSchema, jsonBody(body)), ref);
    return { status: 200, body: { instanceId: i.id, name: i.name, state: i.state, ssmManaged: i.ssmManaged } };
  }
  const instance = /^\/_sandbox\/instances\/([^/]+)$/.exec(path);
  if (instance) {
    expect('POST');
    const changed = sim.setInstance(
      decodeURIComponent(instance[1] as string),
      parse(InstanceChangesSchema, jsonBody(body)),
      ref,
    );
    return {
      status: 200,
      body: {
        instanceId: changed.id,
        name: changed.name,
        state: changed.state,
        pingStatus: changed.pingStatus,
        failNext: changed.failNext,
      },
    };
  }
  throw Object.assign(new SimulatorError('NotFound', `No admin endpoint ${method} ${path}.`, 404), {
    endpoints: ADMIN_ENDPOINTS,
  });
}

/** Answers one admin request; errors become `{error, message}` with a clear status. */
export function handleAdmin(sim: Simulator, method: string, url: URL, body: string): AdminAnswer {
  try {
    return route(sim, method, url, body);
  } catch (err) {
    if (err instanceof SimulatorError) {
      const extra = err as SimulatorError & { issues?: unknown; endpoints?: unknown };
      return {
        status: err.status,
        body: {
          error: err.code,
          message: err.message,
          ...(extra.issues ? { issues: extra.issues } : {}),
          ...(extra.endpoints ? { endpoints: extra.endpoints } : {}),
        },
      };
    }
    sim.logger.error({ err }, 'admin request failed');
    return { status: 500, body: { error: 'InternalError', message: err instanceof Error ? err.message : String(err) } };
  }
}
