import type { ServerResponse } from 'node:http';
import type { Logger } from '../../common/logger.js';
import { toJson } from '../json-body.js';

/**
 * Live updates by Server-Sent Events: while at least one browser listens, one timer builds the update
 * once per interval and writes it to every listener; with none, there is no timer and no snapshot.
 * A browser's EventSource reconnects by itself (after `retry` ms) when the application restarts.
 */
export class DashboardEvents {
  private readonly clients = new Set<ServerResponse>();
  private timer: NodeJS.Timeout | undefined;
  private building = false;
  private closed = false;

  constructor(
    private readonly build: () => Promise<unknown>,
    private readonly intervalMs: number,
    private readonly logger: Logger,
  ) {}

  get listeners(): number {
    return this.clients.size;
  }

  /** Takes over the response: the stream stays open until the browser leaves or `close()`. */
  attach(response: ServerResponse): void {
    if (this.closed) {
      response.writeHead(503, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' }).end('shutting down\n');
      return;
    }
    response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive' });
    response.write(`retry: ${this.intervalMs}\n\n`);
    this.clients.add(response);
    response.on('close', () => {
      this.clients.delete(response);
      if (this.clients.size === 0) this.stop();
    });
    this.timer ??= setInterval(() => void this.tick(), this.intervalMs);
    void this.tick();
  }

  /** Ends every stream (the server is closing). */
  close(): void {
    this.closed = true;
    this.stop();
    for (const client of this.clients) client.end();
    this.clients.clear();
  }

  private stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  private async tick(): Promise<void> {
    if (this.building || this.clients.size === 0) return;
    this.building = true;
    try {
      const message = `data: ${toJson(await this.build())}\n\n`;
      for (const client of this.clients) client.write(message);
    } catch (error) {
      // The next tick tries again; the browser keeps showing the last update meanwhile.
      this.logger.error('building a dashboard update failed', { err: error });
    } finally {
      this.building = false;
    }
  }
}
