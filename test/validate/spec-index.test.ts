// The reduced CloudFormation specification: built from @aws-cdk/aws-service-spec, cached, read per type on demand.
import { describe, expect, it } from 'vitest';
import { loadSpecIndex } from '../../src/validate/spec/spec-index.js';

describe('spec index', () => {
  const spec = loadSpecIndex();

  it('knows resource types, their property shapes, required properties and attributes', () => {
    expect(spec.resourceTypes().length).toBeGreaterThan(1000);
    const db = spec.resource('AWS::RDS::DBInstance');
    expect(db?.properties.StorageEncrypted?.type).toEqual({ kind: 'boolean' });
    expect(db?.attributes).toContain('Endpoint.Address');
    expect(spec.resource('AWS::EC2::Subnet')?.properties.VpcId?.required).toBe(true);
    expect(spec.resource('AWS::Made::Up')).toBeUndefined();
  });

  it('carries every nested property type a resource can reach', () => {
    const bucket = spec.resource('AWS::S3::Bucket');
    const enc = bucket?.properties.BucketEncryption?.type;
    expect(enc?.kind).toBe('ref');
    const encryption = enc?.kind === 'ref' ? bucket?.types[enc.ref] : undefined;
    expect(Object.keys(encryption?.properties ?? {})).toContain('ServerSideEncryptionConfiguration');
    const rule = encryption?.properties.ServerSideEncryptionConfiguration?.type;
    const inner = rule?.kind === 'array' && rule.element.kind === 'ref' ? bucket?.types[rule.element.ref] : undefined;
    expect(Object.keys(inner?.properties ?? {})).toContain('ServerSideEncryptionByDefault');
  });

  it('is loaded once per process', () => {
    expect(loadSpecIndex()).toBe(spec);
  });
});
