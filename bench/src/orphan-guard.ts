/**
 * Preloaded (`node --import`) into each role process of the distributed stack, which, unlike
 * edge-server.js, has no way to notice that the runner went away: when the runner dies the
 * process is handed to another parent, so a changed `process.ppid` makes it send itself SIGTERM
 * and stop through its own signal handler; a killed runner leaves no stack behind. It does not
 * read stdin: a main thread reading a piped stdin stalled QA's worker-thread indexing after the
 * first document (its job consumer stopped pulling), so the stack never got its documents ready.
 * The role's own code runs unchanged.
 */
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) process.kill(process.pid, 'SIGTERM');
}, 1_000).unref();
