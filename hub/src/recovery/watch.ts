// Watching recoveries finish: after each batch the channel stores, the clusters in it that are recovering
// are checked (has the new agent applied Git's head, and is it healthy?). The names of recovering
// clusters are kept in memory (read once at start, added to when a recovery begins), so the check costs
// nothing for the rest of the fleet.
import type { Logger } from '@ferry/shared';
import type { Store } from '../store/index.ts';

export interface RecoveryWatch {
  /** A recovery began (the API's recover route). */
  began(cluster: string): void;
  /** The channel stored something for these clusters. Returns the ones that just finished recovering. */
  changed(clusters: readonly string[]): string[];
}

export interface RecoveryWatchDeps {
  readonly store: Pick<Store, 'listClusters' | 'checkRecovery'>;
  readonly now: () => Date;
  readonly log: Logger;
}

const PAGE = 500;

export function createRecoveryWatch({ store, now, log }: RecoveryWatchDeps): RecoveryWatch {
  const recovering = new Set<string>();
  for (let after: string | undefined, first = true; first || after !== undefined; first = false) {
    const page = store.listClusters({ state: 'recovering', after, limit: PAGE });
    for (const cluster of page.items) recovering.add(cluster.name);
    after = page.next;
  }

  return {
    began: (cluster) => {
      recovering.add(cluster);
    },
    changed: (clusters) => {
      const finished: string[] = [];
      for (const cluster of clusters) {
        if (!recovering.has(cluster)) continue;
        const check = store.checkRecovery(cluster, now());
        if (check.status === 'in-progress') continue;
        recovering.delete(cluster);
        if (check.status === 'recovered') {
          finished.push(cluster);
          log.info('cluster recovered', {
            cluster,
            revision: check.revision,
            seconds: check.durationMs / 1000,
          });
        }
      }
      return finished;
    },
  };
}
