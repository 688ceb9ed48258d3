import { afterAll, beforeAll } from '@jest/globals';
import { startLiveStack, type LiveStack } from '@perceptiq/testkit/stack';
import { enableClient, type EnableOptions, type EnabledClient } from './api.js';

/**
 * For a describe block: a live stack started before its tests (with `env`) and stopped after them,
 * and one client enabled on it without an access request. Read the fields inside tests and hooks.
 */
export function liveStackPerSuite(
  env: Record<string, string> = {},
  enable: Omit<EnableOptions, 'request'> = { tier: 'growth' },
): { stack: LiveStack; client: EnabledClient } {
  const live = {} as { stack: LiveStack; client: EnabledClient };
  beforeAll(async () => {
    live.stack = await startLiveStack(env);
    live.client = await enableClient(live.stack, { ...enable, request: false });
  }, 90_000);
  afterAll(() => live.stack?.stop());
  return live;
}
