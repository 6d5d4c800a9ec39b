// Reads a deployed stack's status, outputs and parameters with DescribeStacks (outputs are what runbooks and
// drills consume; docs/architecture.md lists them per layer).
import { DescribeStacksCommand, type CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { DrError } from '../../errors.js';

export interface DeployedStack {
  name: string;
  region: string;
  status: string;
  outputs: Record<string, string>;
  parameters: Record<string, string>;
}

function isMissingStack(err: unknown): boolean {
  const e = err as { name?: string; message?: string };
  return e?.name === 'ValidationError' && /does not exist/i.test(e.message ?? '');
}

/** The stack, or undefined when it does not exist in that region. */
export async function describeStack(
  cfn: CloudFormationClient,
  name: string,
  region: string,
): Promise<DeployedStack | undefined> {
  let out;
  try {
    out = await cfn.send(new DescribeStacksCommand({ StackName: name }));
  } catch (err) {
    if (isMissingStack(err)) return undefined;
    throw new DrError({
      code: 'E_AWS_DESCRIBE_STACKS',
      kind: 'aws',
      message: `DescribeStacks ${name} in ${region} failed: ${(err as Error).message}`,
      fix: 'Check credentials (--profile) and network access to CloudFormation.',
      cause: err,
    });
  }
  const s = out.Stacks?.[0];
  if (!s) return undefined;
  const outputs: Record<string, string> = {};
  for (const o of s.Outputs ?? []) if (o.OutputKey && o.OutputValue !== undefined) outputs[o.OutputKey] = o.OutputValue;
  const parameters: Record<string, string> = {};
  for (const p of s.Parameters ?? [])
    if (p.ParameterKey && p.ParameterValue !== undefined) parameters[p.ParameterKey] = p.ParameterValue;
  return { name, region, status: s.StackStatus ?? 'UNKNOWN', outputs, parameters };
}

/** A stack is usable when its last operation completed and was not rolled back. */
export function isStackComplete(status: string): boolean {
  return /_COMPLETE$/.test(status) && !/ROLLBACK|DELETE/.test(status);
}
