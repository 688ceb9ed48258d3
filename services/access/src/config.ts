import { defineSettings, settingTypes } from '@perceptiq/platform';

const { positiveInt } = settingTypes;

/** The access service's settings: how often one IP may ask for access or fail admin authentication. */
export const accessSettings = defineSettings({
  env: {
    ACCESS_REQUESTS_PER_IP_PER_MINUTE: positiveInt(10),
    ADMIN_FAILURES_PER_IP_PER_MINUTE: positiveInt(10),
  },
  build: (e) => ({
    accessRequestsPerIpPerMinute: e.ACCESS_REQUESTS_PER_IP_PER_MINUTE,
    adminFailuresPerIpPerMinute: e.ADMIN_FAILURES_PER_IP_PER_MINUTE,
  }),
});

export type AccessSettings = ReturnType<typeof accessSettings.build>;
