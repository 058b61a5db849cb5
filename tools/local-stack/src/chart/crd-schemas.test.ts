import { describe, expect, it } from 'vitest';
import { crdToJsonSchemas, toStrictJsonSchema } from './crd-schemas.js';
import { standaloneSchema } from './kubernetes-schemas.js';

// Schemas are nested plain data: read by path in the assertions.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Tree = any;

describe('CRD schemas as strict JSON schemas', () => {
  it('closes objects with declared properties, keeps preserved and map objects open, allows null where nullable', () => {
    const schema = toStrictJsonSchema({
      type: 'object',
      properties: {
        spec: { type: 'object', properties: { replicas: { type: 'integer' }, note: { type: 'string', nullable: true } } },
        config: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { a: { type: 'string' } } },
        labels: { type: 'object', additionalProperties: { type: 'string' } },
      },
    }) as Tree;
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.spec.additionalProperties).toBe(false);
    expect(schema.properties.spec.properties.note.type).toEqual(['string', 'null']);
    expect(schema.properties.config.additionalProperties).toBeUndefined();
    expect(schema.properties.labels.additionalProperties).toEqual({ type: 'string' });
  });

  it('keeps a property named like a keyword as a property', () => {
    const schema = toStrictJsonSchema({ type: 'object', properties: { properties: { type: 'string' }, enum: { type: 'integer' } } }) as Tree;
    expect(Object.keys(schema.properties)).toEqual(['properties', 'enum']);
    expect(schema.properties.enum).toEqual({ type: 'integer' });
  });

  it("names one file per version as kubeconform looks it up: <group>/<kind>_<version>.json", () => {
    const crd = {
      kind: 'CustomResourceDefinition',
      spec: {
        group: 'kafka.strimzi.io',
        names: { kind: 'KafkaTopic' },
        versions: [
          { name: 'v1beta2', schema: { openAPIV3Schema: { type: 'object', properties: {} } } },
          { name: 'v1alpha1', schema: { openAPIV3Schema: { type: 'object' } } },
          { name: 'v0' },
        ],
      },
    };
    expect(crdToJsonSchemas(crd).map((s) => `${s.group}/${s.fileName}`)).toEqual(['kafka.strimzi.io/kafkatopic_v1beta2.json', 'kafka.strimzi.io/kafkatopic_v1alpha1.json']);
  });
});

describe('Kubernetes schemas made self-contained', () => {
  it('copies the definitions a resource reaches, transitively, and points its refs at them', () => {
    const definitions = { A: { $ref: '/api/_definitions.json#/$defs/B' }, B: { type: 'string' }, C: { type: 'integer' } };
    const schema = standaloneSchema({ $id: '/api/x.json', properties: { a: { $ref: '/api/_definitions.json#/$defs/A' } } }, definitions);
    expect(schema).toEqual({ properties: { a: { $ref: '#/$defs/A' } }, $defs: { A: { $ref: '#/$defs/B' }, B: { type: 'string' } } });
  });

  it('names a definition that is missing', () => {
    expect(() => standaloneSchema({ $ref: '/api/_definitions.json#/$defs/Gone' }, {})).toThrow('schema definition Gone is referenced but not defined');
  });
});
