/**
 * A least-recently-used cache on a Map, whose iteration order is
 * insertion order: a hit is moved to the end, the first key is the oldest.
 *
 * @module
 */

/** A bounded cache that counts its hits and misses. */
export class LruCache<V> {
  #entries = new Map<string, V>();
  #hits = 0;
  #misses = 0;
  readonly #capacity: number;

  /**
   * @param capacity how many entries to keep; 0 disables caching
   */
  constructor(capacity: number) {
    this.#capacity = Math.max(0, Math.floor(capacity));
  }

  /**
   * The cached value for a key, or the computed one (then cached).
   *
   * @param key the cache key
   * @param compute called on a miss
   */
  getOrCompute(key: string, compute: () => V): V {
    const cached = this.#entries.get(key);
    if (cached !== undefined) {
      this.#hits++;
      this.#entries.delete(key);
      this.#entries.set(key, cached);
      return cached;
    }

    this.#misses++;
    const value = compute();
    if (this.#capacity === 0) return value;
    this.#entries.set(key, value);
    if (this.#entries.size > this.#capacity) {
      this.#entries.delete(this.#entries.keys().next().value as string);
    }
    return value;
  }

  /** Drops every entry; the hit and miss counts are kept. */
  clear(): void {
    this.#entries.clear();
  }

  /** Entries held now. */
  get size(): number {
    return this.#entries.size;
  }

  /** Hits, misses and hits / (hits + misses), 0 before any lookup. */
  stats(): { hits: number; misses: number; hitRate: number } {
    const lookups = this.#hits + this.#misses;
    return {
      hits: this.#hits,
      misses: this.#misses,
      hitRate: lookups > 0 ? this.#hits / lookups : 0,
    };
  }
}
