// The package's index loads every KMS driver and rule executor (~0.6 s of CPU at each process
// start); these modules are all we use (~0.2 s).
import { Compatibility, SchemaRegistryClient, type Client } from '@confluentinc/schemaregistry/dist/schemaregistry-client.js';
import { AvroDeserializer, AvroSerializer } from '@confluentinc/schemaregistry/dist/serde/avro.js';
import { SerdeType, TopicNameStrategy } from '@confluentinc/schemaregistry/dist/serde/serde.js';
import avro from 'avsc';
import type { ConnectionConfig } from '@streamline/config';
import { avroMismatches } from './avro-mismatch.js';
import { RecordEncodeError, SchemaRefusedError } from './errors.js';

export type RegistryClient = Client;
export { Compatibility };

export function createRegistryClient(config: ConnectionConfig['registry'], options: { timeoutMs?: number } = {}): RegistryClient {
  // A request timeout, so a hung registry fails a batch (to be retried) instead of stalling it.
  return new SchemaRegistryClient({
    baseURLs: [config.url],
    cacheCapacity: 1000,
    createAxiosDefaults: { timeout: options.timeoutMs ?? 10_000 },
    ...(config.auth ? { basicAuthCredentials: { credentialsSource: 'USER_INFO', userInfo: `${config.auth.username}:${config.auth.password}` } } : {}),
  });
}

/** Headers for a plain `fetch` of the registry's REST API: its Basic login, when it has one. */
export function registryHeaders(config: ConnectionConfig['registry']): Record<string, string> {
  const accept = { accept: 'application/vnd.schemaregistry.v1+json, application/json' };
  if (!config.auth) return accept;
  return { ...accept, authorization: `Basic ${Buffer.from(`${config.auth.username}:${config.auth.password}`).toString('base64')}` };
}

export interface AvroSerde<T> {
  /**
   * Confluent wire format: magic byte 0, 4-byte big-endian schema id, Avro body. A value that does
   * not fit the schema rejects with RecordEncodeError naming the fields; a registry that cannot be
   * reached rejects with its own (transient) error.
   */
  serialize(value: T): Promise<Buffer>;
  deserialize(payload: Buffer): Promise<T>;
}

/**
 * Avro (de)serializer for one topic's values, in the Confluent wire format. Writes with
 * `schemaId` (from `registerAvroSchema`), or the latest version of `<topic>-value`; reads look up
 * the writer schema by the id in each message (fetched once per id from the registry). With
 * `readerSchema`, a read is resolved from that writer schema to the reader's, as Avro specifies:
 * fields the reader lacks are skipped, fields the writer lacks take the reader's default, and a
 * writer schema the reader cannot resolve rejects (without it, a read returns the writer's record).
 *
 * The registry client is Confluent's; the encoding itself runs on avsc types cached per schema
 * id, because the Confluent serializer's per-message work (rule engine, async lookups) caps it at
 * ~13k records/s per core, against ~400k/s for the cached type (bench/avro-serde.bench.ts).
 * Both produce the same bytes; schema-registry.int.test.ts checks each reads the other's.
 */
export function createAvroSerde<T>(client: RegistryClient, topic: string, options: { schemaId?: number; readerSchema?: avro.Schema } = {}): AvroSerde<T> {
  const subject = `${topic}-value`;
  const reader = options.readerSchema === undefined ? undefined : avro.Type.forSchema(options.readerSchema);
  const types = new Map<number, Promise<avro.Type>>();
  const typeOf = (id: number) => {
    let type = types.get(id);
    if (!type) {
      type = client.getBySubjectAndId(subject, id).then((info) => avro.Type.forSchema(JSON.parse(info.schema)));
      // A failed lookup (registry down) must not be cached forever.
      type.catch(() => types.delete(id));
      types.set(id, type);
    }
    return type;
  };
  // One resolver per writer schema id; none when the writer schema is the reader's (a plain read is faster).
  const resolvers = new Map<number, Promise<{ resolver?: ReturnType<avro.Type["createResolver"]> }>>();
  const readerOf = (id: number) => {
    let entry = resolvers.get(id);
    if (!entry) {
      entry = typeOf(id).then((writerType) => ({ resolver: writerType.equals(reader!) ? undefined : reader!.createResolver(writerType) }));
      entry.catch(() => resolvers.delete(id));
      resolvers.set(id, entry);
    }
    return entry;
  };
  let writer: Promise<{ id: number; type: avro.Type }> | undefined;
  const writerOf = () => {
    writer ??= (async () => {
      const id = options.schemaId ?? (await client.getLatestSchemaMetadata(subject)).id!;
      return { id, type: await typeOf(id) };
    })();
    writer.catch(() => (writer = undefined));
    return writer;
  };
  return {
    async serialize(value) {
      const { id, type } = await writerOf();
      let body: Buffer;
      try {
        body = type.toBuffer(value);
      } catch (error) {
        throw new RecordEncodeError(subject, id, avroMismatches(type, value), error);
      }
      const out = Buffer.allocUnsafe(5 + body.length);
      out[0] = 0;
      out.writeInt32BE(id, 1);
      body.copy(out, 5);
      return out;
    },
    async deserialize(payload) {
      const id = readSchemaId(payload);
      if (!reader) return (await typeOf(id)).fromBuffer(payload.subarray(5)) as T;
      const { resolver } = await readerOf(id);
      return reader.fromBuffer(payload.subarray(5), resolver) as T;
    },
  };
}

/** The Confluent client's own serde, kept for cross-checking the wire format in tests. */
export function createConfluentAvroSerde<T>(client: RegistryClient, topic: string, schemaId: number): AvroSerde<T> {
  // TopicNameStrategy, stated: the client's default first asks the newer /associations API, which
  // Apicurio does not implement (the call can hang until the request timeout).
  const serializer = new AvroSerializer(client, SerdeType.VALUE, { autoRegisterSchemas: false, useSchemaId: schemaId, subjectNameStrategy: TopicNameStrategy });
  const deserializer = new AvroDeserializer(client, SerdeType.VALUE, { subjectNameStrategy: TopicNameStrategy });
  return {
    serialize: (value) => serializer.serialize(topic, value),
    deserialize: (payload) => deserializer.deserialize(topic, payload) as Promise<T>,
  };
}

/** Registers `schema` under `subject` (idempotent: the same schema keeps its id) and returns its id. */
export async function registerAvroSchema(
  client: RegistryClient,
  subject: string,
  schema: object | string,
  compatibility?: Compatibility,
): Promise<number> {
  // Set before registering, so the very first version is already governed by the rule.
  if (compatibility) await client.updateCompatibility(subject, compatibility);
  try {
    return await client.register(subject, { schemaType: 'AVRO', schema: typeof schema === 'string' ? schema : JSON.stringify(schema) }, false);
  } catch (error) {
    // 409: the compatibility rule refused it; said in one line, the registry's class names dropped.
    if ((error as { status?: number }).status !== 409) throw error;
    const said = String((error as Error).message).replace(/^[\w.$]+Exception:\s*/, '').replace(/;\s*Error code: \d+$/, '');
    throw new SchemaRefusedError(subject, said, error);
  }
}

/** Reads the schema id from a Confluent-framed message, or throws naming what is wrong. */
export function readSchemaId(payload: Buffer): number {
  if (payload.length < 5) throw new Error(`message of ${payload.length} bytes is too short for the Confluent wire format`);
  if (payload[0] !== 0) throw new Error(`unknown magic byte ${payload[0]} (expected 0)`);
  return payload.readInt32BE(1);
}
