import {
  AvroDeserializer,
  AvroSerializer,
  Compatibility,
  SchemaRegistryClient,
  SerdeType,
  type Client,
} from '@confluentinc/schemaregistry';
import type { ConnectionConfig } from '@streamline/config';

export type RegistryClient = Client;
export { Compatibility };

export function createRegistryClient(config: ConnectionConfig['registry']): RegistryClient {
  return new SchemaRegistryClient({ baseURLs: [config.url], cacheCapacity: 1000 });
}

export interface AvroSerde<T> {
  /** Confluent wire format: magic byte 0, 4-byte big-endian schema id, Avro body. */
  serialize(value: T): Promise<Buffer>;
  deserialize(payload: Buffer): Promise<T>;
}

/**
 * Avro (de)serializer for one topic's values. Writes with `schemaId` (from `registerAvroSchema`),
 * or the latest version of `<topic>-value` when none is given; reads resolve the writer schema
 * from the id in each message. The Confluent client's auto-registration is not used: it infers a
 * schema from the JS object instead of using ours.
 */
export function createAvroSerde<T>(client: RegistryClient, topic: string, options: { schemaId?: number } = {}): AvroSerde<T> {
  const serializer = new AvroSerializer(client, SerdeType.VALUE, {
    autoRegisterSchemas: false,
    ...(options.schemaId === undefined ? { useLatestVersion: true } : { useSchemaId: options.schemaId }),
  });
  const deserializer = new AvroDeserializer(client, SerdeType.VALUE, {});
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
  return client.register(subject, { schemaType: 'AVRO', schema: typeof schema === 'string' ? schema : JSON.stringify(schema) }, false);
}

/** Reads the schema id from a Confluent-framed message, or throws naming what is wrong. */
export function readSchemaId(payload: Buffer): number {
  if (payload.length < 5) throw new Error(`message of ${payload.length} bytes is too short for the Confluent wire format`);
  if (payload[0] !== 0) throw new Error(`unknown magic byte ${payload[0]} (expected 0)`);
  return payload.readInt32BE(1);
}
