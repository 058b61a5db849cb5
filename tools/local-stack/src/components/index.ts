import type { Component } from '../component.js';
import { airflowApiServer, airflowDagProcessor, airflowScheduler } from './airflow.js';
import { appComponents } from './apps.js';
import { cassandra } from './cassandra.js';
import { kafka } from './kafka.js';
import { postgres } from './postgres.js';
import { schemaRegistry } from './schema-registry.js';
import { sparkMaster, sparkWorker } from './spark.js';
import { zookeeper } from './zookeeper.js';

/**
 * Every server of the local stack, then the pipeline apps it runs beside them (supervised).
 * Dependencies are declared by each component; independent ones start in parallel.
 */
export const components: Component[] = [
  postgres,
  zookeeper,
  kafka,
  schemaRegistry,
  cassandra,
  sparkMaster,
  sparkWorker,
  airflowApiServer,
  airflowScheduler,
  airflowDagProcessor,
  ...appComponents,
];
