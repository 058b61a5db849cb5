/**
 * Avro encoding throughput on one core: Confluent's serializer vs. the project's cached-type serde
 * (same wire format). Needs the local stack's registry (`npm run stack -- up schema-registry`).
 * Run: npx tsx bench/avro-serde.bench.ts [records]
 */
import { createAvroSerde, createConfluentAvroSerde, createRegistryClient, registerAvroSchema } from '@streamline/clients';
import { loadConnectionConfig } from '@streamline/config';
import { mapApiUser, usersCreatedSchema, type UserCreated } from '@streamline/user-schema';
import { apiUserNumericPostcode } from '@streamline/user-schema/testing';

const n = Number(process.argv[2] ?? 20_000);
const registry = createRegistryClient(loadConnectionConfig().registry);
const id = await registerAvroSchema(registry, 'bench_avro_serde-value', usersCreatedSchema);
const record: UserCreated = { ...mapApiUser(apiUserNumericPostcode, { source: 'api', ingestRunId: 'bench' }), staged_at: Date.now() };

async function measure(name: string, fn: () => Promise<unknown>): Promise<[string, number]> {
  await fn(); // warm the schema cache
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await fn();
  return [name, Math.round(n / ((performance.now() - t0) / 1000))];
}

const ours = createAvroSerde<UserCreated>(registry, 'bench_avro_serde', { schemaId: id });
const confluent = createConfluentAvroSerde<UserCreated>(registry, 'bench_avro_serde', id);
const bytes = await ours.serialize(record);
const rows = [
  await measure('confluent serialize', () => confluent.serialize(record)),
  await measure('streamline serialize', () => ours.serialize(record)),
  await measure('confluent deserialize', () => confluent.deserialize(bytes)),
  await measure('streamline deserialize', () => ours.deserialize(bytes)),
];
console.log(`records: ${n}, one core\n`);
console.log('| serde | records/s |\n| --- | ---: |');
for (const [name, rate] of rows) console.log(`| ${name} | ${rate.toLocaleString('en-US')} |`);
