import {
  OPERATION_STATUSES,
  TERMINAL_STATUSES,
  UNFINISHED_STATUSES,
  canTransition,
  isTerminal,
  nextStatuses,
  type OperationStatus,
} from '../../src/patching/lifecycle';

// The whole table, written out: any change to the lifecycle must change this test on purpose.
const ALLOWED: Record<OperationStatus, OperationStatus[]> = {
  pending: ['approved', 'rejected', 'expired', 'cancelled'],
  approved: ['sending', 'cancelled', 'expired'],
  sending: ['running', 'failed'],
  running: ['succeeded', 'failed', 'cancelled'],
  succeeded: [],
  failed: [],
  cancelled: [],
  rejected: [],
  expired: [],
};

describe('operation lifecycle', () => {
  it('lists all nine statuses', () => {
    expect([...OPERATION_STATUSES].sort()).toEqual(Object.keys(ALLOWED).sort());
  });

  for (const from of OPERATION_STATUSES) {
    for (const to of OPERATION_STATUSES) {
      const allowed = ALLOWED[from].includes(to);
      it(`${allowed ? 'allows' : 'forbids'} ${from} -> ${to}`, () => {
        expect(canTransition(from, to)).toBe(allowed);
      });
    }
  }

  it('exposes the successors of each status', () => {
    for (const from of OPERATION_STATUSES) expect([...nextStatuses(from)].sort()).toEqual([...ALLOWED[from]].sort());
  });

  it('calls exactly the statuses without successors terminal', () => {
    for (const s of OPERATION_STATUSES) expect(isTerminal(s)).toBe(ALLOWED[s].length === 0);
    expect([...TERMINAL_STATUSES].sort()).toEqual(OPERATION_STATUSES.filter((s) => ALLOWED[s].length === 0).sort());
  });

  it('resumes approved, sending and running after a restart, and nothing terminal', () => {
    expect([...UNFINISHED_STATUSES].sort()).toEqual(['approved', 'running', 'sending']);
    for (const s of UNFINISHED_STATUSES) expect(isTerminal(s)).toBe(false);
  });

  it('lets a waiting scheduled change be missed (approved -> expired) but never a sent one', () => {
    expect(canTransition('approved', 'expired')).toBe(true);
    for (const s of ['sending', 'running'] as const) expect(canTransition(s, 'expired')).toBe(false);
  });

  it('cannot cancel while sending: the command may already be out', () => {
    expect(canTransition('sending', 'cancelled')).toBe(false);
  });
});
