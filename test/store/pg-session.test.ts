/**
 * The dedicated sessions (the lease's lock, the listener) ask the server for TCP keepalives, so a
 * replica that vanishes is noticed and its lock released; an `options` parameter in the URL (which
 * node-postgres would let replace them) is kept beside them, not instead of them.
 */
import { sessionClient } from '../../src/store/pg-session';
import { freshDatabase } from '../support/postgres';

describe('a dedicated PostgreSQL session [postgres]', () => {
  let db: { url: string; drop: () => Promise<void> };
  beforeAll(async () => {
    db = await freshDatabase();
  });
  afterAll(async () => db?.drop());

  const show = async (url: string, setting: string) => {
    const client = sessionClient({ url }, 'patchbot-test');
    await client.connect();
    try {
      return (await client.query(`SHOW ${setting}`)).rows[0]?.[setting];
    } finally {
      await client.end();
    }
  };

  it('has the keepalives of its own', async () => {
    expect(await show(db.url, 'tcp_keepalives_idle')).toBe('5');
    expect(await show(db.url, 'tcp_keepalives_count')).toBe('3');
  });

  it('keeps them beside options the URL gives, and keeps those too', async () => {
    const url = new URL(db.url);
    url.searchParams.set('options', '-c search_path=patchbot_elsewhere');
    expect(await show(url.toString(), 'tcp_keepalives_idle')).toBe('5');
    expect(await show(url.toString(), 'search_path')).toBe('patchbot_elsewhere');
  });
});
