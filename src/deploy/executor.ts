// Runs a dependency graph with bounded concurrency: ready nodes start highest priority first; a failed node
// skips everything that depends on it while independent nodes finish; an abort stops scheduling new work and
// leaves what has not started pending.
import type { Level } from '../io/messages.js';
import { DrError } from '../errors.js';
import type { NodeState } from '../plan/graph.js';

export interface ExecNode {
  id: string;
  dependencies: string[];
  priority: number;
}

export interface ExecutorOptions<N extends ExecNode> {
  concurrency: number;
  signal?: AbortSignal;
  /** Nodes already done before the run (e.g. outside `--only`): treated as completed. */
  done?: Set<string>;
  onState?: (node: N, state: NodeState, error?: unknown) => void;
}

export interface ExecutionResult {
  states: Map<string, NodeState>;
  errors: Map<string, unknown>;
  interrupted: boolean;
}

export async function runGraph<N extends ExecNode>(
  nodes: N[],
  run: (node: N) => Promise<void>,
  opts: ExecutorOptions<N>,
): Promise<ExecutionResult> {
  const states = new Map<string, NodeState>(nodes.map((n) => [n.id, 'pending']));
  const errors = new Map<string, unknown>();
  const running = new Map<string, Promise<void>>();
  const done = opts.done ?? new Set<string>();
  const set = (n: N, s: NodeState, err?: unknown) => {
    states.set(n.id, s);
    opts.onState?.(n, s, err);
  };
  const depState = (id: string): NodeState => (done.has(id) ? 'completed' : (states.get(id) ?? 'completed'));
  const limit = Math.max(1, opts.concurrency);

  for (;;) {
    // Skip whatever depends on a failure, transitively (repeat until stable). After an abort nothing new runs
    // anyway: what has not started stays pending, so an interrupted node does not read as a cascade of skips.
    let changed = !opts.signal?.aborted;
    while (changed) {
      changed = false;
      for (const n of nodes) {
        if (!['pending', 'queued'].includes(states.get(n.id)!)) continue;
        const bad = n.dependencies.find((d) => ['failed', 'skipped'].includes(depState(d)));
        if (bad) {
          set(n, 'skipped', `${bad} ${depState(bad)}`);
          changed = true;
        }
      }
    }
    if (!opts.signal?.aborted) {
      const ready = nodes
        .filter(
          (n) =>
            ['pending', 'queued'].includes(states.get(n.id)!) &&
            n.dependencies.every((d) => depState(d) === 'completed'),
        )
        .sort((a, b) => b.priority - a.priority || a.id.localeCompare(b.id));
      for (const n of ready) if (states.get(n.id) === 'pending') set(n, 'queued');
      for (const n of ready) {
        if (running.size >= limit) break;
        set(n, 'deploying');
        running.set(
          n.id,
          run(n).then(
            () => {
              running.delete(n.id);
              set(n, 'completed');
            },
            (err: unknown) => {
              running.delete(n.id);
              errors.set(n.id, err);
              set(n, 'failed', err);
            },
          ),
        );
      }
    }
    if (running.size === 0) break;
    await Promise.race(running.values());
  }
  // Queued only means "ready, waiting for a slot": a node that never started is pending.
  for (const [id, s] of states) if (s === 'queued') states.set(id, 'pending');
  return {
    states,
    errors,
    interrupted: Boolean(opts.signal?.aborted) && [...states.values()].some((s) => s === 'pending'),
  };
}

/**
 * How a node's state change reads for people: failures are errors and skips warnings, except that a node stopped
 * by Ctrl-C is a warning saying so (the run itself reports the interrupt); start and finish are debug detail
 * (the stack's own status lines and the final summary say it).
 */
export function nodeStateMessage(id: string, state: NodeState, err?: unknown): { level: Level; text: string } {
  if (state === 'failed') {
    const message = err instanceof Error ? err.message : String(err);
    return err instanceof DrError && err.kind === 'interrupted'
      ? { level: 'warn', text: `${id} ${message}` }
      : { level: 'error', text: `${id} failed: ${message}` };
  }
  if (state === 'skipped') return { level: 'warn', text: `${id} skipped (${String(err)})` };
  return { level: 'debug', text: `${id} ${state}` };
}
