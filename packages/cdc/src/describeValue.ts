/**
 * A short, safe description of an untrusted value for an error message. Never calls String()
 * or a template literal on objects: a hostile `toString` (or a Symbol) would throw a TypeError
 * in place of the CdcError the caller means to throw.
 *
 * @param value - anything
 * @returns e.g. `"abc"`, `42`, `NaN`, `an object`, `a symbol`
 */
export function describeValue(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
    case 'number':
    case 'bigint':
    case 'boolean':
    case 'undefined':
      return String(value);
    case 'symbol':
      return 'a symbol';
    case 'function':
      return 'a function';
    default:
      return value === null ? 'null' : 'an object';
  }
}
