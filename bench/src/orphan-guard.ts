/**
 * Preloaded (`node --import`) into each role process of the distributed stack, which, unlike
 * edge-server.js, has no way to notice that the runner went away: when stdin (a pipe from the
 * runner) closes, the process sends itself SIGTERM and stops through its own signal handler, so a
 * killed runner leaves no stack behind. The role's own code runs unchanged.
 */
process.stdin.on('end', () => process.kill(process.pid, 'SIGTERM'));
process.stdin.resume();
