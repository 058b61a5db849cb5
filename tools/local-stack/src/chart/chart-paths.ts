/** The chart and the values files `npm run chart:check` checks, each on its own (repository-relative). */
export const CHART_DIR = 'deploy/helm/streamline';
export const VALUES_FILES = ['values-dev.yaml', 'values-prod.yaml'];
