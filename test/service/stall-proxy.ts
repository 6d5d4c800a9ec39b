// A TCP proxy in front of a local service that can freeze: it keeps accepting connections and reading from them but
// stops forwarding, in both directions, as a hung server or a black-holed network does (nothing is refused, nothing
// answers). On thaw it either delivers what it held — a request the client has given up on still reaches the
// server late, as one that was in flight does — or drops it.
import net from 'node:net';
import type { AddressInfo } from 'node:net';

interface Pipe {
  client: net.Socket;
  upstream: net.Socket;
  /** Client → server bytes held while frozen. */
  held: Buffer[];
}

export class StallProxy {
  private server: net.Server | undefined;
  endpoint = '';
  private readonly pipes = new Set<Pipe>();
  private frozen = false;
  /** Bytes the server received late (delivered on thaw). */
  deliveredLate = 0;

  constructor(private readonly targetPort: number) {}

  async start(): Promise<string> {
    this.server = net.createServer((client) => this.accept(client));
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.endpoint = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.endpoint;
  }

  freeze(): void {
    this.frozen = true;
  }

  /** Forwards again; `deliver` sends the held requests on (late), otherwise they are lost. */
  thaw(mode: 'deliver' | 'drop'): void {
    this.frozen = false;
    for (const p of [...this.pipes]) {
      const held = p.held.splice(0);
      if (mode === 'drop') {
        if (held.length) this.close(p);
        continue;
      }
      for (const chunk of held) {
        this.deliveredLate += chunk.length;
        p.upstream.write(chunk);
      }
      // The client is gone: give the server time to act on the request before hanging up on it.
      if (held.length && p.client.destroyed) setTimeout(() => this.close(p), 2000).unref();
    }
  }

  async stop(): Promise<void> {
    for (const p of [...this.pipes]) this.close(p);
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  private accept(client: net.Socket): void {
    const upstream = net.connect(this.targetPort, '127.0.0.1');
    const pipe: Pipe = { client, upstream, held: [] };
    this.pipes.add(pipe);
    client.on('data', (chunk: Buffer) => (this.frozen ? pipe.held.push(chunk) : upstream.write(chunk)));
    // Answers that come while frozen are never seen by the client (it will have given up).
    upstream.on('data', (chunk: Buffer) => {
      if (!this.frozen && !client.destroyed) client.write(chunk);
    });
    // A client that hangs up leaves the upstream open while it still holds bytes for it (delivered on thaw).
    client.on('close', () => {
      if (!pipe.held.length) this.close(pipe);
    });
    upstream.on('close', () => this.close(pipe));
    client.on('error', () => undefined);
    upstream.on('error', () => undefined);
  }

  private close(p: Pipe): void {
    this.pipes.delete(p);
    p.client.destroy();
    p.upstream.destroy();
  }
}
