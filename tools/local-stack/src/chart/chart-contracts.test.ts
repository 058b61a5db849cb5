// The chart restates values whose owners live in the code (topic names, keyspace, ports, image names,
// engine versions, the Spark job's options): each checked here against its owner, so drift fails.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { APP_HTTP_PORT_VARS, APP_HTTP_PORTS, CASSANDRA, TOPICS } from '@streamline/config';
import { loadCassandraWriterConfig } from '../../../../apps/cassandra-writer/src/config.js';
import { loadSparkLauncherConfig } from '../../../../apps/spark-launcher/src/config.js';
import { buildSparkSubmit } from '../../../../apps/spark-launcher/src/spark-submit-command.js';
import { AIRFLOW_VERSION } from '../components/airflow.js';
import { CASSANDRA_VERSION } from '../components/cassandra.js';
import { SPARK_VERSION } from '../components/spark.js';
import { IMAGE_SPECS } from '../images/specs.js';
import { CHART_DIR } from './chart-paths.js';
import { JOB_OPTIONS } from '@streamline/spark-job-contract';

const values = parse(readFileSync(`${CHART_DIR}/values.yaml`, 'utf8'));
const sparkTemplate = readFileSync(`${CHART_DIR}/templates/spark.yaml`, 'utf8');

describe('the chart restates the project contracts as their owners define them', () => {
  it('names the topics and the keyspace/table of libs/config', () => {
    expect({ created: values.topics.created, processed: values.topics.processed, dlq: values.topics.dlq }).toEqual({ ...TOPICS });
    expect({ keyspace: values.cassandraSchema.keyspace, table: values.cassandraSchema.table }).toEqual({ ...CASSANDRA });
  });

  it('gives each app the port and port variable of libs/config', () => {
    const byApp = { ingestor: 'ingestor', relay: 'relay', cassandraWriter: 'cassandra-writer', monitor: 'monitor' } as const;
    for (const [key, app] of Object.entries(byApp)) {
      expect({ app, port: values.apps[key].port, variable: values.apps[key].portVariable }).toEqual({ app, port: APP_HTTP_PORTS[app], variable: APP_HTTP_PORT_VARS[app] });
    }
  });

  it('uses the image names and tags npm run images builds', () => {
    const tags = new Map(IMAGE_SPECS.map((s) => [s.name, s.tag]));
    const byImage = { ingestor: 'ingestor', relay: 'relay', cassandraWriter: 'cassandra-writer', monitor: 'monitor', sparkLauncher: 'spark-launcher', schemaRegistry: 'schema-registry', stackSetup: 'stack-setup' };
    for (const [key, name] of Object.entries(byImage)) {
      const image = values.images[key];
      expect(`${image.repository}:${image.tag}`, key).toBe(tags.get(name));
    }
    const spark = values.spark.image;
    expect(`${spark.repository}:${spark.tag}`).toBe(tags.get('spark-launcher'));
  });

  it('runs the engine versions of the local stack', () => {
    expect(values.spark.sparkVersion).toBe(SPARK_VERSION);
    expect(values.cassandra.serverVersion).toBe(CASSANDRA_VERSION);
    expect(values.airflow.image.tag.startsWith(`${AIRFLOW_VERSION}-`)).toBe(true);
  });

  it("uses the writer's consumer group and the launcher's job name", () => {
    const env = { CASSANDRA_USERNAME: 'u', CASSANDRA_PASSWORD: 'p', PG_PASSWORD: 'p' };
    expect(values.apps.cassandraWriter.groupId).toBe(loadCassandraWriterConfig(env).groupId);
    expect(values.spark.appName).toBe(loadSparkLauncherConfig(env).job.appName);
    expect(values.spark.mode).toBe(loadSparkLauncherConfig(env).job.mode);
  });

  it("passes only options the Spark job defines, and the launcher's Spark settings", () => {
    const defined = new Set<string>(Object.values(JOB_OPTIONS).map((o) => o.flag));
    const passed = [...sparkTemplate.matchAll(/^\s+- (--[a-z-]+)$/gm)].map((m) => m[1]!);
    expect(passed.length).toBeGreaterThan(5);
    expect(passed.filter((flag) => !defined.has(flag))).toEqual([]);
    // The chart's sparkConf: every key the launcher also sets, with the launcher's value.
    const chartConf = new Map([...sparkTemplate.matchAll(/^ {4}(spark\.[\w.]+): "?([^"\n]+)"?$/gm)].map((m) => [m[1]!, m[2]!]));
    const env = { CASSANDRA_USERNAME: 'u', CASSANDRA_PASSWORD: 'p', PG_PASSWORD: 'p' };
    const submit = buildSparkSubmit(loadSparkLauncherConfig(env), [], { stopFile: '/x', supervisorPid: 1 });
    const launcherConf = new Map(
      submit.args.flatMap((arg, i) => (submit.args[i - 1] === '--conf' ? [arg.split('=', 2) as [string, string]] : [])).filter(([key]) => chartConf.has(key)),
    );
    expect(launcherConf.size).toBeGreaterThanOrEqual(10);
    for (const [key, value] of launcherConf) expect({ key, value: chartConf.get(key) }).toEqual({ key, value });
  });
});
