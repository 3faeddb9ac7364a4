import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    projects: [
      { extends: true, test: { name: 'unit', include: ['harness-core/src/**/*.test.ts'] } },
      { extends: true, test: { name: 'boundaries', include: ['test/boundaries/**/*.test.ts'] } },
      { extends: true, test: { name: 'tooling', include: ['test/tooling/**/*.test.ts'] } },
      { extends: true, test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], testTimeout: 180_000 } },
    ],
  },
});
