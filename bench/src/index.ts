/** The benchmark harness's reusable parts, for suites beyond `edge` (see run.ts for the suite list). */
export type { Suite, SuiteContext, SuiteReport } from './suite.js';
export { measure, type LoadOptions, type LoadResult, type LoadTarget, type Latency } from './load.js';
export { startEdgeServer, startHelloServer, stopAllServers, SERVER_ENV, type ServerProcess, type ServerExit } from './server-process.js';
export { startDistributedStack, type DistributedStack } from './distributed-server.js';
export { summarizeProfile, type ProfileSummary, type ProfileRow, type PackageRow } from './cpu-profile.js';
export { CpuMeter, type CpuUse } from './cpu.js';
export { runInfo, writeSection, otherLoad, type RunInfo } from './results.js';
