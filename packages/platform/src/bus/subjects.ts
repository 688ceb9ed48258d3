/** NATS subject rules, which the in-memory bus follows too so both adapters accept the same subjects. */

/** NATS subject matching: `*` matches exactly one token, a trailing `>` one or more. */
export function subjectMatches(pattern: string, subject: string): boolean {
  return tokensMatch(pattern.split('.'), subject.split('.'));
}

/** `subjectMatches` on subjects already split into tokens, so a router splits each pattern once. */
export function tokensMatch(p: readonly string[], s: readonly string[]): boolean {
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '>') return s.length > i;
    if (i >= s.length || (p[i] !== '*' && p[i] !== s[i])) return false;
  }
  return p.length === s.length;
}

/** NATS refuses to deliver to wildcard subjects; fail the same way in memory. */
export function assertPublishable(subject: string): void {
  if (subject.split('.').some((t) => t === '*' || t === '>' || t === '')) {
    throw new Error(`Cannot send to "${subject}": wildcards and empty tokens are for subscribing only.`);
  }
}
