import { describe, expect, it } from 'vitest';
import avro from 'avsc';
import { createAvroSerde, type RegistryClient } from './schema-registry.js';

const v1 = {
  type: 'record',
  name: 'Probe',
  namespace: 'io.streamline.test',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'n', type: 'int' },
  ],
};
const v2 = { ...v1, fields: [...v1.fields, { name: 'note', type: ['null', 'string'], default: null }] };
const withoutN = { ...v1, fields: [v1.fields[0]] };
const schemas = new Map<number, object>([
  [1, v1],
  [2, v2],
  [3, withoutN],
]);

/** The registry as the serde sees it: schemas by id, and a count of lookups. */
function fakeRegistry() {
  const calls = { byId: 0 };
  const client = {
    async getBySubjectAndId(_subject: string, id: number) {
      calls.byId += 1;
      const schema = schemas.get(id);
      if (!schema) throw Object.assign(new Error(`Schema ${id} not found`), { status: 404 });
      return { schema: JSON.stringify(schema) };
    },
  } as unknown as RegistryClient;
  return { client, calls };
}

const frame = (id: number, schema: object, value: object) => {
  const body = avro.Type.forSchema(schema as avro.Schema).toBuffer(value);
  const header = Buffer.alloc(5);
  header.writeInt32BE(id, 1);
  return Buffer.concat([header, body]);
};

describe('createAvroSerde reads with a reader schema (Avro schema resolution)', () => {
  it('a newer writer schema: its extra field is skipped', async () => {
    const { client } = fakeRegistry();
    const serde = createAvroSerde<Record<string, unknown>>(client, 't', { readerSchema: v1 as avro.Schema });
    expect({ ...(await serde.deserialize(frame(2, v2, { id: 'a', n: 1, note: 'x' }))) }).toEqual({ id: 'a', n: 1 });
  });

  it('an older writer schema: the field it lacks takes the reader default', async () => {
    const { client } = fakeRegistry();
    const serde = createAvroSerde<Record<string, unknown>>(client, 't', { readerSchema: v2 as avro.Schema });
    expect({ ...(await serde.deserialize(frame(1, v1, { id: 'a', n: 1 }))) }).toEqual({ id: 'a', n: 1, note: null });
    // Without a reader schema the writer's record comes back as written: no default, so a
    // consumer that needs `note` would find it missing.
    const plain = createAvroSerde<Record<string, unknown>>(client, 't');
    expect({ ...(await plain.deserialize(frame(1, v1, { id: 'a', n: 1 }))) }).toEqual({ id: 'a', n: 1 });
  });

  it('a writer schema without a field the reader needs (no default) rejects, naming the field', async () => {
    const { client } = fakeRegistry();
    const serde = createAvroSerde(client, 't', { readerSchema: v1 as avro.Schema });
    await expect(serde.deserialize(frame(3, withoutN, { id: 'a' }))).rejects.toThrow(/no matching field for default-less io\.streamline\.test\.Probe\.n/);
  });

  it('looks each writer schema up once, however many messages', async () => {
    const { client, calls } = fakeRegistry();
    const serde = createAvroSerde(client, 't', { readerSchema: v1 as avro.Schema });
    for (let i = 0; i < 5; i++) {
      await serde.deserialize(frame(1, v1, { id: `a${i}`, n: i }));
      await serde.deserialize(frame(2, v2, { id: `b${i}`, n: i, note: null }));
    }
    expect(calls.byId).toBe(2);
  });
});
