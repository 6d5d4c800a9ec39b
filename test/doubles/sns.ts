// SNS double: topics per region; Publish checks that the topic exists in the client's region, as the service does.
import { InvalidParameterException, NotFoundException, type SNSClient } from '@aws-sdk/client-sns';
import { CallLog } from './call-log.js';
import { FailureInjector, fakeClient, sdkError, unsupported } from './fake-client.js';

export interface PublishedMessage {
  region: string;
  topicArn: string;
  subject: string | undefined;
  message: string;
  at: number;
}

export class SnsDouble {
  readonly log: CallLog;
  readonly failures = new FailureInjector();
  readonly published: PublishedMessage[] = [];
  private readonly topics = new Set<string>();
  private readonly now: () => number;
  private seq = 0;

  constructor(opts: { now: () => number; log?: CallLog }) {
    this.now = opts.now;
    this.log = opts.log ?? new CallLog();
  }

  addTopic(region: string, name: string, account = '111122223333'): string {
    const arn = `arn:aws:sns:${region}:${account}:${name}`;
    this.topics.add(arn);
    return arn;
  }

  client(region: string): SNSClient {
    return fakeClient<SNSClient>('sns', region, this.log, this.now, this.failures, (op, input) =>
      this.handle(op, input, region),
    );
  }

  private handle(op: string, input: Record<string, unknown>, region: string): unknown {
    if (op !== 'Publish') throw unsupported('sns', op);
    const arn = String(input.TopicArn ?? '');
    if (arn.split(':')[3] !== region)
      throw sdkError(InvalidParameterException, `Invalid parameter: TopicArn (topic is not in ${region})`);
    if (!this.topics.has(arn)) throw sdkError(NotFoundException, 'Topic does not exist');
    if (typeof input.Message !== 'string' || input.Message.length === 0)
      throw sdkError(InvalidParameterException, 'Invalid parameter: Empty message');
    this.published.push({
      region,
      topicArn: arn,
      subject: input.Subject as string | undefined,
      message: input.Message,
      at: this.now(),
    });
    return { MessageId: `msg-${++this.seq}` };
  }
}
