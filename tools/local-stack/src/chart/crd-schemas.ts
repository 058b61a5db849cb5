/** The parts of a CustomResourceDefinition (apiextensions.k8s.io/v1) the conversion reads. */
export interface CustomResourceDefinition {
  kind: string;
  spec: {
    group: string;
    names: { kind: string };
    versions: Array<{ name: string; schema?: { openAPIV3Schema?: JsonSchema } }>;
  };
}

type JsonSchema = { [key: string]: unknown };

export interface CrdJsonSchema {
  group: string;
  /** `<kind lower-cased>_<version>.json`: kubeconform's `{{ .ResourceKind }}_{{ .ResourceAPIVersion }}`. */
  fileName: string;
  schema: JsonSchema;
}

const isObject = (v: unknown): v is JsonSchema => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * An OpenAPI v3 schema of a CRD as a JSON schema the validator applies as the API server would:
 * `nullable` allows null, and an object with declared properties rejects unknown fields unless it
 * preserves them (x-kubernetes-preserve-unknown-fields) or declares additionalProperties itself:
 * the API server prunes unknown fields silently, so a misspelt field would otherwise pass unseen.
 */
export function toStrictJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toStrictJsonSchema);
  if (!isObject(node)) return node;
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(node)) {
    // Property names and enum values are data, not schemas: copied as they are, their values converted.
    if (key === 'properties' && isObject(value)) out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toStrictJsonSchema(v)]));
    else if (key === 'enum' || key === 'required' || key === 'default' || key === 'example') out[key] = value;
    else out[key] = toStrictJsonSchema(value);
  }
  if (out.nullable === true && typeof out.type === 'string') out.type = [out.type, 'null'];
  if (isObject(out.properties) && out.additionalProperties === undefined && out['x-kubernetes-preserve-unknown-fields'] !== true) out.additionalProperties = false;
  return out;
}

/** One JSON schema per served version of the CRD. */
export function crdToJsonSchemas(crd: CustomResourceDefinition): CrdJsonSchema[] {
  const { group, names, versions } = crd.spec;
  return versions.flatMap((version) => {
    const openApi = version.schema?.openAPIV3Schema;
    if (!openApi) return [];
    const schema = toStrictJsonSchema(openApi) as JsonSchema;
    // metadata is the API server's (ObjectMeta), often left open in CRDs: keep it open here too.
    return [{ group, fileName: `${names.kind.toLowerCase()}_${version.name}.json`, schema }];
  });
}
