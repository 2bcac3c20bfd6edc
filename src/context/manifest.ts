import { readFile } from "node:fs/promises";
import path from "node:path";
import { parse as parseToml } from "smol-toml";
import { ConfigurationError } from "../model/index.js";

export interface ProjectVersion {
  /** Package name, when the manifest has one (a virtual Cargo workspace does not). */
  name: string | undefined;
  version: string;
  manifest: string;
}

/**
 * Reads and decodes a manifest; undefined when the file does not exist, a
 * `ConfigurationError` naming it when it cannot be decoded.
 */
async function readManifest(
  file: string,
  kind: string,
  decode: (text: string) => unknown,
): Promise<Record<string, unknown> | undefined> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    return undefined;
  }
  try {
    return table(decode(text)) ?? {};
  } catch (error) {
    throw new ConfigurationError(`${file}: invalid ${kind} (${(error as Error).message.split("\n")[0]})`);
  }
}

const readToml = (file: string) => readManifest(file, "TOML", parseToml);
const readPackageJson = (file: string) => readManifest(file, "JSON", JSON.parse);

const table = (value: unknown): Record<string, unknown> | undefined =>
  value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;

/**
 * The version of the project at `repo`, as the Python lance-bench reads it: `Cargo.toml` first (its
 * `package.version`, or `workspace.package.version` for a workspace or a member that
 * inherits it), then `pyproject.toml` (`project.version`, or Poetry's `tool.poetry.version`),
 * then a Node project's `package.json`.
 */
export async function readProjectVersion(repo: string): Promise<ProjectVersion> {
  const cargoFile = path.join(repo, "Cargo.toml");
  const cargo = await readToml(cargoFile);
  if (cargo) {
    const pkg = table(cargo.package);
    const workspaceVersion = table(table(cargo.workspace)?.package)?.version;
    const version = typeof pkg?.version === "string" ? pkg.version : workspaceVersion;
    if (typeof version === "string" && version !== "") {
      return { name: typeof pkg?.name === "string" ? pkg.name : undefined, version, manifest: cargoFile };
    }
  }
  const pyFile = path.join(repo, "pyproject.toml");
  const py = await readToml(pyFile);
  if (py) {
    const project = table(py.project);
    const poetry = table(table(py.tool)?.poetry);
    const version = project?.version ?? poetry?.version;
    const name = project?.name ?? poetry?.name;
    if (typeof version === "string" && version !== "") {
      return { name: typeof name === "string" ? name : undefined, version, manifest: pyFile };
    }
  }
  const nodeFile = path.join(repo, "package.json");
  const node = await readPackageJson(nodeFile);
  if (node && typeof node.version === "string" && node.version !== "") {
    return { name: typeof node.name === "string" ? node.name : undefined, version: node.version, manifest: nodeFile };
  }
  const looked = [cargo && cargoFile, py && pyFile, node && nodeFile].filter(Boolean);
  throw new NoProjectVersion(
    looked.length
      ? `no version found in ${looked.join(" or ")} (dynamic versions cannot be read)`
      : `no Cargo.toml, pyproject.toml or package.json in "${repo}" to read the version from`,
  );
}

/** The project declares no version we can read (a manifest that cannot be decoded is another error). */
export class NoProjectVersion extends ConfigurationError {
  override name = "NoProjectVersion";
}
