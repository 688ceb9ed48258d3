import { Kind, parse, type ConstDirectiveNode, type DocumentNode, type ValueNode } from 'graphql';

/**
 * What the gateway needs to know about the supergraph beyond its API schema: the scopes each
 * field requires (`@requiresScopes`, which the Node gateway does not enforce itself), which
 * subgraphs can resolve each field (from `@join__type` / `@join__field`), and the cost directives
 * (`@cost`, `@listSize`) the subgraphs declare: the API schema drops all of these.
 */
export interface SupergraphIndex {
  /** `Type.field` → alternatives, each a list of scopes that must all be held. */
  scopes: Map<string, string[][]>;
  /** `Type.field` → subgraph names able to resolve it on their own. */
  resolvableIn: Map<string, Set<string>>;
  /** Subgraph names as composed. */
  subgraphs: string[];
  /** `Type.field` → its `@cost(weight:)`. */
  costs: Map<string, number>;
  /** `Type.field` → its `@listSize`. */
  listSizes: Map<string, ListSize>;
}

/** The cost spec's `@listSize` (https://specs.apollo.dev/cost/v0.1). */
export interface ListSize {
  assumedSize?: number;
  /** Arguments whose value is the list's size (e.g. `limit`). */
  slicingArguments?: string[];
  /** For a field returning a page object: the child list fields the size applies to. */
  sizedFields?: string[];
}

export function indexSupergraph(sdl: string): SupergraphIndex {
  const doc = parse(sdl);
  const graphNames = new Map<string, string>(); // enum value (ACCESS) → subgraph name (access)
  for (const def of doc.definitions) {
    if (def.kind === Kind.ENUM_TYPE_DEFINITION && def.name.value === 'join__Graph') {
      for (const v of def.values ?? []) {
        const name = stringArg(directive(v.directives, 'join__graph'), 'name');
        if (name) graphNames.set(v.name.value, name);
      }
    }
  }
  const scopes = new Map<string, string[][]>();
  const resolvableIn = new Map<string, Set<string>>();
  const costs = new Map<string, number>();
  const listSizes = new Map<string, ListSize>();
  for (const def of doc.definitions) {
    if (def.kind !== Kind.OBJECT_TYPE_DEFINITION && def.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
    const typeGraphs = new Set(
      (def.directives ?? []).filter((d) => d.name.value === 'join__type').map((d) => graphNames.get(enumArg(d, 'graph') ?? '') ?? ''),
    );
    const typeScopes = scopesOf(def.directives);
    for (const field of def.fields ?? []) {
      const key = `${def.name.value}.${field.name.value}`;
      const fieldScopes = [...(typeScopes ?? []), ...(scopesOf(field.directives) ?? [])];
      if (fieldScopes.length) scopes.set(key, fieldScopes);
      const joins = (field.directives ?? []).filter((d) => d.name.value === 'join__field');
      const graphs = joins.length
        ? joins
            .filter((d) => !boolArg(d, 'external') && !d.arguments?.some((a) => a.name.value === 'requires'))
            .map((d) => graphNames.get(enumArg(d, 'graph') ?? '') ?? '')
        : [...typeGraphs];
      resolvableIn.set(key, new Set(graphs.filter(Boolean)));
      const weight = intArg(directive(field.directives, 'cost'), 'weight');
      if (weight !== undefined) costs.set(key, weight);
      const listSize = directive(field.directives, 'listSize');
      if (listSize) {
        listSizes.set(key, {
          assumedSize: intArg(listSize, 'assumedSize'),
          slicingArguments: stringListArg(listSize, 'slicingArguments'),
          sizedFields: stringListArg(listSize, 'sizedFields'),
        });
      }
    }
  }
  return { scopes, resolvableIn, subgraphs: [...graphNames.values()], costs, listSizes };
}

/** The supergraph without `@requiresScopes` (the Node gateway refuses SECURITY features it does not implement; the gateway enforces scopes itself from the index). */
export function withoutSecurityFeatures(sdl: string): string {
  return sdl
    .replace(/\n\s*@link\(url: "https:\/\/specs\.apollo\.dev\/requiresScopes\/[^)]*\)/g, '')
    .replace(/\n\s*directive @requiresScopes\([^\n]*/g, '')
    .replace(/\s*@requiresScopes\(scopes: \[[^\n]*?\]\]\)/g, '')
    .replace(/\n\s*scalar requiresScopes__Scope\n/g, '\n');
}

function directive(directives: readonly ConstDirectiveNode[] | undefined, name: string): ConstDirectiveNode | undefined {
  return directives?.find((d) => d.name.value === name);
}

function scopesOf(directives: readonly ConstDirectiveNode[] | undefined): string[][] | undefined {
  const d = directive(directives, 'requiresScopes');
  const arg = d?.arguments?.find((a) => a.name.value === 'scopes')?.value;
  if (!arg || arg.kind !== Kind.LIST) return undefined;
  return arg.values.map((alt) => (alt.kind === Kind.LIST ? alt.values.map(stringValue).filter((s): s is string => !!s) : []));
}

const stringValue = (v: ValueNode): string | undefined => (v.kind === Kind.STRING ? v.value : undefined);
const stringArg = (d: ConstDirectiveNode | undefined, name: string) => {
  const v = d?.arguments?.find((a) => a.name.value === name)?.value;
  return v ? stringValue(v) : undefined;
};
const enumArg = (d: ConstDirectiveNode, name: string) => {
  const v = d.arguments?.find((a) => a.name.value === name)?.value;
  return v?.kind === Kind.ENUM ? v.value : undefined;
};
const intArg = (d: ConstDirectiveNode | undefined, name: string) => {
  const v = d?.arguments?.find((a) => a.name.value === name)?.value;
  return v?.kind === Kind.INT ? Number(v.value) : undefined;
};
const stringListArg = (d: ConstDirectiveNode, name: string) => {
  const v = d.arguments?.find((a) => a.name.value === name)?.value;
  return v?.kind === Kind.LIST ? v.values.map(stringValue).filter((s): s is string => !!s) : undefined;
};
const boolArg = (d: ConstDirectiveNode, name: string) => {
  const v = d.arguments?.find((a) => a.name.value === name)?.value;
  return v?.kind === Kind.BOOLEAN && v.value;
};

export type { DocumentNode };
