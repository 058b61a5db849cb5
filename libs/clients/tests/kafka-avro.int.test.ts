import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Admin } from 'kafkajs';
import { Compatibility, connectAdmin, connectConsumer, connectProducer, createAvroSerde, createKafka, createRegistryClient, readSchemaId, registerAvroSchema, registryHeaders } from '@streamline/clients';
import { mapApiUser, usersCreatedSchema, type UserCreated } from '@streamline/user-schema';
import { apiUserNumericPostcode, apiUserTextPostcode } from '@streamline/user-schema/testing';
import { testConnections, uniqueName, waitFor } from '@streamline/testing';

describe('Kafka + schema registry (real broker, real registry)', () => {
  const config = testConnections();
  const kafka = createKafka(config.kafka);
  const registry = createRegistryClient(config.registry);
  const topic = uniqueName('it_users_created');
  let admin: Admin;

  beforeAll(async () => {
    admin = await connectAdmin(kafka);
  });

  afterAll(async () => {
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
    await fetch(`${config.registry.url}/subjects/${topic}-value`, { method: 'DELETE', headers: registryHeaders(config.registry) });
  });

  it('produces users in Avro (Confluent framing) and a consumer group reads them back, committing offsets', async () => {
    expect(await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 3, replicationFactor: 1 }] })).toBe(true);

    const schemaId = await registerAvroSchema(registry, `${topic}-value`, usersCreatedSchema, Compatibility.BACKWARD);
    const serde = createAvroSerde<UserCreated>(registry, topic, { schemaId });
    const users: UserCreated[] = [apiUserNumericPostcode, apiUserTextPostcode].map((u) => ({
      ...mapApiUser(u, { source: 'api', ingestRunId: 'it' }),
      staged_at: 1_700_000_000_000,
    }));

    const producer = await connectProducer(kafka);
    const acks = await producer.sendBatch({
      acks: -1,
      topicMessages: [{ topic, messages: await Promise.all(users.map(async (u) => ({ key: u.id, value: await serde.serialize(u) }))) }],
    });
    await producer.disconnect();
    expect(acks.every((a) => a.errorCode === 0)).toBe(true);

    const received: UserCreated[] = [];
    const groupId = uniqueName('it_group');
    const consumer = await connectConsumer(kafka, { groupId });
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ message, partition }) => {
        expect(readSchemaId(message.value!)).toBe(schemaId);
        received.push(await serde.deserialize(message.value!));
        await consumer.commitOffsets([{ topic, partition, offset: (BigInt(message.offset) + 1n).toString() }]);
      },
    });
    await waitFor(() => received.length >= users.length, { timeoutMs: 60_000, what: 'both users consumed' });
    await consumer.disconnect();

    expect(received.sort((a, b) => a.id.localeCompare(b.id))).toEqual(users.sort((a, b) => a.id.localeCompare(b.id)));
    const committed = (await admin.fetchOffsets({ groupId, topics: [topic] }))[0]!.partitions;
    const total = committed.reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
    expect(total).toBe(users.length);
  });
});
