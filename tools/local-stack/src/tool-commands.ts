import type { StackContext } from './component.js';
import { airflowEnv, airflowVenv } from './components/airflow.js';
import { javaLaunch } from './jvm.js';
import type { LaunchSpec } from './processes.js';
import { join } from 'node:path';

/** Kafka's own command-line tools, by their script names, and the class each script runs. */
export const KAFKA_TOOLS = Object.freeze({
  'kafka-topics': 'org.apache.kafka.tools.TopicCommand',
  'kafka-consumer-groups': 'org.apache.kafka.tools.consumer.group.ConsumerGroupCommand',
  'kafka-configs': 'kafka.admin.ConfigCommand',
});
export type KafkaTool = keyof typeof KAFKA_TOOLS;

/** Small heap, quiet logging: a CLI run, not a server. */
const CLI_JVM = ['-Xmx256m', '-XX:+UseSerialGC', '-Djava.awt.headless=true', '-Dlog4j.configuration=file:/dev/null'];

/**
 * A Kafka tool against the stack's broker, as its script would run it (the jars the stack installed,
 * `--bootstrap-server` the stack's unless given).
 */
export function kafkaToolCommand(ctx: StackContext, tool: KafkaTool, args: string[]): LaunchSpec {
  const bootstrap = args.includes('--bootstrap-server') ? [] : ['--bootstrap-server', `${ctx.config.host}:${ctx.config.ports.kafka}`];
  return javaLaunch(ctx, 'kafka', CLI_JVM, [KAFKA_TOOLS[tool], ...bootstrap, ...args]);
}

/** Airflow's own CLI with the stack's environment (its home, metadata database, DAGs folder and secrets). */
export function airflowCommand(ctx: StackContext, args: string[]): LaunchSpec {
  return { command: join(airflowVenv(ctx), 'bin', 'airflow'), args, env: airflowEnv(ctx.config, ctx.paths.root) };
}
