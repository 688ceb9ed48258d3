import { AppError, type Principal } from '@perceptiq/platform';
import { missingScope, type OperationAnalysis } from './analyze-operation.js';
import type { OperationMeasure } from './operation-cost.js';

export interface OperationLimits {
  maxAliases: number;
  maxCost: number;
}

/**
 * What a caller may run, decided the same way on every path through the gateway and before
 * anything runs: every field's scope must be held (else the whole operation is refused: no
 * partial data), and the operation must stay within the alias and cost limits (depth is a
 * validation rule: depth-limit.ts).
 */
export function enforceOperationPolicy(analysis: OperationAnalysis, principal: Principal, measure: OperationMeasure, limits: OperationLimits): void {
  const granted = new Set<string>(principal.type === 'client' ? principal.client.scopes : []);
  const missing = missingScope(analysis.requirements, granted);
  if (missing) {
    throw new AppError('insufficient_scope', `This operation needs the "${missing}" scope.`, { required_scope: missing });
  }
  if (measure.aliases > limits.maxAliases) {
    throw new AppError('too_many_aliases', `This operation has ${measure.aliases} aliased fields; at most ${limits.maxAliases} are allowed.`, {
      aliases: measure.aliases,
      limit: limits.maxAliases,
    });
  }
  if (measure.cost > limits.maxCost) {
    throw new AppError(
      'query_too_complex',
      `Operation cost ${measure.cost} exceeds the limit of ${limits.maxCost}: a list counts as many items as its limit argument or assumed size; ask for fewer documents, pages or words per operation.`,
      { cost: measure.cost, limit: limits.maxCost },
    );
  }
}
