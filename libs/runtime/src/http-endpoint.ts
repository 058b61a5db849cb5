import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { StreamlineError } from './errors.js';
import type { Health } from './health.js';

export interface HttpEndpointOptions {
  host: string;
  /** 0: any free port. */
  port: number;
  /** The variable that sets the port, named when it is taken. */
  portVariable: string;
  registry: Registry;
  health: Health;
}

export interface HttpEndpoint {
  url: string;
  close(): Promise<void>;
}

/** The port an app's endpoint wants is in use: the message says which variable moves it. */
export class PortInUseError extends StreamlineError {}

/**
 * An app's small HTTP endpoint: `GET /healthz` (200 when ready, 503 while starting, degraded or
 * stopping; JSON body either way) and `GET /metrics` (Prometheus text format).
 */
export async function startHttpEndpoint(options: HttpEndpointOptions): Promise<HttpEndpoint> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET' }).end();
    } else if (path === '/healthz') {
      const report = options.health.report();
      res.writeHead(report.ready ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify(report));
    } else if (path === '/metrics') {
      options.registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': options.registry.contentType }).end(text),
        (error: Error) => res.writeHead(500, { 'content-type': 'text/plain' }).end(error.message),
      );
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /healthz or /metrics\n');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') {
        reject(new PortInUseError(`${options.portVariable}=${options.port}: port in use on ${options.host}; set ${options.portVariable} to a free port (0: any)`));
      } else reject(error);
    });
    server.listen(options.port, options.host, () => resolve());
  });
  // Keep-alive scrapers must not hold the process open at exit.
  server.unref();
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
