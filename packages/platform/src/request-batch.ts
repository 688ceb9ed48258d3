/**
 * Loads by id once per request for every entity a subgraph resolves in it: a list of 100
 * documents reaches a subgraph as one `_entities` call whose field resolvers run in one pass, so
 * their ids are gathered until that pass ends (`process.nextTick`) and read with one store query.
 */
export function requestBatch<V>(load: (ctx: object, ids: string[]) => Promise<Map<string, V>>): (ctx: object, id: string) => Promise<V | undefined> {
  const open = new WeakMap<object, { ids: Set<string>; result: Promise<Map<string, V>> }>();
  return (ctx, id) => {
    let batch = open.get(ctx);
    if (!batch) {
      const ids = new Set<string>();
      const result = new Promise<Map<string, V>>((resolve, reject) => {
        process.nextTick(() => {
          // Later calls in the same request start a batch of their own.
          open.delete(ctx);
          load(ctx, [...ids]).then(resolve, reject);
        });
      });
      batch = { ids, result };
      open.set(ctx, batch);
    }
    batch.ids.add(id);
    return batch.result.then((found) => found.get(id));
  };
}
