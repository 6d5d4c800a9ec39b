// The Secrets Manager rotation protocol as data: the event a rotation function receives, the staging labels, and
// the two things each step needs injected (a Secrets Manager client and a way to open a database session), so the
// steps run unchanged against the service in Lambda and against doubles and a local PostgreSQL in tests.
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

export const STEPS = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as const;
export type RotationStep = (typeof STEPS)[number];

/** What Secrets Manager sends for each step (RotationToken only when the function is invoked by the service). */
export interface RotationEvent {
  SecretId: string;
  ClientRequestToken: string;
  Step: RotationStep;
  RotationToken?: string;
}

export const CURRENT = 'AWSCURRENT';
export const PENDING = 'AWSPENDING';
export const PREVIOUS = 'AWSPREVIOUS';

/** The fields of the master secret this function reads; the attachment adds host, port and engine. */
export interface DbSecret {
  username: string;
  password: string;
  host: string;
  port: number;
  dbname?: string;
  /** Every other field, carried over unchanged into the new version. */
  [field: string]: unknown;
}

/** An open session on the database with the credentials it was opened with. */
export interface DbSession {
  query(sql: string): Promise<unknown>;
  close(): Promise<void>;
}

/** Opens a session with these credentials; rejects when the server refuses them or cannot be reached. */
export type DbConnector = (secret: DbSecret) => Promise<DbSession>;

export interface RotationDeps {
  secrets: Pick<SecretsManagerClient, 'send'>;
  connect: DbConnector;
  /** GetRandomPassword settings: the same as the secret's GenerateSecretString, so every password has one shape. */
  passwordLength: number;
  excludeCharacters: string;
  /**
   * Why this region must not change the password now, or undefined. After a failover the secondary's promoted
   * database keeps the old password while this secret still replicates to the copy its gateways read: rotating in
   * a fenced (maintenance-flagged) primary would lock the new writer's clients out.
   */
  fenced: () => Promise<string | undefined>;
  log: (message: string) => void;
}

/** A request the protocol says must not be acted on (wrong stage, rotation off, unknown version). */
export class RotationRefused extends Error {
  override readonly name = 'RotationRefused';
}
