// The deploy plan as data: typed nodes (stack deploy, second-pass stack deploy, artifact build, artifact publish)
// with state, dependency ids and priority. Printing the plan and running it read the same graph.
import type { ArtifactKind, RegionRole } from '../templates/template-types.js';

export type NodeState = 'pending' | 'queued' | 'deploying' | 'completed' | 'failed' | 'skipped';
export type NodeKind = 'stack' | 'artifact-build' | 'artifact-publish';

/** Where one template parameter's value comes from. */
export type ParameterSource =
  | { kind: 'automatic'; value: string }
  | { kind: 'config'; value: string; block: 'common' | RegionRole }
  | { kind: 'default'; value: string }
  /** Another stack's output, read after that node completes (possibly in the other region). */
  | { kind: 'output'; node: string; layer: string; role: RegionRole; output: string }
  /**
   * An optional input deferred to `secondPass` to break a cycle: the first pass keeps the value already deployed
   * (or "" on first creation) and the second pass sets it from `node`'s output.
   */
  | { kind: 'deferred'; secondPass: string; node: string; layer: string; role: RegionRole; output: string }
  /** The S3 key of an artifact, known once `node` (its publish step) completes. */
  | { kind: 'artifact'; node: string; artifact: string };

interface NodeBase {
  id: string;
  kind: NodeKind;
  /** Ids of nodes that must complete first. */
  dependencies: string[];
  /** Higher runs first among ready nodes: the estimated seconds from this node's start to the end of the plan. */
  priority: number;
  estimateSeconds: number;
  state: NodeState;
}

export interface StackNode extends NodeBase {
  kind: 'stack';
  layer: string;
  role: RegionRole;
  region: string;
  stackName: string;
  template: string;
  /** 1 for the normal deploy; 2 for the second pass that sets deferred inputs. */
  pass: 1 | 2;
  parameters: Record<string, ParameterSource>;
}

export interface ArtifactBuildNode extends NodeBase {
  kind: 'artifact-build';
  artifact: string;
  entry: string;
  artifactKind: ArtifactKind;
}

export interface ArtifactPublishNode extends NodeBase {
  kind: 'artifact-publish';
  artifact: string;
  role: RegionRole;
  region: string;
  build: string;
  /** The bucket to upload to: a stack output (usually foundation's ArtifactBucketName) or a literal. */
  bucket: ParameterSource;
}

export type DeployNode = StackNode | ArtifactBuildNode | ArtifactPublishNode;

export interface DeployGraph {
  environment: string;
  regions: Record<RegionRole, string>;
  nodes: Map<string, DeployNode>;
  /** Node ids in a dependency-respecting order (ties broken by priority, then id). */
  order: string[];
  /** Sets of nodes whose dependencies are all in earlier waves: what can run in parallel. */
  waves: string[][];
  criticalPath: string[];
  criticalPathSeconds: number;
  warnings: string[];
}

export const stackNodeId = (layer: string, role: RegionRole, pass: 1 | 2 = 1): string =>
  `${layer}@${role}${pass === 2 ? '#2' : ''}`;
export const peerRole = (role: RegionRole): RegionRole => (role === 'primary' ? 'secondary' : 'primary');

export function isStackNode(n: DeployNode | undefined): n is StackNode {
  return n?.kind === 'stack';
}

/** Stack nodes of the first pass: one per deployed stack. */
export function stackInstances(graph: DeployGraph): StackNode[] {
  return graph.order.map((id) => graph.nodes.get(id)).filter((n): n is StackNode => isStackNode(n) && n.pass === 1);
}
