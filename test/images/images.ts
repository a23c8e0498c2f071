// Ferry's two images and what the tests read of each: the Dockerfile with its ignore file, the
// workspace package it ships, and where its build stage puts that package's production bundle.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDockerfile, type Dockerfile, type Stage } from './dockerfile.ts';
import { parseDockerignore, type IgnoreRule } from './dockerignore.ts';

export const REPO_ROOT = resolve(fileURLToPath(import.meta.url), '..', '..', '..');

/** Where the build stage deploys the package (`pnpm deploy /out`) and where the image holds it. */
export const BUNDLE_DIR = '/out';
export const APP_DIR = '/app';

export interface ImageSpec {
  readonly name: 'agent' | 'hub';
  /** Relative to the repository's root. */
  readonly dockerfile: string;
  /** The workspace package the image ships, and its folder. */
  readonly packageName: string;
  readonly packageDir: string;
}

export const IMAGES: readonly ImageSpec[] = [
  {
    name: 'agent',
    dockerfile: 'deploy/images/agent.Dockerfile',
    packageName: '@ferry/agent',
    packageDir: 'agent',
  },
  { name: 'hub', dockerfile: 'deploy/images/hub.Dockerfile', packageName: '@ferry/hub', packageDir: 'hub' },
];

export function imageSpec(name: ImageSpec['name']): ImageSpec {
  const spec = IMAGES.find((image) => image.name === name);
  if (spec === undefined) throw new Error(`no image ${name}`);
  return spec;
}

export interface PackageJson {
  readonly name: string;
  readonly packageManager?: string;
  readonly bin?: Readonly<Record<string, string>>;
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly devDependencies?: Readonly<Record<string, string>>;
}

/** A JSON file of the repository, parsed (the caller says what it holds). */
export function readJson(path: string): unknown {
  return JSON.parse(readFileSync(join(REPO_ROOT, path), 'utf8'));
}

export interface LoadedImage {
  readonly spec: ImageSpec;
  readonly dockerfile: Dockerfile;
  /** BuildKit's per-Dockerfile ignore file: `<Dockerfile>.dockerignore` beside it. */
  readonly ignore: readonly IgnoreRule[];
  readonly build: Stage;
  readonly final: Stage;
  readonly packageJson: PackageJson;
}

export function loadImage(spec: ImageSpec): LoadedImage {
  const dockerfile = parseDockerfile(readFileSync(join(REPO_ROOT, spec.dockerfile), 'utf8'));
  const build = dockerfile.stages.find((stage) => stage.name === 'build');
  const final = dockerfile.stages.at(-1);
  if (build === undefined || final === undefined || final === build)
    throw new Error(`${spec.dockerfile}: expected a stage named build and a final stage after it`);
  return {
    spec,
    dockerfile,
    ignore: parseDockerignore(readFileSync(join(REPO_ROOT, `${spec.dockerfile}.dockerignore`), 'utf8')),
    build,
    final,
    packageJson: readJson(join(spec.packageDir, 'package.json')) as PackageJson,
  };
}
