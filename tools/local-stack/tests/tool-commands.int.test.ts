import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { repoRoot } from '@streamline/app-runner';
import { connectAdmin, createKafka } from '@streamline/clients';
import { ensureTopics } from '@streamline/provisioning';
import { describeForStack, testConnections, uniqueName } from '@streamline/testing';

const config = testConnections();
const stack = (...args: string[]) => spawnSync(join(repoRoot, 'node_modules', '.bin', 'tsx'), [join(repoRoot, 'tools/local-stack/src/cli.ts'), ...args], { cwd: repoRoot, encoding: 'utf8', timeout: 240_000 });

describeForStack(['local'], "the servers' own CLIs with the stack's settings", "it runs the local stack's installed tools", () => {
  it("kafka-topics and kafka-consumer-groups reach the stack's broker without a --bootstrap-server", async () => {
    const topic = uniqueName('it_tools');
    const admin = await connectAdmin(createKafka(config.kafka));
    await ensureTopics(admin, [{ topic }]);
    try {
      const list = stack('kafka-topics', '--list');
      expect(list.status, list.stderr).toBe(0);
      expect(list.stdout.split('\n')).toContain(topic);
      const describe = stack('kafka-topics', '--describe', '--topic', topic);
      expect(describe.stdout).toMatch(new RegExp(`Topic: ${topic}\\s+TopicId: \\S+\\s+PartitionCount: 3`));
      expect(stack('kafka-consumer-groups', '--list').status).toBe(0);
    } finally {
      await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
      await admin.disconnect();
    }
  });

  it("cql runs a statement with the stack's login", () => {
    const res = stack('cql', 'SELECT release_version FROM system.local', '--json');
    expect(res.status, res.stderr).toBe(0);
    expect(JSON.parse(res.stdout.trim())).toMatchObject({ release_version: expect.stringMatching(/^5\.0\./) });
  });

  it("airflow runs Airflow's own CLI, which imports the project's DAGs", () => {
    const res = stack('airflow', 'dags', 'list', '-o', 'json');
    expect(res.status, res.stderr).toBe(0);
    // Warnings may come first on stdout; the JSON is the array of DAG objects.
    const dags = JSON.parse(res.stdout.slice(res.stdout.indexOf('[{')).trim().split('\n')[0]!) as Array<{ dag_id: string }>;
    expect(dags.map((d) => d.dag_id).sort()).toEqual(['pipeline_health', 'spark_streaming', 'user_ingest']);
  });
});
