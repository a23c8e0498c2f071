// Reads and writes the inventory ConfigMap. Every write carries the resourceVersion that was read, so
// two writers never silently overwrite each other: the loser gets a KubeError 'conflict'.
import { formatRef, type ObjectRef } from '@ferry/shared';
import { KubeError, type KubeApi, type KubeObject } from '../kube/types.ts';
import { decodeInventory, encodeInventory, type EncodeOptions } from './codec.ts';
import type { Inventory } from './types.ts';

export const INVENTORY_LABELS: Readonly<Record<string, string>> = Object.freeze({
  'app.kubernetes.io/managed-by': 'ferry',
  'ferry.dev/inventory': 'true',
});

export interface InventoryStoreOptions {
  /** Where the ConfigMap lives: the agent's own namespace. */
  readonly namespace: string;
  readonly name: string;
  /** Passed to encodeInventory; its default suits a 1 MiB ConfigMap. */
  readonly compressAboveBytes?: number;
}

/** The only calls the store makes. */
export type InventoryKube = Pick<KubeApi, 'get' | 'create' | 'replace'>;

export interface LoadedInventory {
  readonly inventory: Inventory;
  /** undefined when the ConfigMap does not exist yet. */
  readonly resourceVersion: string | undefined;
}

export class InventoryStore {
  readonly ref: ObjectRef;
  readonly #kube: InventoryKube;
  readonly #encode: Partial<EncodeOptions>;

  constructor(kube: InventoryKube, options: InventoryStoreOptions) {
    const { namespace, name, compressAboveBytes } = options;
    this.#kube = kube;
    this.#encode = compressAboveBytes === undefined ? {} : { compressAboveBytes };
    this.ref = { group: '', version: 'v1', kind: 'ConfigMap', namespace, name };
  }

  /** An empty inventory and no resourceVersion when the ConfigMap is absent. */
  async load(): Promise<LoadedInventory> {
    const object = await this.#kube.get(this.ref);
    if (object === undefined) return { inventory: { entries: [] }, resourceVersion: undefined };
    const inventory = decodeInventory(readData(object, this.where), this.where);
    return { inventory, resourceVersion: object.metadata.resourceVersion };
  }

  /**
   * Creates the ConfigMap when resourceVersion is undefined, else replaces it with resourceVersion as
   * the precondition. Returns the new resourceVersion, to pass to the next save.
   */
  async save(inventory: Inventory, resourceVersion: string | undefined): Promise<string> {
    const object: KubeObject = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: this.ref.name,
        namespace: this.ref.namespace,
        labels: { ...INVENTORY_LABELS },
        ...(resourceVersion === undefined ? {} : { resourceVersion }),
      },
      data: encodeInventory(inventory, this.#encode),
    };
    let written: KubeObject;
    try {
      written =
        resourceVersion === undefined ? await this.#kube.create(object) : await this.#kube.replace(object);
    } catch (error) {
      throw explainConflict(error, this.where, resourceVersion);
    }
    const next = written.metadata.resourceVersion;
    if (next === undefined || next === '') {
      throw new KubeError('failed', `inventory ${this.where}: the API server returned no resourceVersion`);
    }
    return next;
  }

  get where(): string {
    return formatRef(this.ref);
  }
}

function readData(object: KubeObject, where: string): Record<string, string> {
  const data: unknown = object.data ?? {};
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new Error(`inventory ${where}: data is not a map of strings`);
  }
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(data as Record<string, unknown>)) {
    if (typeof value !== 'string') throw new Error(`inventory ${where}: data key "${key}" is not a string`);
    result[key] = value;
  }
  return result;
}

function explainConflict(error: unknown, where: string, resourceVersion: string | undefined): unknown {
  if (!(error instanceof KubeError) || error.code !== 'conflict') return error;
  const message =
    resourceVersion === undefined
      ? `inventory ${where} already exists; load it before saving`
      : `inventory ${where} changed since it was read (resourceVersion ${resourceVersion}); load it again`;
  return new KubeError('conflict', message, { status: error.status, cause: error });
}
