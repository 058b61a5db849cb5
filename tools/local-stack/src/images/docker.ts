import { spawnSync } from 'node:child_process';
import { runCommand, type RunOptions } from '../run-command.js';

/** The label holding the hash of an image's inputs: an image whose label matches is not rebuilt. */
export const INPUTS_LABEL = 'io.streamline.inputs';

/** `docker image inspect --format <format> <tag>`, or undefined when the image does not exist. */
function inspectImage(tag: string, format: string): string | undefined {
  const res = spawnSync('docker', ['image', 'inspect', '--format', format, tag], { encoding: 'utf8' });
  return res.status === 0 ? res.stdout.trim() : undefined;
}

export const imageLabel = (tag: string, label: string) => inspectImage(tag, `{{ index .Config.Labels "${label}" }}`);
export const imageId = (tag: string) => inspectImage(tag, '{{.Id}}');
export const imageSizeBytes = (tag: string) => {
  const size = inspectImage(tag, '{{.Size}}');
  return size === undefined ? undefined : Number(size);
};

/** Does a Docker engine answer? (`docker info` talks to it; the client alone is not enough.) */
export function engineAnswers(): boolean {
  const res = spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], { encoding: 'utf8', timeout: 15_000 });
  return res.status === 0 && res.stdout.trim().length > 0;
}

/**
 * `docker build` of a prepared context (nothing is fetched by the build but Debian's packages). The
 * classic builder: Debian's engine has no BuildKit plugin here, and the Dockerfiles need none.
 */
export function dockerBuild(
  context: string,
  tag: string,
  options: { buildArgs: Record<string, string>; labels: Record<string, string> } & Pick<RunOptions, 'onLine' | 'logFile'>,
): Promise<string> {
  const args = ['build', '--pull=false', '--rm', '--force-rm', '-t', tag];
  for (const [k, v] of Object.entries(options.buildArgs)) args.push('--build-arg', `${k}=${v}`);
  for (const [k, v] of Object.entries(options.labels)) args.push('--label', `${k}=${v}`);
  args.push(context);
  return runCommand('docker', args, { onLine: options.onLine, logFile: options.logFile, env: { DOCKER_BUILDKIT: '0' } });
}
