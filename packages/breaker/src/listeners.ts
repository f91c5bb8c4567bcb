/**
 * Adds `listener` to `list` and returns the function that removes it again (the subscription
 * shape every policy's `on()` shares).
 */
export function subscribe<F>(list: F[], listener: F): () => void {
  list.push(listener);
  return () => {
    const i = list.indexOf(listener);
    if (i >= 0) list.splice(i, 1);
  };
}
