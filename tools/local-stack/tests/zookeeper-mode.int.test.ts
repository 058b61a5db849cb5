import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { loadConnectionConfig } from '@streamline/config';
import { loadStackConfig } from '../src/config.js';
import { connectAdmin, connectConsumer, connectProducer, createKafka } from '@streamline/clients';
import { ensureTopics } from '@streamline/provisioning';
import { describeForStack, waitFor } from '@streamline/testing';

const root = join(import.meta.dirname, '..', '..', '..');

describeForStack(['local'], 'KAFKA_MODE=zookeeper (the seed setup: ZooKeeper + broker)', 'it starts a second local stack of its own', () => {
  // A second, small stack beside the main one: its own folder and ports (below Linux's ephemeral
  // range 32768+, where a client socket can hold a port), the shared download cache.
  const dir = mkdtempSync(join(tmpdir(), 'streamline-zk-'));
  const env = {
    ...process.env,
    KAFKA_MODE: 'zookeeper',
    STREAMLINE_STACK_DIR: dir,
    STREAMLINE_CACHE_DIR: loadStackConfig(process.env, root).cacheDir,
    ZOOKEEPER_PORT: '12181',
    KAFKA_PORT: '19092',
    KAFKA_CONTROLLER_PORT: '19093',
    KAFKA_SASL_PORT: '19094',
  };
  const cli = (...args: string[]) =>
    spawnSync(join(root, 'node_modules', '.bin', 'tsx'), [join(root, 'tools/local-stack/src/cli.ts'), ...args], { cwd: root, env, encoding: 'utf8' });

  afterAll(() => {
    cli('down');
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts ZooKeeper and a broker registered in it, which serves a topic', async () => {
    const up = cli('up', 'kafka');
    expect(up.status, up.stderr).toBe(0);
    const rows = JSON.parse(cli('status', '--json').stdout) as Array<{ name: string; health: string; detail: string }>;
    expect(rows.find((r) => r.name === 'zookeeper')).toMatchObject({ health: 'healthy', detail: 'serving, mode standalone' });
    expect(rows.find((r) => r.name === 'kafka')).toMatchObject({ health: 'healthy' });
    expect(rows.find((r) => r.name === 'kafka')!.detail).toContain('zookeeper mode');

    const kafka = createKafka({ ...loadConnectionConfig({}).kafka, brokers: ['127.0.0.1:19092'], clientId: 'zk-it' });
    const admin = await connectAdmin(kafka);
    await ensureTopics(admin, [{ topic: 'zk_probe', numPartitions: 1 }]);
    const producer = await connectProducer(kafka);
    await producer.send({ topic: 'zk_probe', acks: -1, messages: [{ key: 'k', value: 'hello zookeeper' }] });
    await producer.disconnect();
    const got: string[] = [];
    const consumer = await connectConsumer(kafka, { groupId: 'zk-it' });
    await consumer.subscribe({ topic: 'zk_probe', fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void got.push(message.value!.toString()) });
    await waitFor(() => got.length > 0, { timeoutMs: 60_000, what: 'the message back' });
    await consumer.disconnect();
    await admin.disconnect();
    expect(got).toEqual(['hello zookeeper']);
  });
});
