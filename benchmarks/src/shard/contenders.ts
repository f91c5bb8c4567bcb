import { createRequire } from 'node:module';
import { BoundedLoad, HashRing, JumpHash, Maglev, Rendezvous } from '@chorus/shard';

const require = createRequire(import.meta.url);

interface HashRingPeer {
  get(key: string | number): string;
  add(server: string): HashRingPeer;
  remove(server: string): HashRingPeer;
}
interface ConsistentHashPeer {
  add(node: string): ConsistentHashPeer;
  remove(node: string): ConsistentHashPeer;
  get(name: string | number): string;
}
const HashRingCtor = require('hashring') as new (servers: string[]) => HashRingPeer;
const ConsistentHashCtor = require('consistent-hash') as new () => ConsistentHashPeer;

/** A placement under test: lookups plus membership changes (in place for the mutable peers). */
export interface Built {
  lookup(key: string | number): string;
  /** A placement with one more node; peers that mutate return themselves after mutating. */
  added(node: string): Built;
  /** A placement with one node fewer. */
  removed(node: string): Built;
}

/** How to build one implementation from a node list. */
export interface Impl {
  name: string;
  /** Whether the algorithm promises to move only ~1/n of keys per node change. */
  minimal: boolean;
  build(nodes: string[]): Built;
}

// One wrapper per class, each written out: V8 keeps type feedback per function literal, so a
// shared (or factory-made) wrapper would make its `p.lookup` call megamorphic and time V8's
// dispatch instead of the lookup. A caller's own code sees one class per call site, as here;
// the peers' wrappers below are per package for the same reason.
const ringOf = (p: HashRing): Built => ({ lookup: (k) => p.lookup(k), added: (n) => ringOf(p.withNode(n)), removed: (n) => ringOf(p.withoutNode(n)) });
const jumpOf = (p: JumpHash): Built => ({ lookup: (k) => p.lookup(k), added: (n) => jumpOf(p.withNode(n)), removed: (n) => jumpOf(p.withoutNode(n)) });
const rendezvousOf = (p: Rendezvous): Built => ({ lookup: (k) => p.lookup(k), added: (n) => rendezvousOf(p.withNode(n)), removed: (n) => rendezvousOf(p.withoutNode(n)) });
const maglevOf = (p: Maglev): Built => ({ lookup: (k) => p.lookup(k), added: (n) => maglevOf(p.withNode(n)), removed: (n) => maglevOf(p.withoutNode(n)) });
const boundedOf = (p: BoundedLoad): Built => ({ lookup: (k) => p.lookup(k), added: (n) => boundedOf(p.withNode(n)), removed: (n) => boundedOf(p.withoutNode(n)) });

// The peers mutate in place; lookups are recorded before a change, so that is safe.
function hashringPeer(r: HashRingPeer): Built {
  return { lookup: (k) => r.get(k), added: (n) => hashringPeer(r.add(n)), removed: (n) => hashringPeer(r.remove(n)) };
}
function consistentPeer(c: ConsistentHashPeer): Built {
  return { lookup: (k) => c.get(k), added: (n) => consistentPeer(c.add(n)), removed: (n) => consistentPeer(c.remove(n)) };
}

export const CHORUS_RING = '@chorus/shard HashRing (default vnodes)';
export const CHORUS_RING_4K = '@chorus/shard HashRing (4096 vnodes)';
export const CHORUS_JUMP = '@chorus/shard JumpHash';
export const CHORUS_RENDEZVOUS = '@chorus/shard Rendezvous';
export const CHORUS_MAGLEV = '@chorus/shard Maglev (default table: M >= 100 n)';
export const CHORUS_BOUNDED = '@chorus/shard BoundedLoad (lookup)';
export const CHORUS_KETAMA = "@chorus/shard HashRing compat 'hashring'";
export const PEER_HASHRING = 'hashring';
export const PEER_CONSISTENT = 'consistent-hash';

export const IMPLS: Impl[] = [
  { name: CHORUS_RING, minimal: true, build: (n) => ringOf(new HashRing(n)) },
  { name: CHORUS_RING_4K, minimal: true, build: (n) => ringOf(new HashRing(n, { vnodes: 4096 })) },
  { name: CHORUS_JUMP, minimal: true, build: (n) => jumpOf(new JumpHash(n)) },
  { name: CHORUS_RENDEZVOUS, minimal: true, build: (n) => rendezvousOf(new Rendezvous(n)) },
  // Maglev aims at minimal disruption but does not promise 1/n; reported, not held to 1.1x.
  { name: CHORUS_MAGLEV, minimal: false, build: (n) => maglevOf(new Maglev(n)) },
  { name: CHORUS_BOUNDED, minimal: true, build: (n) => boundedOf(new BoundedLoad(n)) },
  { name: CHORUS_KETAMA, minimal: false, build: (n) => ringOf(new HashRing(n, { compat: 'hashring' })) },
  { name: PEER_HASHRING, minimal: false, build: (n) => hashringPeer(new HashRingCtor(n)) },
  {
    name: PEER_CONSISTENT,
    minimal: false,
    build: (n) => {
      const c = new ConsistentHashCtor();
      for (const node of n) c.add(node);
      return consistentPeer(c);
    },
  },
];


