import type { Principal } from '@perceptiq/platform';
import type { OperationAnalysis } from '../src/analyze-operation.js';
import { enforceOperationPolicy } from '../src/operation-policy.js';

const analysis = (requirements: string[][][]): OperationAnalysis => ({
  requirements,
  singleSubgraph: 'qa',
  conditional: false,
  relevant: { kind: 'Document' as never, definitions: [] },
});
const client = (scopes: string[]): Principal => ({
  type: 'client',
  client: { client_id: 'cli_x', company: 'X', tier: 'growth', scopes: scopes as never, rate_limit_rpm: 60 },
});

describe('operation policy', () => {
  it('lets a caller holding every scope run an operation within the complexity limit', () => {
    expect(() => enforceOperationPolicy(analysis([[['summary']]]), client(['summary']), 10, 10)).not.toThrow();
  });

  it('refuses the whole operation when one field needs a scope the caller lacks, naming it', () => {
    expect(() => enforceOperationPolicy(analysis([[['summary']], [['compare']]]), client(['summary']), 1, 10)).toThrow(
      expect.objectContaining({ code: 'insufficient_scope', details: { required_scope: 'compare' } }),
    );
  });

  it('gives admins and the public no scopes', () => {
    expect(() => enforceOperationPolicy(analysis([[['documents']]]), { type: 'admin' }, 1, 10)).toThrow(
      expect.objectContaining({ code: 'insufficient_scope' }),
    );
    expect(() => enforceOperationPolicy(analysis([]), { type: 'public' }, 1, 10)).not.toThrow();
  });

  it('refuses an operation over the complexity limit', () => {
    expect(() => enforceOperationPolicy(analysis([]), client([]), 11, 10)).toThrow(
      expect.objectContaining({ code: 'invalid_request', details: { complexity: 11, limit: 10 } }),
    );
  });
});
