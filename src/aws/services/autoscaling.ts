// Auto Scaling: one view of a group, raising it to full size (never lowering) and setting it back to standby size.
import { DescribeAutoScalingGroupsCommand, UpdateAutoScalingGroupCommand } from '@aws-sdk/client-auto-scaling';
import type { ServiceClients } from '../clients.js';
import { DrError } from '../../errors.js';
import { awsCallError } from '../errors.js';

type AutoScaling = ServiceClients<'autoscaling'>;

export interface AutoScalingGroupView {
  name: string;
  min: number;
  max: number;
  desired: number;
  inService: number;
}

/** The group, or undefined when it does not exist. */
export async function describeGroup(aws: AutoScaling, name: string): Promise<AutoScalingGroupView | undefined> {
  let out;
  try {
    out = await aws.autoscaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }));
  } catch (err) {
    throw awsCallError({ operation: 'autoscaling:DescribeAutoScalingGroups', resource: name, region: aws.region }, err);
  }
  const group = out.AutoScalingGroups?.[0];
  if (!group) return undefined;
  return {
    name,
    min: group.MinSize ?? 0,
    max: group.MaxSize ?? 0,
    desired: group.DesiredCapacity ?? 0,
    inService: (group.Instances ?? []).filter((i) => i.LifecycleState === 'InService').length,
  };
}

async function mustDescribe(aws: AutoScaling, name: string): Promise<AutoScalingGroupView> {
  const group = await describeGroup(aws, name);
  if (!group)
    throw new DrError({
      code: 'E_ASG_NOT_FOUND',
      kind: 'conflict',
      message: `Auto Scaling group ${name} does not exist in ${aws.region}`,
      fix: 'Check the compute stack outputs (AutoScalingGroupName); deploy the compute stack (drctl deploy).',
    });
  return group;
}

async function updateGroup(
  aws: AutoScaling,
  name: string,
  size: { min: number; max: number; desired: number },
): Promise<void> {
  try {
    await aws.autoscaling.send(
      new UpdateAutoScalingGroupCommand({
        AutoScalingGroupName: name,
        MinSize: size.min,
        MaxSize: size.max,
        DesiredCapacity: size.desired,
      }),
    );
  } catch (err) {
    throw awsCallError({ operation: 'autoscaling:UpdateAutoScalingGroup', resource: name, region: aws.region }, err, {
      fix: `Set ${name} to ${size.desired} instances by hand and check the account's EC2 limits.`,
    });
  }
}

/** Raises the group to at least `capacity` (min and desired), lifting max when needed; never lowers anything. */
export async function raiseCapacity(
  aws: AutoScaling,
  name: string,
  capacity: number,
): Promise<{ changed: boolean; before: AutoScalingGroupView }> {
  const before = await mustDescribe(aws, name);
  if (before.min >= capacity && before.desired >= capacity) return { changed: false, before };
  await updateGroup(aws, name, {
    min: Math.max(before.min, capacity),
    max: Math.max(before.max, capacity),
    desired: Math.max(before.desired, capacity),
  });
  return { changed: true, before };
}

/** Sets the desired capacity (lowering min and widening max as needed: the service rejects desired outside them). */
export async function setDesiredCapacity(
  aws: AutoScaling,
  name: string,
  desired: number,
): Promise<{ changed: boolean; before: AutoScalingGroupView }> {
  const before = await mustDescribe(aws, name);
  if (before.desired === desired && before.max >= desired && before.min <= desired) return { changed: false, before };
  await updateGroup(aws, name, { min: Math.min(before.min, desired), max: Math.max(before.max, desired), desired });
  return { changed: true, before };
}
