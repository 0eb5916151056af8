/** Jest runs TypeScript through ts-jest without type-checking; `npm run typecheck` does that once. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { diagnostics: false }],
  },
  // The sandbox is a TypeScript workspace package: tests import it by name, from its sources.
  moduleNameMapper: { '^@patchbot/sandbox/(.*)$': '<rootDir>/packages/sandbox/src/$1' },
  testTimeout: 30000,
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
};
