import { ConfigurationError } from "../model/index.js";

/**
 * A string literal for a LanceDB (DataFusion SQL) filter. Quotes are doubled, which is the
 * SQL escape, and control characters are refused outright, so a user string can never end
 * the literal or smuggle in another clause.
 */
export function sqlString(value: string, input: string): string {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(value)) {
    throw new ConfigurationError(`${input} contains a control character: ${JSON.stringify(value)}`);
  }
  return `'${value.replaceAll("'", "''")}'`;
}
