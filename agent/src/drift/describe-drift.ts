// One line about a drift report, for Events and logs: `Deployment.apps/shop/web: /spec/replicas changed
// by kubectl-edit; /metadata/labels/team removed`. Bounded in length; it names fields and managers,
// never a value (values can be Secret data).
import { formatRef } from '@ferry/shared';
import { DRIFT_ANNOTATION, DRIFT_OPT_OUT, type DriftedField, type DriftReport } from './types.ts';

/** At most this many fields are named; the rest are counted. */
export const DESCRIBED_FIELDS = 5;
/** Longer paths and manager lists are cut to this many characters. */
const MAX_PART = 120;
const DESCRIBED_MANAGERS = 3;

function cut(text: string): string {
  return text.length <= MAX_PART ? text : `${text.slice(0, MAX_PART - 1)}…`;
}

function managers(names: readonly string[]): string {
  const shown = names.slice(0, DESCRIBED_MANAGERS).join(', ');
  const more = names.length - DESCRIBED_MANAGERS;
  return cut(more > 0 ? `${shown} and ${more} more` : shown);
}

function describeField(field: DriftedField): string {
  const path = cut(field.path);
  switch (field.change) {
    case 'changed':
      return `${path} changed by ${managers(field.managers)}`;
    case 'removed':
      return `${path} removed`;
    case 'unrecorded':
      return `${path} changed (no manager recorded, e.g. through /scale)`;
  }
}

export function describeDrift(report: DriftReport): string {
  const parts =
    report.kind === 'deleted' ? ['deleted'] : report.fields.slice(0, DESCRIBED_FIELDS).map(describeField);
  const more = report.kind === 'deleted' ? 0 : report.fields.length - DESCRIBED_FIELDS;
  if (more > 0) parts.push(`and ${more} more field${more === 1 ? '' : 's'}`);
  const optOut = report.action === 'ignored' ? ` (not healed: ${DRIFT_ANNOTATION}: ${DRIFT_OPT_OUT})` : '';
  return `${formatRef(report.ref)}: ${parts.join('; ')}${optOut}`;
}
