// The shape of a CloudFormation JSON template as drctl reads it, and the drctl metadata contract
// (docs/architecture.md, "Template metadata") through which templates declare layer, regions and inputs.

export type RegionRole = 'primary' | 'secondary';
/** Where an input comes from, relative to the stack that needs it. */
export type InputRegion = RegionRole | 'self' | 'peer';

export interface TemplateInput {
  /** Layer (stack) whose output feeds this parameter. */
  Stack: string;
  Region: InputRegion;
  Output: string;
  /** Only when the consuming stack has one of these roles; every role when absent. */
  Roles?: RegionRole[];
}

export type ArtifactKind = 'lambda' | 'service' | 'canary';

export interface TemplateArtifact {
  /** TypeScript entry point bundled with esbuild, relative to the project root. */
  Entry: string;
  /** Parameter that receives the bucket name (usually fed by an input from foundation). */
  BucketParameter: string;
  /**
   * `lambda` → zip with index.mjs; `service` → a single bundled .mjs file; `canary` → a CloudWatch Synthetics zip
   * (index.mjs at the root and under nodejs/node_modules/, the layouts of the Playwright and Puppeteer runtimes).
   */
  Kind: ArtifactKind;
}

export interface DrctlMetadata {
  Layer: string;
  /** Region roles the stack is deployed in. */
  Regions: RegionRole[];
  Description?: string;
  /** Parameter name → output of another stack. */
  Inputs?: Record<string, TemplateInput>;
  /** Parameter name (receives the S3 key) → artifact to build and upload. */
  Artifacts?: Record<string, TemplateArtifact>;
}

export interface CfnParameter {
  Type: string;
  Default?: string | number;
  Description?: string;
  AllowedValues?: (string | number)[];
  AllowedPattern?: string;
  MinValue?: number;
  MaxValue?: number;
  MinLength?: number;
  MaxLength?: number;
  ConstraintDescription?: string;
  NoEcho?: boolean;
}

export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  DependsOn?: string | string[];
  Condition?: string;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
  Metadata?: Record<string, unknown>;
}

export interface CfnOutput {
  Value: unknown;
  Description?: string;
  Export?: { Name: unknown };
  Condition?: string;
}

export interface CfnTemplate {
  AWSTemplateFormatVersion?: string;
  Description?: string;
  Metadata?: Record<string, unknown> & { Drctl?: DrctlMetadata };
  Parameters?: Record<string, CfnParameter>;
  Mappings?: Record<string, Record<string, Record<string, unknown>>>;
  Conditions?: Record<string, unknown>;
  Rules?: Record<string, unknown>;
  Transform?: unknown;
  Resources: Record<string, CfnResource>;
  Outputs?: Record<string, CfnOutput>;
}
