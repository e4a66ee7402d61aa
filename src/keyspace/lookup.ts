/**
 * Key lookups as commands do them (Valkey's lookupKeyRead / lookupKeyWrite): lazy expiry at the
 * command's "now", LRU/LFU access tracking, keyspace_hits/keyspace_misses, WRONGTYPE checks, and
 * new entries initialised the way createObject does.
 *
 * Every command group should read keys through these so INFO stats, OBJECT IDLETIME/FREQ and
 * expiry behave alike for all types; the collection groups (lists, hashes, sets, sorted sets) also
 * share the typed read / write / changed / removal / STORE steps below.
 *
 * @module
 */

import type { Bytes } from "../bytes.ts";
import { ERR_WRONGTYPE, ReplyError } from "../errors.ts";
import type { CommandContext } from "../commands/spec.ts";
import type { HashValue } from "../types/hash.ts";
import type { ListValue } from "../types/list.ts";
import type { SetValue } from "../types/set.ts";
import type { ZSetValue } from "../types/zset.ts";
import type { Entry, ValueType } from "./keyspace.ts";

/** What a lookup needs from the command context. */
export type LookupContext = Pick<CommandContext, "server" | "db" | "now">;

/** Lookup flags (Valkey's LOOKUP_*). */
export const LOOKUP_NONE = 0;
/** Don't update the access time / LFU counter (EXISTS, TYPE, TTL, OBJECT). */
export const LOOKUP_NOTOUCH = 1;
/** Don't count a hit or a miss. */
export const LOOKUP_NOSTATS = 4;

/**
 * The command's "now" in whole milliseconds, as Valkey's mstime() (the clock may give fractions).
 *
 * @param ctx The command context.
 * @returns Milliseconds since the epoch.
 */
export function mstime(ctx: LookupContext): number {
  return Math.floor(ctx.now);
}

/** LFU_INIT_VAL: the counter of a new key. */
export const LFU_INIT_VAL = 5;

/**
 * True when maxmemory-policy is an LFU policy (OBJECT FREQ works, IDLETIME does not).
 *
 * @param ctx The command context.
 * @returns Whether access frequency is tracked.
 */
export function isLfuPolicy(ctx: LookupContext): boolean {
  return ctx.server.config.maxmemoryPolicy.endsWith("-lfu");
}

/**
 * Shared integer objects are used unless maxmemory is set with an LRU or LFU policy
 * (MAXMEMORY_FLAG_NO_SHARED_INTEGERS).
 *
 * @param ctx The command context.
 * @returns Whether 0..9999 may be stored as shared objects.
 */
export function sharedIntegersAllowed(ctx: LookupContext): boolean {
  const c = ctx.server.config;
  return c.maxmemory === 0 || !/-(lru|lfu)$/.test(c.maxmemoryPolicy);
}

/**
 * Looks a key up for reading: expires it if needed, touches it (unless LOOKUP_NOTOUCH) and
 * counts a keyspace hit or miss (unless LOOKUP_NOSTATS).
 *
 * @param ctx The command context.
 * @param key The key.
 * @param flags LOOKUP_* flags.
 * @returns The entry, or undefined.
 */
export function lookupKeyRead(
  ctx: LookupContext,
  key: Bytes,
  flags = LOOKUP_NONE,
): Entry | undefined {
  const e = ctx.db.get(key, ctx.now);
  const stats = ctx.server.stats;
  if (e !== undefined) {
    if ((flags & LOOKUP_NOTOUCH) === 0) touchEntry(ctx, e);
    if ((flags & LOOKUP_NOSTATS) === 0) stats.keyspaceHits++;
  } else if ((flags & LOOKUP_NOSTATS) === 0) {
    stats.keyspaceMisses++;
  }
  return e;
}

/**
 * Looks a key up for writing: expires it if needed and touches it; no hit/miss counting.
 *
 * @param ctx The command context.
 * @param key The key.
 * @returns The entry, or undefined.
 */
export function lookupKeyWrite(ctx: LookupContext, key: Bytes): Entry | undefined {
  const e = ctx.db.get(key, ctx.now);
  if (e !== undefined) touchEntry(ctx, e);
  return e;
}

/**
 * Throws WRONGTYPE when the entry exists with another type.
 *
 * @param e The entry (undefined passes).
 * @param type The expected type.
 */
export function checkType(e: Entry | undefined, type: ValueType): void {
  if (e !== undefined && e.type !== type) throw new ReplyError(ERR_WRONGTYPE);
}

/**
 * A new entry as createObject + initObjectLRUOrLFU make it.
 *
 * @param ctx The command context.
 * @param type The value type.
 * @param value The value.
 * @returns The entry (not stored yet).
 */
export function newEntry(ctx: LookupContext, type: ValueType, value: unknown): Entry {
  return { type, value, lru: ctx.now, lfu: LFU_INIT_VAL };
}

/** The data structure each collection type keeps in `Entry.value`. */
export interface CollectionValues {
  list: ListValue;
  hash: HashValue;
  set: SetValue;
  zset: ZSetValue;
}

/** A value type held as a data structure from src/types (every type but string). */
export type CollectionType = keyof CollectionValues;

/**
 * lookupKeyRead + checkType: the key's value, undefined when missing, WRONGTYPE otherwise.
 *
 * @param ctx The command context.
 * @param key The key.
 * @param type The expected type.
 * @returns The value, or undefined.
 */
export function readValue<T extends CollectionType>(
  ctx: LookupContext,
  key: Bytes,
  type: T,
): CollectionValues[T] | undefined {
  return typedValue(lookupKeyRead(ctx, key), type);
}

/**
 * lookupKeyWrite + checkType: the key's value, undefined when missing, WRONGTYPE otherwise.
 *
 * @param ctx The command context.
 * @param key The key.
 * @param type The expected type.
 * @returns The value, or undefined.
 */
export function writeValue<T extends CollectionType>(
  ctx: LookupContext,
  key: Bytes,
  type: T,
): CollectionValues[T] | undefined {
  return typedValue(lookupKeyWrite(ctx, key), type);
}

/** checkType, then the entry's value typed by `type`. */
function typedValue<T extends CollectionType>(
  e: Entry | undefined,
  type: T,
): CollectionValues[T] | undefined {
  if (e === undefined) return undefined;
  checkType(e, type);
  return e.value as CollectionValues[T];
}

/**
 * A stored value changed in place: re-charge the key's memory and signal the key (WATCH).
 *
 * @param ctx The command context.
 * @param key The key.
 */
export function valueChanged(ctx: LookupContext, key: Bytes): void {
  ctx.db.recharge(key);
  ctx.db.touch(key);
}

/**
 * A collection lost elements: the key is deleted once empty (Valkey keeps no empty collections),
 * else {@link valueChanged}.
 *
 * @param ctx The command context.
 * @param key The key.
 * @param remaining The collection's size after the removal.
 */
export function afterRemoval(ctx: LookupContext, key: Bytes, remaining: number): void {
  if (remaining === 0) ctx.db.delete(key);
  else valueChanged(ctx, key);
}

/**
 * setKey for a STORE destination: an expired destination is reclaimed first (lookupKeyWrite),
 * then the new value replaces whatever is there, and its TTL.
 *
 * @param ctx The command context.
 * @param key The destination key.
 * @param type The value's type.
 * @param value The new value.
 */
export function storeValue<T extends CollectionType>(
  ctx: LookupContext,
  key: Bytes,
  type: T,
  value: CollectionValues[T],
): void {
  lookupKeyWrite(ctx, key);
  ctx.db.set(key, newEntry(ctx, type, value));
}

/**
 * Records an access: the LRU clock, or in LFU mode the decayed-then-incremented counter.
 *
 * @param ctx The command context.
 * @param e The entry.
 */
export function touchEntry(ctx: LookupContext, e: Entry): void {
  if (isLfuPolicy(ctx)) {
    const c = lfuDecrAndReturn(ctx, e);
    e.lfu = lfuLogIncr(ctx, c);
  }
  e.lru = ctx.now;
}

/**
 * LFUDecrAndReturn: the counter decayed by one per elapsed lfu-decay-time minutes (OBJECT FREQ).
 *
 * @param ctx The command context.
 * @param e The entry.
 * @returns The decayed counter.
 */
export function lfuDecrAndReturn(ctx: LookupContext, e: Entry): number {
  return lfuDecay(e, ctx.now, ctx.server.config.lfuDecayTime);
}

/**
 * LFUDecrAndReturn without a command context (eviction scores keys with it): the counter minus
 * one per `decayMinutes` whole minutes since the entry's last decrement time (`lru`, in LFU mode),
 * not below 0. Valkey keeps that time in minutes; so does this difference.
 *
 * @param e The entry.
 * @param now Current time in ms.
 * @param decayMinutes lfu-decay-time (0: no decay).
 * @returns The decayed counter (the entry is not changed).
 */
export function lfuDecay(e: Entry, now: number, decayMinutes: number): number {
  const minutes = Math.floor(now / 60000) - Math.floor(e.lru / 60000);
  const periods = decayMinutes > 0 ? Math.floor(minutes / decayMinutes) : 0;
  return periods > 0 ? Math.max(0, e.lfu - periods) : e.lfu;
}

/** LFULogIncr: +1 with probability 1 / ((counter - LFU_INIT_VAL) * lfu-log-factor + 1). */
function lfuLogIncr(ctx: LookupContext, counter: number): number {
  if (counter >= 255) return 255;
  const factor = ctx.server.config.lfuLogFactor;
  const base = Math.max(0, counter - LFU_INIT_VAL);
  return ctx.server.random() < 1 / (base * factor + 1) ? counter + 1 : counter;
}
