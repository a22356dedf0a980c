/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // test/corpus holds vendored sample apps (their own package.json files and tests): data, not tests
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/corpus/'],
  modulePathIgnorePatterns: ['<rootDir>/test/corpus/'],
  transform: {
    // type checking happens once in `npm test` (tsc -p tsconfig.test.json); jest only transpiles
    '^.+\\.ts$': ['ts-jest', { isolatedModules: true, tsconfig: 'tsconfig.test.json' }],
  },
  testTimeout: 60000,
};
