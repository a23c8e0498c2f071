// How Kubernetes resolves a plain (unquoted, untagged) YAML scalar. Its decoder (sigs.k8s.io/yaml on
// go-yaml v2) follows YAML 1.1 with Go's number syntax, and this is a faithful copy of those rules:
// - null: `~`, `null`, `Null`, `NULL`, and the empty scalar;
// - booleans: y, yes, on, true, n, no, off, false, in lower, Capitalised and UPPER case;
// - integers: underscores dropped, then Go's ParseInt with base prefixes (0x, 0o, 0b, and a leading 0
//   for octal), so `0400` is 256 and `0o10` is 8;
// - floats: `1.5`, `.5`, `1.`, `1e3` (no bare `e5` or `.`), and `.inf` / `.nan` spelled as YAML 1.1 does;
// - everything else (dates, `12:30`, `0800`…) stays the string it was written as.

export type PlainScalar =
  | { readonly kind: 'null' }
  | { readonly kind: 'bool'; readonly value: boolean }
  | { readonly kind: 'int'; readonly value: number; readonly exact: boolean }
  | { readonly kind: 'float'; readonly value: number }
  | { readonly kind: 'string'; readonly value: string };

const NULLS = new Set(['', '~', 'null', 'Null', 'NULL']);
const TRUE = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']);
const FALSE = new Set(['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']);
const SPECIAL_FLOATS: Readonly<Record<string, number>> = {
  '.inf': Infinity,
  '.Inf': Infinity,
  '.INF': Infinity,
  '+.inf': Infinity,
  '+.Inf': Infinity,
  '+.INF': Infinity,
  '-.inf': -Infinity,
  '-.Inf': -Infinity,
  '-.INF': -Infinity,
  '.nan': NaN,
  '.NaN': NaN,
  '.NAN': NaN,
};
/** Go's strconv.ParseInt(s, 0, 64) syntax (after underscores are dropped). */
const GO_INT = /^([-+]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/;
/** go-yaml v2's yamlStyleFloat. */
const YAML_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;

function parseGoInt(sign: string, digits: string): { value: number; exact: boolean } {
  let big: bigint;
  const prefix = digits.slice(0, 2).toLowerCase();
  if (prefix === '0x' || prefix === '0o' || prefix === '0b')
    big = BigInt(`0${prefix[1] ?? ''}${digits.slice(2)}`);
  else if (digits.length > 1 && digits.startsWith('0')) big = BigInt(`0o${digits.slice(1)}`);
  else big = BigInt(digits);
  if (sign === '-') big = -big;
  const value = Number(big);
  return { value, exact: BigInt(value) === big };
}

export function resolvePlainScalar(text: string): PlainScalar {
  if (NULLS.has(text)) return { kind: 'null' };
  if (TRUE.has(text)) return { kind: 'bool', value: true };
  if (FALSE.has(text)) return { kind: 'bool', value: false };
  const special = SPECIAL_FLOATS[text];
  if (special !== undefined) return { kind: 'float', value: special };
  if (!/^[-+.0-9]/.test(text)) return { kind: 'string', value: text };
  const plain = text.replace(/_/g, '');
  const int = GO_INT.exec(plain);
  if (int !== null) {
    const { value, exact } = parseGoInt(int[1] ?? '', int[2] ?? '');
    // Beyond uint64 Go falls through to the float rules below; within it, report inexact values.
    if (Math.abs(value) < 2 ** 64) return { kind: 'int', value, exact };
  }
  if (YAML_FLOAT.test(plain)) return { kind: 'float', value: Number(plain) };
  return { kind: 'string', value: text };
}

/**
 * A float map key as Kubernetes writes it: sigs.k8s.io/yaml uses Go's FormatFloat(f, 'g', -1, 32)
 * (shortest float32 digits; exponent form below 1e-4 and from 1e6), and `.inf` / `-.inf` / `.nan`.
 */
export function formatFloatKey(value: number): string {
  if (Number.isNaN(value)) return '.nan';
  if (!Number.isFinite(value)) return value > 0 ? '.inf' : '-.inf';
  const single = Math.fround(value);
  if (single === 0) return Object.is(single, -0) ? '-0' : '0';
  let digits = single.toExponential(8);
  for (let precision = 0; precision <= 8; precision++) {
    const candidate = single.toExponential(precision);
    if (Math.fround(Number(candidate)) === single) {
      digits = candidate;
      break;
    }
  }
  const [mantissa = '', exponentText = '0'] = digits.split('e');
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 6) {
    return `${mantissa}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  return String(Number(digits));
}
