import { join } from 'node:path';
import type { StackContext } from './component.js';
import { findJava17 } from './prerequisites.js';

/** `java` with the classpath of a Maven-installed component (its flat lib/ folder). */
export function javaLaunch(ctx: StackContext, component: string, jvmArgs: string[], mainAndArgs: string[]) {
  return {
    command: findJava17(),
    args: [...jvmArgs, '-cp', `${join(ctx.paths.dist(component), 'lib')}/*`, ...mainAndArgs],
  };
}

/**
 * A java launcher argument file (`java ... @file`, JDK 9+): the launcher reads the main class and
 * its arguments from it, so a secret among them never reaches the process's command line
 * (/proc/<pid>/cmdline, `ps`: readable by every user). Each argument quoted, \ and " escaped.
 */
export function javaArgFileText(mainAndArgs: readonly string[]): string {
  return `${mainAndArgs.map((a) => `"${a.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join('\n')}\n`;
}

/** Flags Kafka's and ZooKeeper's own start scripts use, with a fixed small heap. */
export function serverJvmFlags(heap: string): string[] {
  return [
    `-Xms${heap}`,
    `-Xmx${heap}`,
    '-XX:+UseG1GC',
    '-XX:MaxGCPauseMillis=20',
    '-XX:InitiatingHeapOccupancyPercent=35',
    '-XX:+ExplicitGCInvokesConcurrent',
    '-Djava.awt.headless=true',
  ];
}

/** A reload4j/log4j 1 configuration writing INFO to the component's log file (stdout is that file). */
export function log4jProperties(): string {
  return [
    'log4j.rootLogger=INFO, stdout',
    'log4j.appender.stdout=org.apache.log4j.ConsoleAppender',
    'log4j.appender.stdout.layout=org.apache.log4j.PatternLayout',
    'log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n',
    'log4j.logger.kafka=INFO',
    'log4j.logger.org.apache.kafka=INFO',
    'log4j.logger.state.change.logger=WARN',
    'log4j.logger.kafka.request.logger=WARN',
    'log4j.logger.org.apache.zookeeper=INFO',
    '',
  ].join('\n');
}
