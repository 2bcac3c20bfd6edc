/**
 * The one rule for which environment variables carry credentials. Both the environment handed
 * to code we do not own (builds, benchmarks, generators, pipelines) and the runtime's npm
 * install strip these, so the two lists can never drift apart.
 */
const SECRET_PREFIXES = ["AWS_", "INPUT_", "ACTIONS_", "LANCE_BENCH_", "AZURE_", "GOOGLE_", "GCP_"];
const SECRET_NAMES = new Set(["DATABASE_URL", "PGPASSWORD", "PGPASSFILE", "NODE_AUTH_TOKEN", "NPM_TOKEN"]);
const SECRET_WORDS = /TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|PRIVATE_KEY|API_KEY|ACCESS_KEY|SESSION_KEY|AUTH/i;

/** True for a variable that may hold a credential: never give it to untrusted code. */
export function isSecretVariable(name: string): boolean {
  const upper = name.toUpperCase();
  return (
    SECRET_NAMES.has(upper) || SECRET_PREFIXES.some((prefix) => upper.startsWith(prefix)) || SECRET_WORDS.test(upper)
  );
}
