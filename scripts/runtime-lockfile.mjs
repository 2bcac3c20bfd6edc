// Writes the runtime lockfile (dist/package.json + dist/package-lock.json): the packages the
// bundled actions load at run time (@lancedb/lancedb, apache-arrow), pinned at the versions of
// the root package-lock.json, with every entry's integrity.
//
// Left out, with the edges that lead to them: LanceDB's optional embedding packages
// (@huggingface/transformers, onnxruntime-node — whose install script downloads a binary no
// lockfile checks —, sharp, openai), which the suite never uses, and platform packages the
// registry gave no integrity for (only linux-x64, glibc and musl, have one). `npm ci
// --omit=optional` is no way to drop them: LanceDB's native binary is an optional dependency too.
// Run by `npm run bundle`; CI compares the result with the committed files.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
export const RUNTIME_PACKAGES = ["@lancedb/lancedb", "apache-arrow"];
export const EXCLUDED = ["@huggingface/transformers", "onnxruntime-node", "sharp", "openai"];
const EDGE_FIELDS = ["dependencies", "optionalDependencies", "peerDependencies"];

const rootPackage = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8"));
const rootLock = JSON.parse(readFileSync(path.join(root, "package-lock.json"), "utf8"));
const packages = rootLock.packages;

/** Where node would find `name` from the package at `from` (a lockfile key). */
function resolve(from, name) {
  for (let dir = from; ;) {
    const key = `${dir ? `${dir}/` : ""}node_modules/${name}`;
    if (packages[key]) return key;
    if (!dir) return undefined;
    const cut = dir.lastIndexOf("/node_modules/");
    dir = cut < 0 ? "" : dir.slice(0, cut);
  }
}

const dropped = (name, key) => EXCLUDED.includes(name) || (key && packages[key] && !packages[key].integrity);
const kept = new Map();
// Keys some kept package reaches through a non-optional edge (the rest are the native binaries).
const required = new Set(RUNTIME_PACKAGES.map((name) => resolve("", name)));
const queue = RUNTIME_PACKAGES.map((name) => resolve("", name));
while (queue.length > 0) {
  const key = queue.shift();
  if (kept.has(key)) continue;
  const entry = JSON.parse(JSON.stringify(packages[key]));
  delete entry.dev;
  delete entry.devOptional;
  for (const field of EDGE_FIELDS) {
    for (const name of Object.keys(entry[field] ?? {})) {
      const target = resolve(key, name);
      const optionalPeer = field === "peerDependencies" && entry.peerDependenciesMeta?.[name]?.optional;
      if (dropped(name, target) || (optionalPeer && !RUNTIME_PACKAGES.includes(name))) {
        delete entry[field][name];
        if (entry.peerDependenciesMeta) delete entry.peerDependenciesMeta[name];
        continue;
      }
      if (!target) throw new Error(`${key} needs ${name}, which the root lockfile does not have`);
      if (field !== "optionalDependencies") required.add(target);
      queue.push(target);
    }
    if (entry[field] && Object.keys(entry[field]).length === 0) delete entry[field];
  }
  if (entry.peerDependenciesMeta && Object.keys(entry.peerDependenciesMeta).length === 0)
    delete entry.peerDependenciesMeta;
  kept.set(key, entry);
}

const dependencies = Object.fromEntries(RUNTIME_PACKAGES.map((name) => [name, rootPackage.dependencies[name]]));
const manifest = {
  name: "lance-bench-runtime",
  private: true,
  description:
    "Native packages the bundled actions load at run time: installed by each action into the runner's tool cache (see src/runtime/).",
  type: "module",
  dependencies,
};
const lock = {
  name: manifest.name,
  lockfileVersion: 3,
  requires: true,
  packages: {
    "": { name: manifest.name, dependencies },
    ...Object.fromEntries(
      [...kept.keys()].sort().map((key) => {
        const entry = kept.get(key);
        // Optional only when reached through optional edges alone (the native binaries, which
        // npm installs where their os/cpu/libc match); the root lockfile may say otherwise.
        if (required.has(key)) delete entry.optional;
        else entry.optional = true;
        return [key, entry];
      }),
    ),
  },
};
writeFileSync(path.join(root, "dist/package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
writeFileSync(path.join(root, "dist/package-lock.json"), `${JSON.stringify(lock, null, 2)}\n`);
console.log(`wrote dist/package.json and dist/package-lock.json: ${kept.size} packages`);
