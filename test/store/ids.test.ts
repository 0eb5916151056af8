import { isOperationId, newOperationId, normalizeOperationId } from '../../src/store';

describe('operation ids', () => {
  it('are op- and six typeable characters, and differ', async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const id = newOperationId();
      expect(id).toMatch(/^op-[0-9a-hjkmnp-tv-z]{6}$/);
      ids.add(id);
    }
    expect(ids.size).toBe(2000);
  });

  it('fit, with room to spare, in an SSM Comment', async () => {
    expect(`patchbot ${newOperationId()} install PRD by U0123456789`.length).toBeLessThanOrEqual(100);
  });

  it('are read leniently as people type them', async () => {
    expect(normalizeOperationId('op-7k2m9q')).toBe('op-7k2m9q');
    expect(normalizeOperationId('  OP-7K2M9Q ')).toBe('op-7k2m9q');
    expect(normalizeOperationId('7k2m9q')).toBe('op-7k2m9q');
    expect(normalizeOperationId('op-7kim9o')).toBe('op-7k1m90'); // i -> 1, o -> 0
    expect(normalizeOperationId('op-7k2')).toBeUndefined();
    expect(normalizeOperationId('op-7k2m9qu')).toBeUndefined(); // u is never used
    expect(normalizeOperationId('')).toBeUndefined();
    expect(isOperationId('op-7k2m9q')).toBe(true);
    expect(isOperationId('OP-7K2M9Q')).toBe(false);
  });
});
