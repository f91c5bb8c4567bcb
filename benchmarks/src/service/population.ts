/** Who is in which guild: guild sizes follow a Zipf law (a few big guilds, many small ones). */
export interface Population {
  users: number;
  /** Member user indices of each guild; every user is in exactly one guild. */
  guilds: number[][];
}

/**
 * Spreads `users` over `guildCount` guilds with Zipf(1) sizes (at least 3 members each), so
 * the mean size is users / guildCount. Messages go to a uniformly chosen guild, so the mean
 * fan-out per message equals the mean guild size.
 */
export function population(users: number, guildCount: number, random: () => number): Population {
  const weights = Array.from({ length: guildCount }, (_, i) => 1 / (i + 1));
  const total = weights.reduce((a, b) => a + b, 0);
  const sizes = weights.map((w) => Math.max(3, Math.floor((users * w) / total)));
  let sum = sizes.reduce((a, b) => a + b, 0);
  // Trim the largest or pad the smallest until the sizes add up exactly.
  while (sum > users) {
    const i = sizes.indexOf(Math.max(...sizes));
    sizes[i]!--;
    sum--;
  }
  for (let i = guildCount - 1; sum < users; i = (i - 1 + guildCount) % guildCount) {
    sizes[i]!++;
    sum++;
  }
  const order = Array.from({ length: users }, (_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const guilds: number[][] = [];
  let at = 0;
  for (const size of sizes) {
    guilds.push(order.slice(at, at + size));
    at += size;
  }
  return { users, guilds };
}
