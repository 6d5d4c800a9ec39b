// The gateway's AWS dependencies for the load bench, in a process of their own (so they do not share the load
// generator's event loop): dynalite keeping its data on disk, the stalling TCP proxy in front of it (the gateway talks
// to DynamoDB through it; the parent freezes and thaws it over IPC), and a minimal Parameter Store / Secrets Manager
// endpoint speaking the JSON protocol for the two reads the gateway makes (GetParameter, GetSecretValue).
// Started by bench/gateway.ts: node --import tsx bench/lib/dependencies.ts <data dir> <db user> <db password>
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';
import { StallProxy } from '../../test/service/stall-proxy.js';

const [dataDir, dbUser, dbPassword] = process.argv.slice(2);
const parameters = new Map<string, string>();

async function listen(server: http.Server): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
}

/** awsJson1_1: POST /, `x-amz-target: <Service>.<Operation>`, JSON in and out. */
const aws = http.createServer((req, res) => {
  let body = '';
  req.on('data', (d: Buffer) => (body += d.toString()));
  req.on('end', () => {
    const op = String(req.headers['x-amz-target'] ?? '').split('.')[1];
    const input = (body ? JSON.parse(body) : {}) as { Name?: string; SecretId?: string };
    const answer = (status: number, out: unknown) => {
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify(out));
    };
    if (op === 'GetParameter') {
      const value = parameters.get(String(input.Name));
      if (value === undefined)
        return answer(400, { __type: 'ParameterNotFound', message: `Parameter ${input.Name} not found.` });
      return answer(200, { Parameter: { Name: input.Name, Value: value, Type: 'String', Version: 1 } });
    }
    if (op === 'GetSecretValue')
      return answer(200, {
        ARN: input.SecretId,
        Name: 'db-master-bench',
        SecretString: JSON.stringify({ username: dbUser, password: dbPassword }),
      });
    answer(400, { __type: 'UnknownOperationException', message: `${op} is not served by the bench` });
  });
});

const db = dynalite({ path: dataDir, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
const dynamoPort = await listen(db);
const proxy = new StallProxy(dynamoPort);
const proxyEndpoint = await proxy.start();
const awsPort = await listen(aws);

process.on('message', (m: { cmd: string; name?: string; value?: string }) => {
  if (m.cmd === 'freeze') proxy.freeze();
  if (m.cmd === 'thaw') proxy.thaw('deliver');
  if (m.cmd === 'put' && m.name) parameters.set(m.name, String(m.value));
  process.send?.({ ack: m.cmd });
});
process.on('disconnect', () => process.exit(0));
process.send?.({
  ready: { dynamo: `http://127.0.0.1:${dynamoPort}`, proxy: proxyEndpoint, aws: `http://127.0.0.1:${awsPort}` },
});
