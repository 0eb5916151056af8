/** "Did you mean …?": close spellings, swapped letters, unique prefixes, and silence when nothing is close. */
import { closest, didYouMean, editDistance } from '../../commands/suggest';

const SUBCOMMANDS = [
  'help',
  'groups',
  'status',
  'baseline',
  'windows',
  'scan',
  'install',
  'reboot',
  'cancel',
  'history',
  'digest',
];

describe('editDistance', () => {
  it.each([
    ['install', 'install', 0],
    ['instal', 'install', 1],
    ['statsu', 'status', 1],
    ['sacn', 'scan', 1],
    ['', 'abc', 3],
    ['kitten', 'sitting', 3],
  ])('%s → %s is %i', (a, b, d) => expect(editDistance(a, b)).toBe(d));
});

describe('closest', () => {
  it.each([
    ['instal', 'install'],
    ['INSTAL', 'install'],
    ['statsu', 'status'],
    ['stauts', 'status'],
    ['sacn', 'scan'],
    ['hist', 'history'],
    ['baselines', 'baseline'],
    ['window', 'windows'],
    ['rebot', 'reboot'],
  ])('%s → %s', (typed, meant) => expect(closest(typed, SUBCOMMANDS)).toBe(meant));

  it.each([
    ['frobnicate', 'frobnicate'],
    ['upgrade', 'upgrade'],
    ['x', 'x'],
    ['qa', 'qa'],
    ['5,000 z', 'z'.repeat(5000)],
  ])('nothing is close to %s', (_label, typed) => expect(closest(typed, SUBCOMMANDS)).toBeUndefined());

  it('reads group names case-insensitively and answers in their own spelling', () => {
    expect(closest('pdr', ['STG', 'PRD', 'WIN'])).toBe('PRD');
    expect(closest('prod', ['STG', 'PRD', 'WIN'])).toBe('PRD');
    expect(closest('QA', ['STG', 'PRD', 'WIN'])).toBeUndefined();
  });
});

describe('didYouMean', () => {
  it('is a sentence with its leading space, or empty', () => {
    expect(didYouMean('instal', SUBCOMMANDS)).toBe(' Did you mean install?');
    expect(didYouMean('frobnicate', SUBCOMMANDS)).toBe('');
  });
});
