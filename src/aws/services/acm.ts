// ACM: a certificate's status and the names it covers, read in the region of the load balancer that will use it.
import { DescribeCertificateCommand } from '@aws-sdk/client-acm';
import type { ServiceClients } from '../clients.js';
import { awsCallError, errorName } from '../errors.js';

export interface CertificateView {
  arn: string;
  /** ISSUED, PENDING_VALIDATION, EXPIRED, … */
  status: string;
  /** The primary name and every subject alternative name (wildcards as `*.example.com`). */
  names: string[];
}

/** The certificate, or undefined when this region has no such certificate. */
export async function describeCertificate(
  aws: ServiceClients<'acm'>,
  arn: string,
): Promise<CertificateView | undefined> {
  try {
    const out = await aws.acm.send(new DescribeCertificateCommand({ CertificateArn: arn }));
    const c = out.Certificate ?? {};
    const names = [c.DomainName, ...(c.SubjectAlternativeNames ?? [])].filter((n): n is string => Boolean(n));
    return { arn, status: c.Status ?? 'UNKNOWN', names: [...new Set(names)] };
  } catch (err) {
    if (errorName(err) === 'ResourceNotFoundException') return undefined;
    throw awsCallError({ operation: 'acm:DescribeCertificate', resource: arn, region: aws.region }, err);
  }
}

/**
 * Whether a certificate name covers `host`: equal (case-insensitive), or a wildcard `*.zone` standing for exactly one
 * leftmost label (`*.example.com` covers `api.example.com`, not `example.com` nor `a.b.example.com`).
 */
export function certificateNameCovers(name: string, host: string): boolean {
  const n = name.toLowerCase().replace(/\.$/, '');
  const h = host.toLowerCase().replace(/\.$/, '');
  if (!n.startsWith('*.')) return n === h;
  const dot = h.indexOf('.');
  return dot > 0 && h.slice(dot + 1) === n.slice(2);
}
