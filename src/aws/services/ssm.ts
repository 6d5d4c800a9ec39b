// Parameter Store: the maintenance flag, the writer endpoint and the secret name are String parameters that the
// controller, the runbooks and the drill read and set through these two functions.
import { GetParameterCommand, PutParameterCommand } from '@aws-sdk/client-ssm';
import type { ServiceClients } from '../clients.js';
import { awsCallError, errorName } from '../errors.js';

type Ssm = ServiceClients<'ssm'>;

/** The parameter's value, or undefined when it does not exist. */
export async function getParameter(aws: Ssm, name: string): Promise<string | undefined> {
  try {
    return (await aws.ssm.send(new GetParameterCommand({ Name: name }))).Parameter?.Value;
  } catch (err) {
    if (errorName(err) === 'ParameterNotFound') return undefined;
    throw awsCallError({ operation: 'ssm:GetParameter', resource: name, region: aws.region }, err, {
      fix: `Check that ${name} exists in ${aws.region} and that the caller may read it (ssm:GetParameter).`,
    });
  }
}

/** Sets a String parameter to `value` unless it already holds it; says whether it changed and what it held. */
export async function putParameter(
  aws: Ssm,
  name: string,
  value: string,
): Promise<{ changed: boolean; previous: string | undefined }> {
  const previous = await getParameter(aws, name);
  if (previous === value) return { changed: false, previous };
  try {
    await aws.ssm.send(new PutParameterCommand({ Name: name, Value: value, Type: 'String', Overwrite: true }));
  } catch (err) {
    throw awsCallError({ operation: 'ssm:PutParameter', resource: name, region: aws.region }, err, {
      fix: `Set ${name} to ${value} in ${aws.region} by hand (or grant ssm:PutParameter) and re-run.`,
    });
  }
  return { changed: true, previous };
}
