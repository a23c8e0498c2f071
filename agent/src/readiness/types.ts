// Disaster-recovery readiness, the vocabulary: what Git could rebuild of the managed namespaces and what
// it could not. The classifier (classify.ts) reads plain data and answers a ReadinessReport; the scanner
// (scan.ts) gathers that data from the API server.
import type { ObjectRef } from '@ferry/shared';

/** How many refs a report's lists keep (their counts are whole). */
export const REPORT_ITEM_LIMIT = 50;

/** Scan again when the inventory changed or the last scan is older than this (10 minutes). */
export const READINESS_SCAN_INTERVAL_MS = 10 * 60_000;

export interface ReadinessReport {
  /** ISO time. */
  readonly scannedAt: string;
  /** The managed namespaces scanned, sorted. */
  readonly namespaces: readonly string[];
  /** Objects Git describes, present in the cluster. */
  readonly rebuildable: number;
  /** rebuildable + notInGit.count + data.count. */
  readonly total: number;
  /** Objects no Git file describes; items sorted, at most REPORT_ITEM_LIMIT. */
  readonly notInGit: { readonly count: number; readonly items: readonly ObjectRef[] };
  /** PersistentVolumeClaims of StatefulSets Git describes: Git rebuilds the claim, never its data. */
  readonly data: { readonly count: number; readonly items: readonly ObjectRef[] };
  /** `Kind.group/version` (`Kind/v1` in the core group) of kinds the agent could not list; bounded. */
  readonly unknownKinds: readonly string[];
}

export interface OwnerReference {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly uid: string;
  readonly controller?: boolean;
}

/** An object as a metadata-only list shows it. */
export interface ListedObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly uid?: string;
    readonly labels?: Readonly<Record<string, string>>;
    readonly annotations?: Readonly<Record<string, string>>;
    readonly ownerReferences?: readonly OwnerReference[];
  };
}

/** A StatefulSet Git describes, with the names of its volumeClaimTemplates. */
export interface ClaimTemplates {
  readonly namespace: string;
  readonly statefulSet: string;
  readonly templates: readonly string[];
}

export interface ReadinessInput {
  readonly scannedAt: string;
  /** The managed namespaces: only objects in them count. */
  readonly namespaces: readonly string[];
  /** What Git describes and the agent applied (the inventory's refs). */
  readonly managed: readonly ObjectRef[];
  /** Every object listed in the managed namespaces (a kind served in two groups may list one twice). */
  readonly listed: readonly ListedObject[];
  readonly claimTemplates: readonly ClaimTemplates[];
  /** Kinds the agent could not list, `Kind.group/version`. */
  readonly unknownKinds: readonly string[];
}
