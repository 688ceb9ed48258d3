/** The five subgraph services, their default loopback ports and the env names that move them. */
export const SERVICE_NAMES = ['ingest', 'qa', 'templates', 'analytics', 'access'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

export const SERVICE_DEFAULT_PORT: Readonly<Record<ServiceName, number>> = {
  ingest: 4001,
  qa: 4002,
  templates: 4003,
  analytics: 4004,
  access: 4005,
};

/** `INGEST_PORT`, `QA_URL`, …: the env variable names for a service's port and its URL. */
export const servicePortEnv = (name: ServiceName): string => `${name.toUpperCase()}_PORT`;
export const serviceUrlEnv = (name: ServiceName): string => `${name.toUpperCase()}_URL`;
