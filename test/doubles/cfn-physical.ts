// Physical ids and attributes shaped like the real ones (what Ref and Fn::GetAtt return per resource type), so
// outputs pass the AllowedPatterns of the templates that consume them.
import { randomBytes, randomUUID } from 'node:crypto';

/** Property that names the resource; Ref returns it when set. */
const NAME_PROPERTY: Record<string, string> = {
  'AWS::S3::Bucket': 'BucketName',
  'AWS::SSM::Parameter': 'Name',
  'AWS::DynamoDB::Table': 'TableName',
  'AWS::DynamoDB::GlobalTable': 'TableName',
  'AWS::Lambda::Function': 'FunctionName',
  'AWS::IAM::Role': 'RoleName',
  'AWS::IAM::InstanceProfile': 'InstanceProfileName',
  'AWS::Logs::LogGroup': 'LogGroupName',
  'AWS::RDS::DBInstance': 'DBInstanceIdentifier',
  'AWS::RDS::DBSubnetGroup': 'DBSubnetGroupName',
  'AWS::RDS::DBParameterGroup': 'DBParameterGroupName',
  'AWS::CloudWatch::Alarm': 'AlarmName',
  'AWS::CloudWatch::CompositeAlarm': 'AlarmName',
  'AWS::CloudWatch::Dashboard': 'DashboardName',
  'AWS::AutoScaling::AutoScalingGroup': 'AutoScalingGroupName',
  'AWS::Events::Rule': 'Name',
  'AWS::Scheduler::Schedule': 'Name',
  'AWS::KMS::Alias': 'AliasName',
  'AWS::Backup::BackupVault': 'BackupVaultName',
  'AWS::Synthetics::Canary': 'Name',
  'AWS::WAFv2::WebACL': 'Name',
};

const EC2_PREFIX: Record<string, string> = {
  'AWS::EC2::VPC': 'vpc',
  'AWS::EC2::Subnet': 'subnet',
  'AWS::EC2::SecurityGroup': 'sg',
  'AWS::EC2::NatGateway': 'nat',
  'AWS::EC2::InternetGateway': 'igw',
  'AWS::EC2::RouteTable': 'rtb',
  'AWS::EC2::VPCEndpoint': 'vpce',
  'AWS::EC2::LaunchTemplate': 'lt',
  'AWS::EC2::FlowLog': 'fl',
  'AWS::EC2::NetworkAcl': 'acl',
  'AWS::EC2::EIP': 'eipalloc',
};

const LOWERCASE = new Set([
  'AWS::S3::Bucket',
  'AWS::RDS::DBInstance',
  'AWS::RDS::DBSubnetGroup',
  'AWS::RDS::DBParameterGroup',
]);

const hex = (n: number) =>
  randomBytes(Math.ceil(n / 2))
    .toString('hex')
    .slice(0, n);

export function physicalIdFor(
  stackName: string,
  logicalId: string,
  type: string,
  properties: Record<string, unknown>,
  region: string,
  account: string,
): string {
  const named = NAME_PROPERTY[type] ? properties[NAME_PROPERTY[type]] : undefined;
  const generated = `${stackName}-${logicalId}-${hex(12).toUpperCase()}`.slice(0, 63);
  const name = typeof named === 'string' ? named : LOWERCASE.has(type) ? generated.toLowerCase() : generated;
  if (EC2_PREFIX[type]) return `${EC2_PREFIX[type]}-${hex(17)}`;
  switch (type) {
    case 'AWS::KMS::Key':
    case 'AWS::Route53::HealthCheck':
      return randomUUID();
    case 'AWS::SNS::Topic':
      return `arn:aws:sns:${region}:${account}:${typeof properties.TopicName === 'string' ? properties.TopicName : generated}`;
    case 'AWS::ElasticLoadBalancingV2::LoadBalancer':
      return `arn:aws:elasticloadbalancing:${region}:${account}:loadbalancer/app/${typeof properties.Name === 'string' ? properties.Name : logicalId.slice(0, 20)}/${hex(16)}`;
    case 'AWS::ElasticLoadBalancingV2::TargetGroup':
      return `arn:aws:elasticloadbalancing:${region}:${account}:targetgroup/${typeof properties.Name === 'string' ? properties.Name : logicalId.slice(0, 20)}/${hex(16)}`;
    case 'AWS::ElasticLoadBalancingV2::Listener':
      return `arn:aws:elasticloadbalancing:${region}:${account}:listener/app/${logicalId.slice(0, 20)}/${hex(16)}/${hex(16)}`;
    case 'AWS::IAM::ManagedPolicy':
      return `arn:aws:iam::${account}:policy/${typeof properties.ManagedPolicyName === 'string' ? properties.ManagedPolicyName : generated}`;
    case 'AWS::Route53::RecordSet':
      return typeof properties.Name === 'string' ? properties.Name : generated;
    // Ref of a secret is its ARN: the name plus a hyphen and six random characters.
    case 'AWS::SecretsManager::Secret':
      return `arn:aws:secretsmanager:${region}:${account}:secret:${typeof properties.Name === 'string' ? properties.Name : generated}-${hex(6)}`;
    default:
      return name;
  }
}

export function attributeFor(type: string, physicalId: string, attr: string, region: string, account: string): string {
  const p = physicalId;
  const arn = (svc: string, kind: string) => `arn:aws:${svc}:${region}:${account}:${kind}${p}`;
  const lbPath = () => p.split(':loadbalancer/')[1] ?? p;
  switch (`${type}.${attr}`) {
    case 'AWS::S3::Bucket.Arn':
      return `arn:aws:s3:::${p}`;
    case 'AWS::S3::Bucket.DomainName':
      return `${p}.s3.amazonaws.com`;
    case 'AWS::S3::Bucket.RegionalDomainName':
      return `${p}.s3.${region}.amazonaws.com`;
    case 'AWS::RDS::DBInstance.DBInstanceArn':
      return arn('rds', 'db:');
    case 'AWS::RDS::DBInstance.Endpoint.Address':
      return `${p}.c${hex(11)}.${region}.rds.amazonaws.com`;
    case 'AWS::RDS::DBInstance.Endpoint.Port':
      return '5432';
    case 'AWS::RDS::DBInstance.MasterUserSecret.SecretArn':
      return `arn:aws:secretsmanager:${region}:${account}:secret:rds!db-${randomUUID()}-${hex(6)}`;
    case 'AWS::RDS::DBInstance.DbiResourceId':
      return `db-${hex(26).toUpperCase()}`;
    case 'AWS::KMS::Key.Arn':
      return arn('kms', 'key/');
    case 'AWS::KMS::Key.KeyId':
      return p;
    case 'AWS::ElasticLoadBalancingV2::LoadBalancer.DNSName':
      return `${lbPath().split('/')[1] ?? 'alb'}-${hex(10)}.${region}.elb.amazonaws.com`;
    case 'AWS::ElasticLoadBalancingV2::LoadBalancer.CanonicalHostedZoneID':
      return 'Z35SXDOTRQ7X7K';
    case 'AWS::ElasticLoadBalancingV2::LoadBalancer.LoadBalancerFullName':
      return lbPath();
    case 'AWS::ElasticLoadBalancingV2::LoadBalancer.LoadBalancerArn':
      return p;
    case 'AWS::ElasticLoadBalancingV2::TargetGroup.TargetGroupFullName':
      return p.split(':').pop()!;
    case 'AWS::ElasticLoadBalancingV2::TargetGroup.TargetGroupArn':
      return p;
    case 'AWS::SNS::Topic.TopicArn':
      return p;
    case 'AWS::SNS::Topic.TopicName':
      return p.split(':').pop()!;
    case 'AWS::DynamoDB::GlobalTable.Arn':
    case 'AWS::DynamoDB::Table.Arn':
      return arn('dynamodb', 'table/');
    case 'AWS::DynamoDB::GlobalTable.StreamArn':
    case 'AWS::DynamoDB::Table.StreamArn':
      return `${arn('dynamodb', 'table/')}/stream/2026-01-05T09:00:00.000`;
    case 'AWS::Lambda::Function.Arn':
      return arn('lambda', 'function:');
    case 'AWS::IAM::Role.Arn':
      return `arn:aws:iam::${account}:role/${p}`;
    case 'AWS::IAM::Role.RoleId':
      return `AROA${hex(17).toUpperCase()}`;
    case 'AWS::IAM::InstanceProfile.Arn':
      return `arn:aws:iam::${account}:instance-profile/${p}`;
    case 'AWS::Logs::LogGroup.Arn':
      return `${arn('logs', 'log-group:')}:*`;
    case 'AWS::SSM::Parameter.Value':
      return 'value';
    case 'AWS::EC2::VPC.CidrBlock':
      return '10.0.0.0/16';
    case 'AWS::EC2::SecurityGroup.GroupId':
      return p;
    case 'AWS::EC2::LaunchTemplate.LatestVersionNumber':
    case 'AWS::EC2::LaunchTemplate.DefaultVersionNumber':
      return '1';
    case 'AWS::Route53::HealthCheck.HealthCheckId':
      return p;
    case 'AWS::Events::Rule.Arn':
      return arn('events', 'rule/');
    case 'AWS::Backup::BackupVault.BackupVaultArn':
      return arn('backup', 'backup-vault:');
    case 'AWS::WAFv2::WebACL.Arn':
      return arn('wafv2', 'regional/webacl/');
    case 'AWS::Scheduler::Schedule.Arn':
      return arn('scheduler', 'schedule/default/');
    case 'AWS::SecretsManager::Secret.Id':
      return p;
    default:
      return attr === 'Arn' ? arn(type.split('::')[1]!.toLowerCase(), '') : `${p}.${attr}`;
  }
}
