// Label selectors as the API takes them: `env=prod,team=a` (equality only; every pair must match).
import { LABELS_MAX, labelKeyProblem, labelValueProblem } from './fields.ts';

export type SelectorParse =
  | { readonly ok: true; readonly selector: Readonly<Record<string, string>> }
  | { readonly ok: false; readonly problem: string };

export function parseSelector(text: string): SelectorParse {
  const selector = new Map<string, string>();
  const pairs = text.split(',');
  if (pairs.length > LABELS_MAX) return { ok: false, problem: `must have at most ${LABELS_MAX} pairs` };
  for (const pair of pairs) {
    const equals = pair.indexOf('=');
    if (equals === -1)
      return { ok: false, problem: `"${pair}" is not key=value (only equality is supported)` };
    const key = pair.slice(0, equals).trim();
    const value = pair.slice(equals + 1).trim();
    const problem = labelKeyProblem(key) ?? labelValueProblem(value);
    if (problem !== undefined) return { ok: false, problem: `"${pair}": ${problem}` };
    if ((selector.get(key) ?? value) !== value) {
      return { ok: false, problem: `"${key}" is given two different values` };
    }
    selector.set(key, value);
  }
  return { ok: true, selector: Object.fromEntries(selector) };
}
