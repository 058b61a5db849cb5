import { afterAll, describe, expect, it } from 'vitest';
import { Compatibility, createAvroSerde, createConfluentAvroSerde, createRegistryClient, readSchemaId, RecordEncodeError, registerAvroSchema, SchemaRefusedError, registryHeaders } from '@streamline/clients';
import { testConnections, uniqueName } from '@streamline/testing';

const v1 = {
  type: 'record',
  name: 'Probe',
  namespace: 'io.streamline.test',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'n', type: 'long' },
  ],
};

describe('schema registry (real Apicurio, Confluent API)', () => {
  const config = testConnections();
  const client = createRegistryClient(config.registry);
  const topic = uniqueName('it_registry');
  const subject = `${topic}-value`;

  afterAll(async () => {
    await fetch(`${config.registry.url}/subjects/${subject}`, { method: 'DELETE', headers: registryHeaders(config.registry) });
    await fetch(`${config.registry.url}/subjects/${subject}?permanent=true`, { method: 'DELETE', headers: registryHeaders(config.registry) });
  });

  it('registers a schema idempotently and frames messages with its id', async () => {
    const id = await registerAvroSchema(client, subject, v1, Compatibility.BACKWARD);
    expect(await registerAvroSchema(client, subject, v1)).toBe(id);
    expect(await client.getAllSubjects()).toContain(subject);

    const serde = createAvroSerde<{ id: string; n: number }>(client, topic, { schemaId: id });
    const bytes = await serde.serialize({ id: 'a', n: 42 });
    expect(bytes[0]).toBe(0);
    expect(readSchemaId(bytes)).toBe(id);
    expect(await serde.deserialize(bytes)).toEqual({ id: 'a', n: 42 });
  });

  it("writes the same bytes as Confluent's serializer, and each reads the other's", async () => {
    const id = await registerAvroSchema(client, subject, v1, Compatibility.BACKWARD);
    const ours = createAvroSerde<{ id: string; n: number }>(client, topic, { schemaId: id });
    const theirs = createConfluentAvroSerde<{ id: string; n: number }>(client, topic, id);
    const value = { id: 'x', n: 1234567890123 };
    const a = await ours.serialize(value);
    const b = await theirs.serialize(value);
    expect(a.equals(b)).toBe(true);
    expect(await theirs.deserialize(a)).toEqual(value);
    expect(await ours.deserialize(b)).toEqual(value);
  });

  it('refuses a value that does not fit the schema, naming the subject, the id and each bad field', async () => {
    const id = await registerAvroSchema(client, subject, v1, Compatibility.BACKWARD);
    const serde = createAvroSerde(client, topic, { schemaId: id });
    const bad = serde.serialize({ id: 42, n: 'many' });
    await expect(bad).rejects.toThrow(RecordEncodeError);
    await expect(bad).rejects.toThrow(`does not fit ${subject} (schema id ${id}): id: 42 is not string; n: "many" is not long`);
    await expect(bad).rejects.toMatchObject({ retriable: false });
  });

  it('rejects a message whose schema id the registry does not know', async () => {
    const ours = createAvroSerde(client, topic);
    const unknown = Buffer.from([0, 0x7f, 0xff, 0xff, 0xf0, 2, 0x61]);
    await expect(ours.deserialize(unknown)).rejects.toThrow();
  });

  it('enforces BACKWARD compatibility: a new required field is refused, an optional one accepted', async () => {
    await registerAvroSchema(client, subject, v1, Compatibility.BACKWARD);
    const breaking = { ...v1, fields: [...v1.fields, { name: 'email', type: 'string' }] };
    const compatible = { ...v1, fields: [...v1.fields, { name: 'email', type: ['null', 'string'], default: null }] };
    const refused = registerAvroSchema(client, subject, breaking);
    await expect(refused).rejects.toThrow(SchemaRefusedError);
    await expect(refused).rejects.toThrow(new RegExp(`^the schema registry refused the new schema of ${subject} as incompatible with its versions: Incompatible artifact: .*email at /fields/2[^\\n]*$`));
    await expect(refused).rejects.toMatchObject({ retriable: false });
    const id2 = await registerAvroSchema(client, subject, compatible);
    expect((await client.getLatestSchemaMetadata(subject)).id).toBe(id2);
  });
});
