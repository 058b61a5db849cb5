type Json = unknown;
type Schema = { [key: string]: Json };

const DEF_REF = /^[^#]*#\/\$defs\/(.+)$/;

/** Every `$ref` to a definition, rewritten to point inside the same document (`#/$defs/<name>`); the names met go to `found`. */
function rewriteRefs(node: Json, found: Set<string>): Json {
  if (Array.isArray(node)) return node.map((n) => rewriteRefs(n, found));
  if (typeof node !== 'object' || node === null) return node;
  const out: Schema = {};
  for (const [key, value] of Object.entries(node)) {
    const match = key === '$ref' && typeof value === 'string' ? DEF_REF.exec(value) : null;
    if (match) {
      found.add(match[1]!);
      out[key] = `#/$defs/${match[1]}`;
    } else out[key] = rewriteRefs(value, found);
  }
  return out;
}

/**
 * A resource's schema from kubernetes-validate as one self-contained document: its `$ref`s point at a
 * shared `/api/_definitions.json` under an `$id` only that package's resolver maps; here the definitions
 * it reaches are copied into its own `$defs` (and the `$id` dropped), so any JSON schema validator
 * (kubeconform) compiles it from the file alone.
 */
export function standaloneSchema(resource: Schema, definitions: Record<string, Json>): Schema {
  const pending = new Set<string>();
  const { $id: _id, ...body } = resource;
  const root = rewriteRefs(body, pending) as Schema;
  const defs: Record<string, Json> = {};
  while (pending.size > 0) {
    const [name] = pending;
    pending.delete(name!);
    if (name! in defs) continue;
    const definition = definitions[name!];
    if (definition === undefined) throw new Error(`schema definition ${name} is referenced but not defined`);
    const next = new Set<string>();
    defs[name!] = rewriteRefs(definition, next);
    for (const n of next) if (!(n in defs)) pending.add(n);
  }
  return Object.keys(defs).length > 0 ? { ...root, $defs: defs } : root;
}
