import type { WaitStrategy } from 'testcontainers';

type InspectedContainer = { inspect(): Promise<{ State: { Status: string; Running: boolean; ExitCode: number; Restarting: boolean; Health?: { Status: string; Log?: Array<{ Output: string }> } } }> };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits until a container's healthcheck says healthy. Testcontainers' own health wait fails at the
 * first "unhealthy" it reads; a container that exits and is started again by its restart policy (an
 * app of the cluster that lost a start-up race to its twin, see deploy/docker-compose.cluster.yml)
 * can read so for a moment, and the cluster suite's bring-up failed on that with nothing unhealthy
 * a few seconds later. So "unhealthy" fails here only when it lasts `unhealthyForMs` (a restarted
 * container is "starting" again within seconds), and an exited container only when no restart is coming.
 */
export class HealthyWait implements WaitStrategy {
  private timeoutMs = 60_000;
  private timeoutSet = false;

  constructor(private readonly unhealthyForMs = 30_000, private readonly pollMs = 500) {}

  withStartupTimeout(startupTimeoutMs: number): this {
    this.timeoutMs = startupTimeoutMs;
    this.timeoutSet = true;
    return this;
  }

  isStartupTimeoutSet(): boolean {
    return this.timeoutSet;
  }

  getStartupTimeout(): number {
    return this.timeoutMs;
  }

  async waitUntilReady(container: InspectedContainer): Promise<void> {
    const deadline = Date.now() + this.timeoutMs;
    let unhealthySince: number | undefined;
    for (;;) {
      const { State: s } = await container.inspect();
      const health = s.Health?.Status;
      const said = () => s.Health?.Log?.at(-1)?.Output.trim().replace(/\s+/g, ' ').slice(0, 200) ?? '';
      if (s.Running && health === 'healthy') return;
      if (s.Status === 'exited' && !s.Restarting) {
        // Compose's on-failure policy starts it again shortly; "exited" for a whole window means it will not.
        unhealthySince ??= Date.now();
      } else if (health === 'unhealthy') unhealthySince ??= Date.now();
      else unhealthySince = undefined;
      if (unhealthySince !== undefined && Date.now() - unhealthySince >= this.unhealthyForMs) {
        throw new Error(`health check failed: ${s.Status === 'exited' ? `exited with ${s.ExitCode}` : 'unhealthy'} for ${Math.round(this.unhealthyForMs / 1000)} s${said() ? `: ${said()}` : ''}`);
      }
      if (Date.now() > deadline) throw new Error(`health check not healthy after ${this.timeoutMs} ms${said() ? `: ${said()}` : ''}`);
      await sleep(this.pollMs);
    }
  }
}
