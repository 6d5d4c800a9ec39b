// The reduced CloudFormation specification: built from @aws-cdk/aws-service-spec, cached, read per type on demand.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadSpecIndex, openSpecIndex } from '../../src/validate/spec/spec-index.js';

describe('spec index', () => {
  const spec = loadSpecIndex();

  it('knows resource types, their property shapes, required properties and attributes', () => {
    expect(spec.resourceTypes().length).toBeGreaterThan(1000);
    const db = spec.resource('AWS::RDS::DBInstance');
    expect(db?.properties.StorageEncrypted?.type).toEqual({ kind: 'boolean' });
    expect(db?.attributes).toContain('Endpoint.Address');
    // Attribute shapes, for what Fn::GetAtt returns.
    expect(spec.resource('AWS::EC2::VPC')?.listAttributes).toEqual(
      expect.arrayContaining(['Ipv6CidrBlocks', 'CidrBlockAssociations']),
    );
    expect(spec.resource('AWS::EC2::VPC')?.scalarAttributes).toContain('CidrBlock');
    expect(db?.scalarAttributes).toContain('Endpoint.Port');
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

  it('builds the index from the package when there is no cache, then reads the cache', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'drctl-spec-'));
    const built = openSpecIndex(dir);
    expect(built.fromCache).toBe(false);
    const again = openSpecIndex(dir);
    expect(again.fromCache).toBe(true);
    expect(again.index.resource('AWS::DynamoDB::GlobalTable')).toEqual(
      built.index.resource('AWS::DynamoDB::GlobalTable'),
    );
    writeFileSync(path.join(dir, readdirSync(dir)[0] as string), 'damaged');
    expect(openSpecIndex(dir).fromCache).toBe(false);
  });

  it('is loaded once per process', () => {
    expect(loadSpecIndex()).toBe(spec);
  });
});
