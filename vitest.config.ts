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
    // Two cores, two worker processes. Test files share a worker's module cache (isolate: false): the AWS SDK, the
    // CloudFormation spec index and the templates are loaded once per worker instead of once per file, which was most
    // of the suite's time. Files must therefore leave no global state behind (env variables restored, listeners
    // removed). Processes, not threads: a confirmation test sends the process a real SIGINT.
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1, isolate: false } },
  },
});
