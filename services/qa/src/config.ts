import { defineSettings, settingTypes } from '@perceptiq/platform';
import { z } from 'zod';
import type { GenerativeOptions } from './generative/answer-writer.js';

const { optionalString } = settingTypes;

export const DEFAULT_LLM_MODEL = 'gpt-4o-mini';

/**
 * The QA service's settings: the OpenAI-compatible chat endpoint generative answers are written
 * with. `llm` is undefined while LLM_BASE_URL is unset: answers stay extractive.
 */
export const qaSettings = defineSettings({
  env: {
    // http(s) only: what fetch speaks (a bare `localhost:11434` would parse as a URL of scheme `localhost:`).
    LLM_BASE_URL: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
    LLM_API_KEY: optionalString,
    // Blank is unset, as for every optional setting.
    LLM_MODEL: optionalString.transform((v) => v ?? DEFAULT_LLM_MODEL),
    LLM_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(8_000),
  },
  build: (e): { llm: GenerativeOptions | undefined } => ({
    llm: e.LLM_BASE_URL ? { baseUrl: e.LLM_BASE_URL, apiKey: e.LLM_API_KEY, model: e.LLM_MODEL, timeoutMs: e.LLM_TIMEOUT_MS } : undefined,
  }),
});

export type QaSettings = ReturnType<typeof qaSettings.build>;
