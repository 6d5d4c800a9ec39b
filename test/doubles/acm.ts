// ACM double: certificates per region (an ARN names its region; DescribeCertificate in another region does not find
// it, as ACM answers), with status and names.
import { ResourceNotFoundException, type ACMClient } from '@aws-sdk/client-acm';
import { CallLog } from './call-log.js';
import { FailureInjector, fakeClient, sdkError, unsupported } from './fake-client.js';

export interface CertificateSeed {
  region: string;
  domainName: string;
  alternativeNames?: string[];
  status?: 'ISSUED' | 'PENDING_VALIDATION' | 'EXPIRED' | 'REVOKED' | 'FAILED' | 'INACTIVE' | 'VALIDATION_TIMED_OUT';
}

export class AcmDouble {
  readonly log: CallLog;
  readonly failures = new FailureInjector();
  private readonly certs = new Map<string, Required<CertificateSeed>>();
  private readonly now: () => number;
  private seq = 0;

  constructor(opts: { now: () => number; log?: CallLog }) {
    this.now = opts.now;
    this.log = opts.log ?? new CallLog();
  }

  /** Adds a certificate; returns its ARN. */
  addCertificate(seed: CertificateSeed, account = '111111111111'): string {
    const id = `0000000${++this.seq}-aaaa-bbbb-cccc-dddddddddddd`.slice(-36);
    const arn = `arn:aws:acm:${seed.region}:${account}:certificate/${id}`;
    this.certs.set(arn, { alternativeNames: [seed.domainName], status: 'ISSUED', ...seed });
    return arn;
  }

  client(region: string): ACMClient {
    return fakeClient<ACMClient>('acm', region, this.log, this.now, this.failures, (op, input) =>
      this.handle(op, input, region),
    );
  }

  private handle(op: string, input: Record<string, unknown>, region: string): unknown {
    if (op !== 'DescribeCertificate') throw unsupported('acm', op);
    const arn = String(input.CertificateArn);
    const c = this.certs.get(arn);
    if (!c || c.region !== region) throw sdkError(ResourceNotFoundException, `Could not find certificate ${arn}.`);
    return {
      Certificate: {
        CertificateArn: arn,
        DomainName: c.domainName,
        SubjectAlternativeNames: c.alternativeNames,
        Status: c.status,
      },
    };
  }
}
