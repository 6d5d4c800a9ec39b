// Resolves the topology and keeps the last good copy in .drctl/<env>/topology.json: an operator failover must still
// know the names (health check ids, parameters) when the primary region's CloudFormation cannot answer.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ClientFactory } from '../aws/clients.js';
import type { EnvironmentConfig } from '../config/config-types.js';
import { DrError } from '../errors.js';
import type { Reporter } from '../io/messages.js';
import { writeFileAtomic } from './atomic-file.js';
import { resolveTopology, type Topology } from './topology.js';

export function topologyCacheFile(root: string, env: string): string {
  return path.join(root, '.drctl', env, 'topology.json');
}

export async function loadTopology(
  root: string,
  config: EnvironmentConfig,
  factory: ClientFactory,
  reporter: Reporter,
  opts: { allowCache: boolean },
): Promise<Topology> {
  const cache = topologyCacheFile(root, config.environment);
  try {
    const topology = await resolveTopology(config, factory);
    await writeFileAtomic(cache, `${JSON.stringify(topology, null, 2)}\n`);
    reporter.emit({
      code: 'TOPOLOGY_RESOLVED',
      level: 'debug',
      text: `read outputs of ${topology.stacks.length} stacks`,
      data: { stacks: topology.stacks },
    });
    return topology;
  } catch (err) {
    // Only an unreachable AWS API justifies stale names; a missing stack or output is a real problem.
    if (!opts.allowCache || !(err instanceof DrError) || err.kind !== 'aws') throw err;
    let cached: Topology;
    try {
      cached = JSON.parse(await readFile(cache, 'utf8')) as Topology;
    } catch {
      throw err;
    }
    reporter.emit({
      code: 'TOPOLOGY_FROM_CACHE',
      level: 'warn',
      text: `could not read the stacks (${err.message}); using the names cached in ${cache}`,
      data: { cache },
    });
    return cached;
  }
}
