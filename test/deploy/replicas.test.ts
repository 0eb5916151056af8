/**
 * deploy/compose.yml and deploy/kubernetes/ agree with the image and the code: the container port
 * is the one the image exposes and listens on, every variable they set is one src/config/env.ts
 * reads, the environment they give loads (Slack secrets for the mode, PostgreSQL), at least two
 * replicas run, the disruption budget and the Service select the Deployment's pods, and the pods
 * run as the image's non-root user. That the app serves the probe paths: replicas-probes.e2e.test.ts.
 */
import { readdirSync } from 'node:fs';
import { posix } from 'node:path';
import { ENV_NAMES, loadEnv, parseConfigText, requireSlackSecrets, type EnvSource } from '../../src/config';
import { HEALTH_PATH, LIVE_PATH } from '../../src/slack/health';
import {
  KUBE_DIR,
  healthcheckPath,
  imageFacts,
  loadCompose,
  loadManifests,
  patchbotServices,
  serviceEnv,
  uidOf,
  type Yaml,
} from './replicas-files';

const image = imageFacts();
/** The port the container listens on: PORT as the environment leaves it, which the image sets. */
const listenPort = (env: EnvSource): number => loadEnv({ ...image.env, ...env }).port;
/** The environment a container gets: the image's ENV overridden by the deployment's. */
const containerEnv = (env: Record<string, string>): Record<string, string> => ({ ...image.env, ...env });

/** Loads like main does: env, then the Slack secrets the mode needs. Returns the database backend. */
function startsWith(env: Record<string, string>): string {
  const loaded = loadEnv(containerEnv(env), () => '');
  requireSlackSecrets(loaded);
  return loaded.database.backend;
}

describe('the image', () => {
  it('exposes the port it listens on, and runs as a non-root user whose uid is known', () => {
    expect(image.exposed).toEqual([listenPort({})]);
    expect(uidOf(image.user)).toBeGreaterThan(0);
  });
});

describe('deploy/compose.yml', () => {
  const { compose, dotenv } = loadCompose();
  const services = patchbotServices(compose);

  it('runs patchbot from the repository Dockerfile, at least twice', () => {
    expect(services.length).toBeGreaterThan(0);
    for (const { service } of services) expect(posix.join('deploy', service.build)).toBe('.');
    expect(services.reduce((n, s) => n + s.replicas, 0)).toBeGreaterThanOrEqual(2);
  });

  it('sets only variables patchbot reads, and they load: Slack secrets for the mode, PostgreSQL', () => {
    for (const { service } of services) {
      const env = serviceEnv(service, dotenv);
      expect(Object.keys(env).filter((k) => !ENV_NAMES.includes(k))).toEqual([]);
      expect(startsWith(env)).toBe('postgres');
    }
  });

  it('points PATCHBOT_DATABASE_URL at the PostgreSQL service, its user, password and database', () => {
    for (const { service } of services) {
      const url = new URL(serviceEnv(service, dotenv).PATCHBOT_DATABASE_URL ?? '');
      const db = compose.services[url.hostname];
      expect(db?.image).toBe('postgres:17');
      const dbEnv = serviceEnv(db, dotenv);
      expect([url.username, decodeURIComponent(url.password), url.pathname.slice(1)]).toEqual([
        dbEnv.POSTGRES_USER,
        dbEnv.POSTGRES_PASSWORD,
        dbEnv.POSTGRES_DB,
      ]);
      expect(Number(url.port || 5432)).toBe(5432);
      expect(service.depends_on?.[url.hostname]?.condition).toBe('service_healthy');
      expect(healthcheckPath(service.healthcheck?.test ?? '')).toBeDefined();
      expect(String(db.healthcheck?.test)).toMatch(/\bpg_isready\b/);
      const volume = String(db.volumes?.[0] ?? '').split(':')[0] ?? '';
      expect(Object.keys(compose.volumes ?? {})).toContain(volume);
    }
  });

  it("publishes the container's listening port and mounts patchbot.yml where PATCHBOT_CONFIG points", () => {
    for (const { service } of services) {
      const env = containerEnv(serviceEnv(service, dotenv));
      const targets = (service.ports ?? []).map((p: string) => Number(String(p).split(':').pop()));
      expect(targets.length).toBeGreaterThan(0);
      for (const t of targets) expect(t).toBe(listenPort(env));
      const mounts = (service.volumes ?? []).map((v: string) => v.split(':')[1]);
      expect(mounts).toContain(env.PATCHBOT_CONFIG);
    }
  });
});

describe('deploy/kubernetes/', () => {
  const { files, byKind } = loadManifests();
  const deployment = byKind.Deployment;
  const pod = deployment?.spec?.template;
  const container: Yaml = pod?.spec?.containers?.[0] ?? {};
  const secret = byKind.Secret;
  const secretData: Record<string, string> = { ...secret?.stringData };
  const podLabels: Record<string, string> = pod?.metadata?.labels ?? {};
  const selects = (selector: Record<string, string> | undefined) =>
    selector !== undefined &&
    Object.keys(selector).length > 0 &&
    Object.entries(selector).every(([k, v]) => podLabels[k] === v);

  /** The container's environment: literal values, and Secret keys (an optional key only when the Secret has it). */
  const env = (): Record<string, string> => {
    const out: Record<string, string> = {};
    for (const e of container.env ?? []) {
      const ref = e.valueFrom?.secretKeyRef;
      if (!ref) out[e.name] = String(e.value ?? '');
      else if (ref.name === secret?.metadata?.name && ref.key in secretData) out[e.name] = secretData[ref.key] ?? '';
      else if (!ref.optional) throw new Error(`${e.name}: Secret ${ref.name} has no key ${ref.key}`);
    }
    return out;
  };
  const portOf = (port: string | number) =>
    typeof port === 'number' ? port : container.ports?.find((p: Yaml) => p.name === port)?.containerPort;

  it('kustomization.yaml lists every manifest in the folder', () => {
    const all = readdirSync(KUBE_DIR).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml');
    expect([...files].sort()).toEqual(all.sort());
    expect(Object.keys(byKind).sort()).toEqual(['ConfigMap', 'Deployment', 'PodDisruptionBudget', 'Secret', 'Service']);
  });

  it('runs at least two replicas, selecting its own pods', () => {
    expect(deployment.spec.replicas).toBeGreaterThanOrEqual(2);
    expect(selects(deployment.spec.selector?.matchLabels)).toBe(true);
  });

  it('has the container listen on the port the image exposes, and the Service route to it', () => {
    expect(container.ports?.map((p: Yaml) => p.containerPort)).toEqual(image.exposed);
    expect(listenPort(env())).toBe(image.exposed[0]);
    const service = byKind.Service;
    expect(selects(service.spec.selector)).toBe(true);
    for (const p of service.spec.ports) expect(portOf(p.targetPort)).toBe(image.exposed[0]);
  });

  it('sets only variables patchbot reads, and they load with the Secret: Slack secrets for the mode, PostgreSQL', () => {
    const names = (container.env ?? []).map((e: Yaml) => e.name);
    expect(names.filter((n: string) => !ENV_NAMES.includes(n))).toEqual([]);
    expect(Object.keys(secretData).filter((k) => !ENV_NAMES.includes(k))).toEqual([]);
    expect(startsWith(env())).toBe('postgres');
  });

  it('the example Secret holds placeholders only', () => {
    expect(secret.data).toBeUndefined();
    for (const value of Object.values(secretData)) expect(value).toContain('REPLACE-ME');
  });

  it('mounts patchbot.yml from the ConfigMap where PATCHBOT_CONFIG points, and the example loads', () => {
    const configMap = byKind.ConfigMap;
    const volume = pod.spec.volumes.find((v: Yaml) => v.configMap?.name === configMap.metadata.name);
    const mount = container.volumeMounts.find((m: Yaml) => m.name === volume?.name);
    const item = volume?.configMap?.items?.[0];
    expect(posix.join(mount?.mountPath ?? '', item?.path ?? '')).toBe(containerEnv(env()).PATCHBOT_CONFIG);
    expect(() => parseConfigText(configMap.data[item.key], 'configmap.yaml', {})).not.toThrow();
  });

  it('probes readiness over HTTP on the container port, and liveness not on the readiness path', () => {
    const ready = container.readinessProbe?.httpGet;
    expect(ready?.path).toMatch(/^\//);
    expect(portOf(ready?.port)).toBe(image.exposed[0]);
    const live = container.livenessProbe;
    expect(live).toBeDefined();
    // A Slack or database outage makes readiness fail on every replica at once; liveness must not follow it.
    expect(live.httpGet?.path).not.toBe(ready.path);
    expect([ready.path, live.httpGet?.path]).toEqual([HEALTH_PATH, LIVE_PATH]);
    expect(portOf(live.httpGet?.port ?? live.tcpSocket?.port)).toBe(image.exposed[0]);
  });

  it("runs as the image's non-root user, without privilege escalation", () => {
    const podContext = pod.spec.securityContext ?? {};
    const own = container.securityContext ?? {};
    expect(own.runAsNonRoot ?? podContext.runAsNonRoot).toBe(true);
    expect(own.runAsUser ?? podContext.runAsUser).toBe(uidOf(image.user));
    expect(own.allowPrivilegeEscalation).toBe(false);
  });

  it('has a disruption budget that keeps one of its pods', () => {
    const pdb = byKind.PodDisruptionBudget;
    expect(pdb.apiVersion).toBe('policy/v1');
    expect(pdb.spec.minAvailable).toBe(1);
    expect(pdb.spec.minAvailable).toBeLessThan(deployment.spec.replicas);
    expect(selects(pdb.spec.selector?.matchLabels)).toBe(true);
  });
});
