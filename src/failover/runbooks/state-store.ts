// Persisted runbook state: one JSON file per environment and runbook (.drctl/<env>/<runbook>.json), written
// atomically after every step so an interrupted run continues from the last completed step.
// Why a local file and not the controller's DynamoDB table: the operator runbooks must work when the failover
// stack (or a whole region) is impaired, and the table's items belong to the controller's conditional-write protocol.
import { readFile, rename } from 'node:fs/promises';
import path from 'node:path';
import { configError } from '../../errors.js';
import { writeFileAtomic } from '../../operator/atomic-file.js';

export type RunbookName = 'failover' | 'failback';
export type StepStatus = 'pending' | 'running' | 'done' | 'skipped' | 'failed';

export interface StepRecord {
  id: string;
  title: string;
  status: StepStatus;
  startedAt?: string;
  endedAt?: string;
  durationMs?: number;
  /** What the step found or changed (identifiers, previous values), for the report and for later steps. */
  detail?: Record<string, unknown>;
  error?: { code: string; message: string };
  /** How many times the step was started (more than 1 after a resume). */
  attempts: number;
}

export interface RunbookState {
  runbook: RunbookName;
  environment: string;
  runId: string;
  status: 'running' | 'failed' | 'completed';
  startedAt: string;
  updatedAt: string;
  steps: StepRecord[];
  /** Facts later steps (or a resumed run) need, e.g. the snapshot taken of the old primary. */
  facts: Record<string, unknown>;
}

export interface StateStore {
  load(): Promise<RunbookState | undefined>;
  save(state: RunbookState): Promise<void>;
  /** Moves a finished run aside so the next invocation starts fresh; returns where it went. */
  archive(state: RunbookState): Promise<string>;
  readonly location: string;
}

export function stateFile(root: string, env: string, runbook: RunbookName): string {
  return path.join(root, '.drctl', env, `${runbook}.json`);
}

export class FileStateStore implements StateStore {
  readonly location: string;
  constructor(root: string, env: string, runbook: RunbookName) {
    this.location = stateFile(root, env, runbook);
  }

  async load(): Promise<RunbookState | undefined> {
    let text: string;
    try {
      text = await readFile(this.location, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    try {
      return JSON.parse(text) as RunbookState;
    } catch {
      throw configError(
        'E_RUNBOOK_STATE_INVALID',
        `${this.location} is not valid JSON`,
        'Inspect the file; move it aside to start the runbook from its first step.',
        { file: this.location },
      );
    }
  }

  async save(state: RunbookState): Promise<void> {
    await writeFileAtomic(this.location, `${JSON.stringify(state, null, 2)}\n`);
  }

  async archive(state: RunbookState): Promise<string> {
    const target = this.location.replace(/\.json$/, `-${state.runId}.json`);
    await rename(this.location, target);
    return target;
  }
}
