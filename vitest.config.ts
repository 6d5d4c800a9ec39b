import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/setup/build.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    env: {
      // The AWS SDK's notice that its 2027 releases need Node 22 (README asks for Node 20): off for the tests, as the
      // bin turns it off for drctl; every other warning still shows.
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
    // Two cores: keep the pool small so the CLI-spawning tests do not starve each other.
    poolOptions: { threads: { maxThreads: 2, minThreads: 1 }, forks: { maxForks: 2, minForks: 1 } },
  },
});
