// Entry of the trading gateway (the compute layer's GatewayBundleKey artifact, run by systemd as
// trading-gateway): reads the environment, wires the real AWS clients and database probe, and serves.
import { readFileSync } from 'node:fs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { DrError } from '../../errors.js';
import { readGatewayConfig } from './config.js';
import { pgProbe, secretsManagerCredentials } from './db-probe.js';
import { writeFence } from './fence.js';
import { HealthChecker } from './health.js';
import { Heartbeat } from './heartbeat.js';
import { JsonLineReporter } from './log.js';
import { MaintenanceFlag } from './maintenance.js';
import { OrderStore } from './orders.js';
import { timedClientConfig } from './sdk-timeouts.js';
import { createGatewayServer } from './server.js';

const reporter = new JsonLineReporter();

try {
  const cfg = readGatewayConfig(process.env);
  // Only this region's endpoints: the gateway must keep serving when the other region is gone. Every call is
  // bounded by the SDK's own timeouts, and on the request path also by the request's deadline (abort signal).
  const dynamodb = new DynamoDBClient(timedClientConfig(cfg.region, cfg.requestDeadlineMs));
  const ssm = new SSMClient(timedClientConfig(cfg.region, cfg.requestDeadlineMs));
  // The region's copy of the master secret (the secondary holds a replica of the primary's): no cross-region read.
  const paramName = cfg.dbSecretArnParameter;
  const secretArn = paramName
    ? () =>
        ssm
          .send(new GetParameterCommand({ Name: paramName }))
          .then((r) => r.Parameter?.Value || cfg.dbSecretArn)
          .catch(() => cfg.dbSecretArn)
    : cfg.dbSecretArn;
  const credentials = secretsManagerCredentials(
    secretArn,
    new SecretsManagerClient(timedClientConfig(cfg.region, cfg.checkTimeoutMs)),
  );
  const db = pgProbe({
    host: cfg.dbEndpoint,
    port: cfg.dbPort,
    credentials,
    timeoutMs: cfg.checkTimeoutMs,
    ...(cfg.dbCaFile ? { caFile: cfg.dbCaFile } : {}),
  });
  const health = new HealthChecker({
    region: cfg.region,
    role: cfg.role,
    ordersTable: cfg.ordersTable,
    maintenanceParameter: cfg.maintenanceParameter,
    dynamodb,
    ssm,
    db,
    timeoutMs: cfg.checkTimeoutMs,
    cacheMs: cfg.healthCacheMs,
  });
  const maintenance = new MaintenanceFlag(ssm, cfg.maintenanceParameter, cfg.maintenanceMaxAgeMs, Date.now, {
    readTimeoutMs: cfg.requestDeadlineMs,
    onReadError: (err, kept) =>
      reporter.emit({
        code: 'GATEWAY_MAINTENANCE_FLAG_UNREADABLE',
        level: 'warn',
        text: `cannot read ${cfg.maintenanceParameter} (${(err as Error).name}: ${(err as Error).message}); ${kept === undefined ? 'never read: writes are allowed' : `keeping the last value (${kept ? 'on' : 'off'})`} until it reads again`,
        data: { parameter: cfg.maintenanceParameter, kept: kept ?? null },
      }),
  });
  const heartbeat = new Heartbeat({
    region: cfg.region,
    intervalMs: cfg.heartbeatIntervalSeconds * 1000,
    database: {
      host: cfg.dbEndpoint,
      port: cfg.dbPort,
      credentials,
      timeoutMs: cfg.checkTimeoutMs,
      ...(cfg.dbCaFile ? { ca: readFileSync(cfg.dbCaFile, 'utf8') } : {}),
    },
    maintenance,
    reporter,
  });
  const server = createGatewayServer({
    region: cfg.region,
    role: cfg.role,
    environmentSuffix: cfg.environmentSuffix,
    health,
    orders: new OrderStore(dynamodb, cfg.ordersTable, cfg.region),
    ssm,
    writerEndpointParameter: cfg.writerEndpointParameter,
    maintenance,
    reporter,
    requestDeadlineMs: cfg.requestDeadlineMs,
    heartbeat,
  });
  // Longer than the ALB's idle timeout (60 s) so the ALB, not the gateway, closes idle connections.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  const fence = writeFence(cfg);
  server.listen(cfg.port, cfg.listenAddress, () => {
    const addr = server.address();
    const port = typeof addr === 'object' && addr ? addr.port : cfg.port;
    reporter.emit({
      code: 'GATEWAY_LISTENING',
      level: 'info',
      text: `trading gateway listening on ${cfg.listenAddress}:${port}; request deadline ${cfg.requestDeadlineMs} ms, write fence ${fence.ms} ms`,
      data: {
        address: cfg.listenAddress,
        port,
        region: cfg.region,
        role: cfg.role,
        requestDeadlineMs: cfg.requestDeadlineMs,
        maintenanceMaxAgeMs: cfg.maintenanceMaxAgeMs,
        writeFenceMs: fence.ms,
        heartbeatIntervalSeconds: cfg.heartbeatIntervalSeconds,
      },
    });
    heartbeat.start();
  });
  const stop = (signal: string) => {
    reporter.emit({ code: 'GATEWAY_STOPPING', level: 'info', text: `${signal}: draining connections` });
    void heartbeat.stop();
    server.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 10_000).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
} catch (err) {
  const e =
    err instanceof DrError
      ? err
      : new DrError({ code: 'E_GATEWAY_START', kind: 'internal', message: (err as Error).message });
  reporter.emit({ code: e.code, level: 'error', text: e.message, data: e.toJSON() });
  process.exitCode = 2;
}
