import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Admin } from 'kafkajs';
import { connectAdmin, createKafka, createRegistryClient, registryHeaders } from '@streamline/clients';
import { usersCreatedSchema, usersProcessedSchema } from '@streamline/user-schema';
import { testConnections, uniqueName } from '@streamline/testing';
import { NotProvisionedError, PROVISIONED_BY, provisionPipeline, requireSchemaId, requireTopics, valueSubject } from '../src/index.js';

describe('provisioning (real broker, real registry)', () => {
  const config = testConnections();
  const registry = createRegistryClient(config.registry);
  const id = uniqueName('it_prov');
  const topics = { created: `${id}_created`, processed: `${id}_processed`, dlq: `${id}_dlq` };
  const all = Object.values(topics);
  let admin: Admin;

  beforeAll(async () => {
    admin = await connectAdmin(createKafka(config.kafka));
  });

  afterAll(async () => {
    await admin.deleteTopics({ topics: all }).catch(() => undefined);
    await admin.disconnect();
    for (const topic of [topics.created, topics.processed]) {
      await fetch(`${config.registry.url}/subjects/${valueSubject(topic)}`, { method: 'DELETE', headers: registryHeaders(config.registry) }).catch(() => undefined);
    }
  });

  it('makes the topics with the layout and the subjects with their schemas, once; the checks fail before and pass after', async () => {
    await expect(requireTopics(admin, all)).rejects.toThrow(`topics ${all.join(', ')} missing: ${PROVISIONED_BY}`);
    const created = { subject: valueSubject(topics.created), schema: usersCreatedSchema };
    await expect(requireSchemaId(registry, created)).rejects.toBeInstanceOf(NotProvisionedError);

    const layout = { partitions: 4, replicationFactor: 1, minInsyncReplicas: 1 };
    const first = await provisionPipeline(config, topics, layout);
    expect(first.topicsCreated).toEqual(all);
    expect(Object.keys(first.schemaIds)).toEqual([valueSubject(topics.created), valueSubject(topics.processed)]);

    // The broker holds them as laid out, stamped with its own clock.
    const metadata = await admin.fetchTopicMetadata({ topics: all });
    expect(metadata.topics.map((t) => t.partitions.length)).toEqual([4, 4, 4]);
    const { resources } = await admin.describeConfigs({ includeSynonyms: false, resources: all.map((name) => ({ type: 2, name, configNames: ['message.timestamp.type', 'min.insync.replicas'] })) });
    for (const r of resources) {
      expect(Object.fromEntries(r.configEntries.map((e) => [e.configName, e.configValue]))).toEqual({ 'message.timestamp.type': 'LogAppendTime', 'min.insync.replicas': '1' });
    }
    // The subjects under BACKWARD, each holding its schema under the id provisioning returned.
    for (const [subject, schema] of [
      [valueSubject(topics.created), usersCreatedSchema],
      [valueSubject(topics.processed), usersProcessedSchema],
    ] as const) {
      expect(await registry.getCompatibility(subject)).toBe('BACKWARD');
      expect(await requireSchemaId(registry, { subject, schema })).toBe(first.schemaIds[subject]);
    }
    await expect(requireTopics(admin, all)).resolves.toBeUndefined();

    // A rerun (every `stack up`) changes nothing.
    const again = await provisionPipeline(config, topics, layout);
    expect(again).toEqual({ topicsCreated: [], schemaIds: first.schemaIds });
    expect(await registry.getAllVersions(valueSubject(topics.created))).toEqual([1]);
  });
});
