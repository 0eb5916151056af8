import { CardSync } from '../../src/patching/card-sync';
import { unitWorld, type UnitWorld } from './unit-fixtures';

describe('CardSync', () => {
  let world: UnitWorld;
  let cards: CardSync;
  beforeEach(async () => {
    world = await unitWorld();
    cards = new CardSync(world.ctx);
  });
  afterEach(async () => world.close());

  const request = async (expiresInMs: number) =>
    await world.store.operations.create({
      kind: 'install',
      group: 'PRD',
      status: 'pending',
      requestedBy: 'U0OPS',
      channel: 'C0PRD',
      params: {},
      plan: {},
      expiresAt: new Date(world.clock.now().getTime() + expiresInMs),
    });
  const current = async (id: string) => (await world.store.operations.get(id))!;

  it('posts a pending card once, and updates it when an approval is recorded', async () => {
    const op = await request(3_600_000);
    await cards.pending(op);
    await cards.pending(await current(op.id));
    expect(world.publisher.phases(op.id)).toEqual(['started']);
    await world.store.approvals.add(op.id, 'U0BOSS');
    await cards.pending(await current(op.id));
    expect(world.publisher.phases(op.id)).toEqual(['started', 'progress']);
    expect(world.publisher.calls.at(-1)?.report.approval?.decisions.map((d) => d.userId)).toEqual(['U0BOSS']);
  });

  it('posts the card again on the next pass when Slack failed it', async () => {
    const op = await request(3_600_000);
    world.publisher.failNext = 1;
    await cards.pending(op);
    expect((await current(op.id)).messageTs).toBeNull();
    await cards.pending(await current(op.id));
    expect((await current(op.id)).messageTs).not.toBeNull();
  });

  it('expires requests on the clock, unpublished, and lists them to show until their card says so', async () => {
    const op = await request(60_000);
    cards.expire();
    expect((await current(op.id)).status).toBe('pending');
    world.clock.advance(60_001);
    cards.expire();
    const expired = await current(op.id);
    expect(expired.status).toBe('expired');
    expect((await world.store.audit.list({ operationId: op.id, limit: 10 })).map((e) => e.action)).toContain(
      'operation.expired',
    );
    expect((await cards.toShow(new Set())).map((o) => o.id)).toContain(op.id);
    expect((await cards.toShow(new Set([op.id]))).filter((o) => o.id === op.id)).toHaveLength(0);
  });
});
