// SNS: notifications to the alert topic.
import { PublishCommand } from '@aws-sdk/client-sns';
import type { ServiceClients } from '../clients.js';
import { awsCallError } from '../errors.js';

/** Publishes to the topic; SNS subjects are limited to 100 printable ASCII characters. Returns the subject sent. */
export async function publish(
  aws: ServiceClients<'sns'>,
  topicArn: string,
  subject: string,
  body: unknown,
): Promise<string> {
  const safeSubject = subject.replace(/[^\x20-\x7e]/g, '?').slice(0, 100);
  try {
    await aws.sns.send(
      new PublishCommand({
        TopicArn: topicArn,
        Subject: safeSubject,
        Message: typeof body === 'string' ? body : JSON.stringify(body, null, 2),
      }),
    );
  } catch (err) {
    throw awsCallError({ operation: 'sns:Publish', resource: topicArn, region: aws.region }, err, {
      fix: `Check that the topic ${topicArn} exists in ${aws.region} and that the caller may publish to it.`,
    });
  }
  return safeSubject;
}
