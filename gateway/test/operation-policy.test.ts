import type { Principal } from '@perceptiq/platform';
import type { OperationAnalysis } from '../src/analyze-operation.js';
import type { OperationMeasure } from '../src/operation-cost.js';
import { enforceOperationPolicy } from '../src/operation-policy.js';

const analysis = (requirements: string[][][]): OperationAnalysis => ({
  requirements,
  singleSubgraph: 'qa',
  introspective: false,
  measure: () => ({ cost: 0, aliases: 0 }),
});
const client = (scopes: string[]): Principal => ({
  type: 'client',
  client: { client_id: 'cli_x', company: 'X', tier: 'growth', scopes: scopes as never, rate_limit_rpm: 60 },
});
const limits = { maxAliases: 3, maxCost: 10 };
const within: OperationMeasure = { cost: 10, aliases: 3 };

describe('operation policy', () => {
  it('lets a caller holding every scope run an operation within every limit', () => {
    expect(() => enforceOperationPolicy(analysis([[['summary']]]), client(['summary']), within, limits)).not.toThrow();
  });

  it('refuses the whole operation when one field needs a scope the caller lacks, naming it', () => {
    expect(() => enforceOperationPolicy(analysis([[['summary']], [['compare']]]), client(['summary']), within, limits)).toThrow(
      expect.objectContaining({ code: 'insufficient_scope', details: { required_scope: 'compare' } }),
    );
  });

  it('gives admins and the public no scopes', () => {
    expect(() => enforceOperationPolicy(analysis([[['documents']]]), { type: 'admin' }, within, limits)).toThrow(
      expect.objectContaining({ code: 'insufficient_scope' }),
    );
    expect(() => enforceOperationPolicy(analysis([]), { type: 'public' }, within, limits)).not.toThrow();
  });

  it('names the limit an operation is over: aliases or cost', () => {
    const refuse = (measure: Partial<OperationMeasure>) => () => enforceOperationPolicy(analysis([]), client([]), { ...within, ...measure }, limits);
    expect(refuse({ aliases: 4 })).toThrow(expect.objectContaining({ code: 'too_many_aliases', httpStatus: 400, details: { aliases: 4, limit: 3 } }));
    expect(refuse({ cost: 11 })).toThrow(expect.objectContaining({ code: 'query_too_complex', httpStatus: 400, details: { cost: 11, limit: 10 } }));
  });
});
