// Which security groups belong to a load balancer, across templates joined by Metadata.Drctl inputs and outputs.
import { describe, expect, it } from 'vitest';
import { buildProjectContext } from '../../src/validate/project-context.js';
import { loadedFromText } from './validate-text.js';

const network = {
  Metadata: { Drctl: { Layer: 'network', Regions: ['primary'] } },
  Resources: {
    AlbSecurityGroup: { Type: 'AWS::EC2::SecurityGroup' },
    AppSecurityGroup: { Type: 'AWS::EC2::SecurityGroup' },
  },
  Outputs: {
    AlbSecurityGroupId: { Value: { 'Fn::GetAtt': ['AlbSecurityGroup', 'GroupId'] } },
    AppSecurityGroupId: { Value: { Ref: 'AppSecurityGroup' } },
  },
};
const compute = (sgParam: string) => ({
  Metadata: {
    Drctl: {
      Layer: 'compute',
      Regions: ['primary'],
      Inputs: { [sgParam]: { Stack: 'network', Region: 'self', Output: sgParam } },
    },
  },
  Parameters: { [sgParam]: { Type: 'String' } },
  Resources: {
    Alb: { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: { SecurityGroups: [{ Ref: sgParam }] } },
    LocalSg: { Type: 'AWS::EC2::SecurityGroup' },
    Nlb: {
      Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer',
      Properties: { SecurityGroups: [{ 'Fn::If': ['C', { Ref: 'LocalSg' }, { Ref: 'AWS::NoValue' }] }] },
    },
  },
});

const load = (file: string, t: object) => loadedFromText(JSON.stringify(t), file);

describe('project context', () => {
  it('follows a load balancer parameter to the output and resource of the producing layer', () => {
    const ctx = buildProjectContext([
      load('templates/network.json', network),
      load('templates/compute.json', compute('AlbSecurityGroupId')),
    ]);
    expect([...(ctx.loadBalancerGroups.get('templates/network.json') ?? [])]).toEqual(['AlbSecurityGroup']);
    expect([...(ctx.loadBalancerGroups.get('templates/compute.json') ?? [])]).toEqual(['LocalSg']);
  });

  it('does not mark a group no load balancer uses', () => {
    const ctx = buildProjectContext([
      load('templates/network.json', network),
      load('templates/compute.json', compute('AppSecurityGroupId')),
    ]);
    expect([...(ctx.loadBalancerGroups.get('templates/network.json') ?? [])]).toEqual(['AppSecurityGroup']);
    const alone = buildProjectContext([load('templates/network.json', network)]);
    expect(alone.loadBalancerGroups.get('templates/network.json')).toBeUndefined();
  });
});
