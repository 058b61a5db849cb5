import type { TestProject } from 'vitest/node';
import { startComposeSuite } from './compose-global-setup.js';
import { CLUSTER_TEST_PORTS, CLUSTER_TEST_PROJECT, CLUSTER_TEST_SERVICES, clusterComposeFile, COMPOSE_TEST_SETTINGS, composeFile } from './compose-suite.js';

/** The cluster suite: deploy/docker-compose.yml with deploy/docker-compose.cluster.yml, on its own project and ports (its servers and apps, no Airflow). */
export default function setup(project: TestProject) {
  return startComposeSuite(project, { project: CLUSTER_TEST_PROJECT, files: [composeFile, clusterComposeFile], ports: CLUSTER_TEST_PORTS, settings: COMPOSE_TEST_SETTINGS, services: CLUSTER_TEST_SERVICES });
}
