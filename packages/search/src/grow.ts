// Typed arrays grow by doubling; these helpers copy into a larger array only when needed.

/** A Uint32Array of at least `need` elements holding the first elements of `a`. */
export function growU32(a: Uint32Array, need: number): Uint32Array {
  if (need <= a.length) return a;
  const b = new Uint32Array(Math.max(need, a.length * 2, 16));
  b.set(a);
  return b;
}

/** An Int32Array of at least `need` elements holding the elements of `a`. */
export function growI32(a: Int32Array, need: number): Int32Array {
  if (need <= a.length) return a;
  const b = new Int32Array(Math.max(need, a.length * 2, 16));
  b.set(a);
  return b;
}

/** A Uint8Array of at least `need` bytes holding the bytes of `a`. */
export function growU8(a: Uint8Array, need: number): Uint8Array {
  if (need <= a.length) return a;
  const b = new Uint8Array(Math.max(need, a.length * 2, 8));
  b.set(a);
  return b;
}

/** A Float64Array of at least `need` elements holding the elements of `a`; new slots are NaN. */
export function growF64(a: Float64Array, need: number): Float64Array {
  if (need <= a.length) return a;
  const b = new Float64Array(Math.max(need, a.length * 2, 16));
  b.fill(Number.NaN, a.length);
  b.set(a);
  return b;
}
