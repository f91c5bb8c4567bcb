/* The jump loop of Lamping & Veach's paper, compiled: the speed a JavaScript JumpHash is compared
 * with in packages/shard/README.md. Not part of `pnpm bench` (it needs a C compiler):
 *   gcc -O2 -o /tmp/jump-reference benchmarks/src/shard/jump-reference.c && /tmp/jump-reference
 * Keys as in the bench: i * 7919 + 1, fed raw (as Guava and go-jump take integers) or through
 * MurmurHash3's fmix64 first (as JumpHash's default integerKeys: 'mix' does). Best of 5 runs of
 * 2^22 lookups each, million lookups per second. */
#include <stdint.h>
#include <stdio.h>
#include <time.h>

static inline int32_t jump(uint64_t key, int32_t buckets) {
  int64_t b = -1, j = 0;
  while (j < buckets) {
    b = j;
    key = key * 2862933555777941757ULL + 1;
    j = (b + 1) * ((double)(1LL << 31) / (double)((key >> 33) + 1));
  }
  return (int32_t)b;
}

static inline uint64_t fmix64(uint64_t k) {
  k ^= k >> 33;
  k *= 0xff51afd7ed558ccdULL;
  k ^= k >> 33;
  k *= 0xc4ceb9fe1a85ec53ULL;
  k ^= k >> 33;
  return k;
}

int main(void) {
  const int nodes[3] = {10, 100, 1000};
  const int n = 1 << 22;
  for (int t = 0; t < 3; t++) {
    for (int mix = 0; mix < 2; mix++) {
      double best = 0;
      uint64_t sink = 0;
      for (int rep = 0; rep < 5; rep++) {
        struct timespec a, b;
        clock_gettime(CLOCK_MONOTONIC, &a);
        for (int i = 0; i < n; i++) {
          uint64_t key = (uint64_t)i * 7919 + 1;
          sink += jump(mix ? fmix64(key) : key, nodes[t]);
        }
        clock_gettime(CLOCK_MONOTONIC, &b);
        double s = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
        if (n / s / 1e6 > best) best = n / s / 1e6;
      }
      printf("%4d nodes, %-12s %6.1f M lookups/s  (checksum %llu)\n", nodes[t], mix ? "fmix64+jump" : "raw jump", best, (unsigned long long)sink);
    }
  }
  return 0;
}
