// Applying one planned object: adopt it if another tool made it, server-side apply with Ferry's field
// manager (taking fields over unless the object opts out), report which manager lost which field, or
// delete and recreate it when the plan says an immutable field changes and the object allows that.
import { formatRef } from '@ferry/shared';
import { KubeError, type KubeApi, type KubeObject } from '../kube/index.ts';
import { pollUntil } from '../poll.ts';
import { adoptionPatch } from './adopt.ts';
import type { DesiredObject } from './desired.ts';
import { FIELD_MANAGER, type Planned } from './dry-run.ts';
import { takenFields } from './taken-fields.ts';
import type { ChangeSetEntry } from './types.ts';

/** `fail`: do not take fields from other managers; the apply fails with the conflict instead. */
export const CONFLICTS_ANNOTATION = 'ferry.dev/conflicts';

const GONE_TIMEOUT_MS = 60_000;

function failed(object: DesiredObject, error: unknown): ChangeSetEntry {
  const message = error instanceof KubeError ? error.message : `${formatRef(object.ref)}: ${String(error)}`;
  return {
    ref: object.ref,
    action: 'failed',
    source: object.source,
    message: `${message} (${object.source})`,
  };
}

async function waitGone(kube: KubeApi, object: DesiredObject, uid: string | undefined): Promise<void> {
  const gone = await pollUntil(async () => {
    const live = await kube.get(object.ref);
    return live === undefined || live.metadata.uid !== uid ? true : undefined;
  }, GONE_TIMEOUT_MS);
  if (gone !== true) {
    throw new KubeError(
      'failed',
      `${formatRef(object.ref)} was not gone ${GONE_TIMEOUT_MS} ms after its deletion`,
    );
  }
}

/** The answer's managedFields are all that is read of it. */
async function apply(kube: KubeApi, manifest: KubeObject, force: boolean): Promise<KubeObject> {
  return kube.apply(manifest, {
    fieldManager: FIELD_MANAGER,
    force,
    dryRun: false,
    answer: 'metadata',
  });
}

export async function applyOne(kube: KubeApi, planned: Planned): Promise<ChangeSetEntry> {
  if (planned.action === 'failed') {
    return {
      ref: planned.object.ref,
      action: 'failed',
      source: planned.object.source,
      message: planned.message,
    };
  }
  const { object, live } = planned;
  const entry: ChangeSetEntry = { ref: object.ref, action: planned.action, source: object.source };
  if (planned.action === 'unchanged') return entry;
  const force = object.manifest.metadata.annotations?.[CONFLICTS_ANNOTATION] !== 'fail';
  try {
    if (live !== undefined) {
      const adoption = adoptionPatch(live);
      if (adoption.length > 0) await kube.jsonPatch(object.ref, adoption);
    }
    if (planned.recreate === true && live !== undefined) {
      const uid = live.metadata.uid;
      await kube.delete(object.ref, { propagation: 'Foreground', ...(uid !== undefined ? { uid } : {}) });
      await waitGone(kube, object, uid);
      await apply(kube, object.manifest, force);
      return { ...entry, message: 'recreated: an immutable field changed' };
    }
    const result = await apply(kube, planned.manifest, force);
    const taken = takenFields(live?.metadata.managedFields, result.metadata.managedFields, FIELD_MANAGER);
    return taken === undefined ? entry : { ...entry, takenFrom: taken };
  } catch (error) {
    return failed(object, error);
  }
}
