// The policy's SSM parameter, read and written through the AWS SDK. Region, endpoint
// (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_SSM) and credentials are the SDK's own, from the
// environment and the shared config files; --region overrides the region.
import {
  GetParameterCommand,
  ParameterNotFound,
  PutParameterCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';

/** A parameter as read: its value (decrypted), version and type. */
export interface StoredParameter {
  value: string;
  version: number;
  type: string;
}

/** A client for `region`, or for the SDK's own region when none is given. */
export function parameterClient(region: string | undefined): SSMClient {
  return new SSMClient({
    // Undefined: the SDK's own, as if none were given.
    region,
    // An endpoint that never answers is named within seconds, not after the OS gives up.
    requestHandler: {
      connectionTimeout: 5_000,
      requestTimeout: 10_000,
      throwOnRequestTimeout: true,
    },
  });
}

/** Thrown when neither --region nor the SDK's configuration names a region. */
export class NoRegion extends Error {}

/** The region the client asks, as the SDK resolved it. */
export async function regionOf(client: SSMClient): Promise<string> {
  try {
    return await client.config.region();
  } catch {
    throw new NoRegion("no region: give --region, the function's own region");
  }
}

/** The parameter, decrypted, or undefined when it does not exist. */
export async function readStored(
  client: SSMClient,
  name: string,
): Promise<StoredParameter | undefined> {
  try {
    const { Parameter } = await client.send(
      new GetParameterCommand({ Name: name, WithDecryption: true }),
    );
    // SSM answers a parameter found with all three: the defaults only satisfy the types.
    const { Value = '', Version = 0, Type = '' } = Parameter ?? {};
    return { value: Value, version: Version, type: Type };
  } catch (error) {
    if (error instanceof ParameterNotFound) return undefined;
    throw error;
  }
}

/**
 * Writes `value` as a SecureString and returns the version SSM gave it. A parameter that
 * did not exist is created with Overwrite false, so that SSM refuses should someone else
 * have created it since it was read (ParameterAlreadyExists).
 */
export async function writeStored(
  client: SSMClient,
  name: string,
  value: string,
  create: boolean,
): Promise<number> {
  const { Version } = await client.send(
    new PutParameterCommand({ Name: name, Value: value, Type: 'SecureString', Overwrite: !create }),
  );
  return Version ?? 0;
}
