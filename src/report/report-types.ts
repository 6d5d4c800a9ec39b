// The shape of `drctl report`: what --json prints and what the HTML renders (documented in README and docs/report.md).
import type { RegionRole } from '../templates/template-types.js';

/** Where a number comes from: a template parameter, a documented AWS figure, or our own stated assumption. */
export type TermSource =
  | {
      kind: 'parameter';
      template: string;
      role: RegionRole;
      parameters: { name: string; value: string }[];
      formula?: string;
    }
  | { kind: 'template'; template: string; role: RegionRole; path: string; value: string }
  | { kind: 'documented'; reference: string; says: string }
  | { kind: 'assumption'; says: string; reference?: string; documented?: string };

export interface RtoTerm {
  name: string;
  seconds: number;
  source: TermSource;
}

/** A parameter change that shortens a path, with what it saves and whether it alone closes the gap. */
export interface RtoFix {
  template: string;
  role: RegionRole;
  parameter: string;
  from: string;
  to: string;
  savesSeconds: number;
  sufficient: boolean;
  text: string;
}

export interface RtoPath {
  name: 'traffic' | 'order-writes' | 'reference-data-writes' | 'capacity';
  description: string;
  worstCaseSeconds: number;
  targetSeconds: number;
  meets: boolean;
  terms: RtoTerm[];
  /** Present (possibly empty) when the path misses; empty means no parameter alone can close it (see `note`). */
  fixes?: RtoFix[];
  note?: string;
}

export interface RpoStore {
  name: string;
  data: string;
  /** null when nothing bounds the loss (replication without a time guarantee). */
  seconds: number | null;
  targetSeconds: number;
  /** `transactional` stores are held to the RPO target; DESIGN §4 classes the S3 assets as `read-mostly`. */
  class: 'transactional' | 'read-mostly';
  meets: boolean;
  basis: string;
  references: { url: string; says: string }[];
}

export interface ReadinessItem {
  id: string;
  category:
    'instance-type' | 'engine-version' | 'db-class' | 'multi-az' | 'asg-capacity' | 'alarm-coverage' | 'parameter';
  severity: 'warn' | 'info';
  layer: string;
  subject: string;
  primary: string | null;
  secondary: string | null;
  message: string;
}

export interface CostLine {
  region: string;
  role: RegionRole;
  layer: string;
  resource: string;
  type: string;
  item: string;
  quantity: number;
  unit: string;
  unitUsd: number;
  monthlyUsd: number;
  priceKey: string;
  /** The AWS pricing page the unit price was taken from (the price table's `source`). */
  priceSource: string;
  /** Present (true) on charges a single-region deployment would not have: replication transfer, the failover layer, the secondary's health check. */
  drOnly?: true;
}

export interface CostSummary {
  priceTable: { file: string; effectiveDate: string; currency: string };
  /**
   * Per region name, plus `total`, `singleRegion` (the primary region without its DR-only lines), `premiumUsd`
   * (total − singleRegion: what DR adds) and `premiumPercent` (premiumUsd ÷ singleRegion × 100).
   */
  monthlyUsd: Record<string, number>;
  byLayer: Record<string, Record<string, number>>;
  lines: CostLine[];
  /** Resource types present in the templates that the price table does not charge for. */
  unpricedTypes: string[];
  assumptions: Record<string, { value: number; unit: string; why: string }>;
}

export interface DiagramNode {
  id: string;
  region: string;
  layer: string;
  label: string;
  type: string;
  /** Sizes worth seeing in the picture (instances of an ASG, class and AZ mode of a database). */
  detail?: string;
}

export interface DiagramEdge {
  from: string;
  to: string;
  /** `backup-copy`: AWS Backup copies every recovery point into the other region's vault; `probe`: a canary calls an ALB. */
  kind: 'replication' | 'failover' | 'backup-copy' | 'probe';
  label: string;
}

export interface Report {
  environment: string;
  regions: Record<RegionRole, string>;
  objectives: { rtoSeconds: number; rpoSeconds: number };
  rto: { targetSeconds: number; meets: boolean; paths: RtoPath[] };
  rpo: { targetSeconds: number; meets: boolean; stores: RpoStore[] };
  readiness: { ready: boolean; items: ReadinessItem[] };
  cost: CostSummary;
  diagram: { nodes: DiagramNode[]; edges: DiagramEdge[] };
  /** Recovery from what replication copies to both regions within seconds: a bad delete, a corrupting bug. */
  recovery: { logicalCorruption: LogicalCorruptionPath };
}

/** One store's way back to a moment before the corruption. */
export interface RecoveryStore {
  name: string;
  data: string;
  class: 'transactional' | 'read-mostly';
  /** What restores it: point-in-time recovery, continuous backup, snapshots every N hours, object versions. */
  mechanism: string;
  /** Point-in-time / backup granularity: writes after the last restorable moment before the corruption are lost; null: nothing to restore to. */
  rpoSeconds: number | null;
  /** The store's own restore estimate (the restores of the stores run in parallel). */
  restoreSeconds: number;
  /** Whether its recovery points are also copied into the other region's backup vault. */
  copiedToOtherRegion: boolean;
  basis: string;
  terms: RtoTerm[];
}

export interface LogicalCorruptionPath {
  name: 'logical-corruption';
  description: string;
  /** The largest granularity of the transactional stores; null when one of them has nothing to restore to. */
  rpoSeconds: number | null;
  /** Finding the moment + the slowest restore + cutting over. */
  rtoSeconds: number;
  terms: RtoTerm[];
  stores: RecoveryStore[];
  /** The backup layer as configured: vault lock, copies, restore testing (absent without a backup layer). */
  backup?: { vaultLockMode: string; copiesToOtherRegion: boolean; restoreTesting: boolean; planRegions: RegionRole[] };
  note: string;
}
