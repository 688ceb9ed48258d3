import { AppError } from '@perceptiq/platform';
import {
  getArgumentValues,
  getNamedType,
  getNullableType,
  getVariableValues,
  isCompositeType,
  isListType,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { ListSize, SupergraphIndex } from './supergraph-index.js';

/** What answering an operation would take, measured before anything runs. */
export interface OperationMeasure {
  /**
   * Estimated cost, after the cost spec (https://specs.apollo.dev/cost/v0.1): each object returned
   * costs 1 (or its field's `@cost` weight), a leaf 0 (or its `@cost`), and a list field costs its
   * size times its item: the value of its slicing argument (`limit`), else its `assumedSize`.
   */
  cost: number;
  /** Aliased fields, each fragment counted as many times as it is spread. */
  aliases: number;
}

/** Size of a list field that declares no `@listSize`: the default `limit` of this API's lists. */
export const DEFAULT_LIST_SIZE = 100;

/** The list size a `@listSize(sizedFields:)` parent hands down to those child fields. */
interface Sizing {
  fields: readonly string[];
  size: number;
}

interface Scope {
  sized?: Sizing;
  /** False inside introspection (`__schema`, `__type`): served from memory, only its aliases count. */
  counted: boolean;
}

const NOTHING: OperationMeasure = { cost: 0, aliases: 0 };

/**
 * Measure the operation of a validated document (the selected operation and its fragments) in one
 * walk. Each fragment is measured once per scope, so nested spreads cost linear time, and a spread
 * that reaches itself is refused rather than followed. `varies` says whether a list size came from
 * a variable: only then must the measure be taken again for other variables.
 */
export function measureOperation(
  schema: GraphQLSchema,
  index: SupergraphIndex,
  document: DocumentNode,
  variables: Record<string, unknown>,
): OperationMeasure & { varies: boolean } {
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const root = operation && schema.getRootType(operation.operation);
  if (!operation || !root) throw new AppError('invalid_request', 'The document has no operation to run.');
  const fragments = new Map(
    document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
  );
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables, { maxErrors: 1 });
  // Variables that do not coerce (missing, wrong type) are the caller's mistake.
  if (coerced.errors) throw new AppError('invalid_request', coerced.errors[0]!.message);
  const values = coerced.coerced;
  let varies = false;
  const measured = new Map<string, OperationMeasure>();
  const inProgress = new Set<string>();

  const listSizeOf = (field: GraphQLField<unknown, unknown>, node: FieldNode, declared: ListSize | undefined): number => {
    const slicing = declared?.slicingArguments ?? [];
    if (node.arguments?.some((a) => slicing.includes(a.name.value) && a.value.kind === Kind.VARIABLE)) varies = true;
    const args = slicing.length ? getArgumentValues(field, node, values) : {};
    const sliced = slicing.map((name) => args[name]).filter((v): v is number => typeof v === 'number');
    return sliced.length ? Math.max(0, ...sliced) : (declared?.assumedSize ?? DEFAULT_LIST_SIZE);
  };

  const measureField = (type: GraphQLCompositeType, node: FieldNode, scope: Scope): OperationMeasure => {
    const name = node.name.value;
    const alias = node.alias ? 1 : 0;
    if (name.startsWith('__') || !scope.counted) {
      const inner = node.selectionSet ? measureSet(type, node.selectionSet, { counted: false }) : NOTHING;
      return { cost: 0, aliases: alias + inner.aliases };
    }
    const field = 'getFields' in type ? type.getFields()[name] : undefined;
    if (!field) return { ...NOTHING, aliases: alias }; // validation refuses unknown fields; nothing to count
    const key = `${type.name}.${name}`;
    const declared = index.listSizes.get(key);
    const itemType = getNamedType(field.type);
    const isList = isListType(getNullableType(field.type));
    let size = 1;
    let childScope: Scope = { counted: true };
    if (declared?.sizedFields?.length) childScope = { counted: true, sized: { fields: declared.sizedFields, size: listSizeOf(field, node, declared) } };
    else if (isList) size = scope.sized?.fields.includes(name) ? scope.sized.size : listSizeOf(field, node, declared);
    const weight = index.costs.get(key) ?? (isCompositeType(itemType) ? 1 : 0);
    const inner = node.selectionSet && isCompositeType(itemType) ? measureSet(itemType, node.selectionSet, childScope) : NOTHING;
    return { cost: size * (weight + inner.cost), aliases: alias + inner.aliases };
  };

  const measureSet = (type: GraphQLCompositeType, set: SelectionSetNode, scope: Scope): OperationMeasure => {
    const total = { ...NOTHING };
    for (const selection of set.selections) {
      let part: OperationMeasure;
      if (selection.kind === Kind.FIELD) {
        part = measureField(type, selection, scope);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        part = measureSet(conditionType(schema, selection.typeCondition?.name.value) ?? type, selection.selectionSet, scope);
      } else {
        part = measureFragment(selection.name.value, scope);
      }
      total.cost += part.cost;
      total.aliases += part.aliases;
    }
    return total;
  };

  const measureFragment = (name: string, scope: Scope): OperationMeasure => {
    const key = `${name}\u0000${scope.counted}\u0000${scope.sized ? `${scope.sized.size}:${scope.sized.fields.join(',')}` : ''}`;
    const known = measured.get(key);
    if (known) return known;
    const fragment = fragments.get(name);
    const type = conditionType(schema, fragment?.typeCondition.name.value);
    if (!fragment || !type) throw new AppError('invalid_request', `Unknown fragment "${name}".`);
    if (inProgress.has(name)) throw new AppError('invalid_request', `Cannot spread fragment "${name}" within itself.`);
    inProgress.add(name);
    const result = measureSet(type, fragment.selectionSet, scope);
    inProgress.delete(name);
    measured.set(key, result);
    return result;
  };

  return { ...measureSet(root, operation.selectionSet, { counted: true }), varies };
}

function conditionType(schema: GraphQLSchema, name: string | undefined): GraphQLCompositeType | undefined {
  const type = name ? schema.getType(name) : undefined;
  return type && isCompositeType(type) ? type : undefined;
}
