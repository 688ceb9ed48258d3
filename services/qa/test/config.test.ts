import { ConfigError, loadConfig } from '@perceptiq/platform';
import { qaSettings } from '../src/config.js';

function llm(env: Record<string, string | undefined>) {
  return loadConfig(env, { generative: qaSettings }).settings.generative.llm;
}

describe('qaSettings', () => {
  it('leaves generative answers off while LLM_BASE_URL is unset or blank', () => {
    expect(llm({})).toBeUndefined();
    expect(llm({ LLM_BASE_URL: ' ', LLM_MODEL: 'llama3.1' })).toBeUndefined();
  });

  it('defaults the model and the timeout', () => {
    expect(llm({ LLM_BASE_URL: 'http://localhost:11434/v1', LLM_MODEL: '' })).toEqual({
      baseUrl: 'http://localhost:11434/v1',
      apiKey: undefined,
      model: 'gpt-4o-mini',
      timeoutMs: 8_000,
    });
  });

  it('reads every variable', () => {
    const env = { LLM_BASE_URL: 'https://llm.example.com/v1', LLM_API_KEY: 'sk-1', LLM_MODEL: 'llama3.1:8b', LLM_TIMEOUT_MS: '30000' };
    expect(llm(env)).toEqual({ baseUrl: 'https://llm.example.com/v1', apiKey: 'sk-1', model: 'llama3.1:8b', timeoutMs: 30_000 });
  });

  it('refuses a base URL that is no URL and a timeout out of 100..120000 ms, naming each', () => {
    for (const env of [{ LLM_BASE_URL: 'localhost:11434' }, { LLM_TIMEOUT_MS: '99' }, { LLM_TIMEOUT_MS: '120001' }, { LLM_TIMEOUT_MS: '1.5' }]) {
      const name = Object.keys(env)[0]!;
      expect(() => llm(env)).toThrow(ConfigError);
      expect(() => llm(env)).toThrow(name);
    }
  });
});
