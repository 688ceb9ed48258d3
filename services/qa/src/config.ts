import { defineSettings, settingTypes } from '@perceptiq/platform';

const { optionalString, optionalUrl } = settingTypes;

/** The QA service's settings: the OpenAI-compatible chat endpoint for generative answers (unset: extractive answers). */
export const qaSettings = defineSettings({
  env: {
    LLM_BASE_URL: optionalUrl,
    LLM_MODEL: optionalString,
    LLM_API_KEY: optionalString,
  },
  build: (e) => ({ llm: { baseUrl: e.LLM_BASE_URL, model: e.LLM_MODEL, apiKey: e.LLM_API_KEY } }),
});

export type QaSettings = ReturnType<typeof qaSettings.build>;
