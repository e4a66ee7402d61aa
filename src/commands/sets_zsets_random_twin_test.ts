// Randomized differential test of the set and sorted-set commands: seeded, bounded sequences of
// random commands (valid and invalid, on a few keys of both types and the occasional string)
// replayed on redis-server 7.0.15 and evalkit, comparing every reply and then the final state of
// every key (members, scores, OBJECT ENCODING of sorted sets and intsets).
//
// Kept out of the random steps, because they are random or differ between Redis 7.0 and Valkey 8
// by design (each has its own twin test): SPOP/SRANDMEMBER/ZRANDMEMBER picks smaller than the
// value (the states would diverge), scores whose %.17g and shortest forms differ (scores are
// integers, halves and quarters), the encodings of string sets (Redis 7.0 has no listpack sets),
// ZRANK WITHSCORE, NOSCORES/NOVALUES, and partial scans of hashtables.
//
// EVALKIT_RANDOM_SEED=<n> replays one seed.

import process from "node:process";
import type { Bytes } from "../bytes.ts";
import type { Reply } from "../resp/reply.ts";
import { type CommandStep, custom, twin, unordered } from "../testing/twin.ts";
import { mulberry32, randInt } from "../types/_test_rng.ts";
import { fullScan } from "./_collection_twin.ts";

const SETS = ["s1", "s2", "s3"];
const ZSETS = ["z1", "z2", "z3"];
/**
 * Lex queries are only specified on members of equal scores: on a skiplist with mixed scores
 * their result depends on the nodes' random heights. These keys only ever hold score 0.
 */
const LEX = ["lex1", "lex2"];
const KEYS = [...SETS, ...ZSETS, "str", "none"];
const MEMBERS = ["a", "b", "c", "d", "e", "f", "g", "", "\xff\x01", "1", "2", "-3", "10", "007"];
const SCORES = ["0", "1", "-1", "2.5", "-0.25", "3", "10", "0.5", "-inf", "+inf", "7.75"];

/** A random step. */
function randomStep(random: () => number): CommandStep {
  const pick = <T>(xs: readonly T[]): T => xs[randInt(random, xs.length)];
  const chance = (p: number) => random() < p;
  const int = (lo: number, hi: number) => String(lo + randInt(random, hi - lo + 1));
  const setKey = () => (chance(0.85) ? pick(SETS) : pick(KEYS));
  const zKey = () => (chance(0.85) ? pick(ZSETS) : pick(KEYS));
  const member = (): Bytes => {
    const r = random();
    if (r < 0.03) return "L" + "x".repeat(64 + randInt(random, 3));
    if (r < 0.35) return int(-20, 600);
    return pick(MEMBERS);
  };
  const members = (): Bytes[] => Array.from({ length: 1 + randInt(random, 4) }, member);
  const score = () => (chance(0.95) ? pick(SCORES) : pick(["x", "nan", "", " 1"]));
  const scoreBound = () => {
    const b = pick(["-inf", "+inf", "0", "1", "2.5", "3", "-1", "10"]);
    return chance(0.3) ? "(" + b : chance(0.03) ? "x" : b;
  };
  const lexBound = () => {
    const r = random();
    if (r < 0.15) return "-";
    if (r < 0.3) return "+";
    if (r < 0.33) return "x";
    return (chance(0.5) ? "[" : "(") + pick(["a", "b", "c", "d", "1", ""]);
  };
  const lexKey = () => (chance(0.9) ? pick(LEX) : pick(["none", "str", "s1"]));
  const index = () => (chance(0.93) ? int(-6, 6) : pick(["x", "9223372036854775807"]));
  const nkeys = (f: () => Bytes) => {
    const n = 1 + randInt(random, 3);
    return [String(n), ...Array.from({ length: n }, f)];
  };
  const r = randInt(random, 52);
  switch (r) {
    case 0:
    case 1:
    case 2:
      return ["SADD", setKey(), ...members()];
    case 3:
      return ["SADD", setKey(), ...Array.from({ length: 40 }, () => int(0, 300))];
    case 4:
      return ["SREM", setKey(), ...members()];
    case 5:
      return [pick(["SISMEMBER", "SCARD"]), setKey(), member()].slice(0, r % 2 === 0 ? 3 : 2);
    case 6:
      return ["SMISMEMBER", setKey(), ...members()];
    case 7:
      return ["SMEMBERS", setKey()];
    case 8:
      return ["SPOP", setKey(), pick(["1000", "0", "-1", "x"])];
    case 9:
      return ["SRANDMEMBER", setKey(), pick(["1000", "0", "x"])];
    case 10:
      return [
        pick(["SINTER", "SUNION", "SDIFF"]),
        setKey(),
        setKey(),
        ...(chance(0.5) ? [setKey()] : []),
      ];
    case 11:
      return [pick(["SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE"]), setKey(), setKey(), setKey()];
    case 12: {
      const argv = ["SINTERCARD", ...nkeys(setKey)];
      if (chance(0.5)) argv.push("LIMIT", pick(["0", "1", "2", "-1"]));
      return argv;
    }
    case 13:
      return ["SMOVE", setKey(), setKey(), member()];
    case 14: {
      const argv = ["SSCAN", setKey(), "0", "COUNT", "10000"];
      if (chance(0.5)) argv.push("MATCH", pick(["a*", "*", "1?", "[ab]*"]));
      return argv;
    }
    case 15:
    case 16:
    case 17:
    case 18: {
      const argv = ["ZADD", zKey()];
      if (chance(0.3)) argv.push(pick(["NX", "XX", "GT", "LT", "CH", "INCR"]));
      if (chance(0.15)) argv.push(pick(["NX", "XX", "GT", "LT", "CH"]));
      const n = 1 + randInt(random, 3);
      for (let i = 0; i < n; i++) argv.push(score(), member());
      return argv;
    }
    case 19:
      return [
        "ZADD",
        zKey(),
        ...Array.from({ length: 30 }, () => [pick(SCORES), int(0, 200)]).flat(),
      ];
    case 20:
      return ["ZINCRBY", zKey(), score(), member()];
    case 21:
      return ["ZREM", zKey(), ...members()];
    case 22:
      return ["ZSCORE", zKey(), member()];
    case 23:
      return ["ZMSCORE", zKey(), ...members()];
    case 24:
      return ["ZCARD", zKey()];
    case 25:
      return ["ZCOUNT", zKey(), scoreBound(), scoreBound()];
    case 26:
      return ["ZLEXCOUNT", lexKey(), lexBound(), lexBound()];
    case 27:
    case 28: {
      const argv = ["ZRANGE", zKey()];
      const kind = randInt(random, 3);
      if (kind === 0) argv.push(index(), index());
      else if (kind === 1) argv.push(scoreBound(), scoreBound(), "BYSCORE");
      else argv.splice(1, 1, lexKey(), lexBound(), lexBound(), "BYLEX");
      if (chance(0.4)) argv.push("REV");
      if (chance(0.4) && kind !== 2) argv.push("WITHSCORES");
      if (chance(0.3) && kind !== 0) argv.push("LIMIT", int(-1, 3), int(-1, 3));
      return argv;
    }
    case 29:
      return [
        pick(["ZRANGEBYSCORE", "ZREVRANGEBYSCORE"]),
        zKey(),
        scoreBound(),
        scoreBound(),
        ...(chance(0.5) ? ["WITHSCORES"] : []),
        ...(chance(0.3) ? ["LIMIT", int(0, 3), int(-1, 3)] : []),
      ];
    case 30:
      return [
        pick(["ZRANGEBYLEX", "ZREVRANGEBYLEX"]),
        lexKey(),
        lexBound(),
        lexBound(),
        ...(chance(0.3) ? ["LIMIT", int(0, 3), int(-1, 3)] : []),
      ];
    case 31:
      return ["ZREVRANGE", zKey(), index(), index(), ...(chance(0.5) ? ["WITHSCORES"] : [])];
    case 32:
      return [pick(["ZRANK", "ZREVRANK"]), zKey(), member()];
    case 33:
      return [
        pick(["ZPOPMIN", "ZPOPMAX"]),
        zKey(),
        ...(chance(0.5) ? [pick(["0", "1", "3", "-1"])] : []),
      ];
    case 34: {
      const argv = ["ZMPOP", ...nkeys(zKey), pick(["MIN", "MAX", "MID"])];
      if (chance(0.5)) argv.push("COUNT", pick(["1", "2", "10", "0"]));
      return argv;
    }
    case 35: {
      // Timeouts of 10 ms: evalkit (no waiting client here) replies at once what redis replies
      // after the wait.
      if (chance(0.5)) return [pick(["BZPOPMIN", "BZPOPMAX"]), zKey(), zKey(), "0.01"];
      return ["BZMPOP", "0.01", ...nkeys(zKey), pick(["MIN", "MAX"]), "COUNT", "2"];
    }
    case 36:
      return ["ZREMRANGEBYRANK", zKey(), index(), index()];
    case 37:
      return ["ZREMRANGEBYSCORE", zKey(), scoreBound(), scoreBound()];
    case 38:
      return ["ZREMRANGEBYLEX", lexKey(), lexBound(), lexBound()];
    case 39: {
      const argv = ["ZRANGESTORE", zKey(), zKey()];
      const kind = randInt(random, 3);
      if (kind === 0) argv.push(index(), index());
      else if (kind === 1) argv.push(scoreBound(), scoreBound(), "BYSCORE");
      else argv.splice(2, 1, pick(LEX), lexBound(), lexBound(), "BYLEX");
      if (chance(0.3)) argv.push("REV");
      return argv;
    }
    case 40:
    case 41: {
      const op = pick(["ZUNION", "ZINTER", "ZDIFF"]);
      const store = chance(0.4);
      const keys = nkeys(() => (chance(0.2) ? pick(SETS) : zKey()));
      const argv = store ? [op + "STORE", zKey(), ...keys] : [op, ...keys];
      const n = Number(keys[0]);
      if (op !== "ZDIFF" && chance(0.4)) {
        argv.push(
          "WEIGHTS",
          ...Array.from({ length: n }, () => pick(["1", "2", "0.5", "-1", "0"])),
        );
      }
      if (op !== "ZDIFF" && chance(0.4)) argv.push("AGGREGATE", pick(["SUM", "MIN", "MAX"]));
      if (!store && chance(0.5)) argv.push("WITHSCORES");
      return argv;
    }
    case 42: {
      const argv = ["ZINTERCARD", ...nkeys(zKey)];
      if (chance(0.5)) argv.push("LIMIT", pick(["0", "1", "3"]));
      return argv;
    }
    case 43:
      return ["ZRANDMEMBER", zKey(), "1000", ...(chance(0.5) ? ["WITHSCORES"] : [])];
    case 44: {
      const argv = ["ZSCAN", zKey(), "0", "COUNT", "10000"];
      if (chance(0.5)) argv.push("MATCH", pick(["a*", "*", "1?"]));
      return argv;
    }
    case 45:
      return ["DEL", pick(KEYS)];
    case 46:
      return ["SET", "str", "v"];
    case 47:
      return ["TYPE", pick(KEYS)];
    case 48:
      return [
        "SORT",
        pick(KEYS),
        ...(chance(0.5) ? ["ALPHA"] : []),
        ...(chance(0.3) ? ["DESC"] : []),
      ];
    case 49:
      return ["SORT", pick(SETS), "BY", "nosort", "STORE", "sorted"];
    case 50:
      return [
        "ZADD",
        pick(LEX),
        ...Array.from({ length: 1 + randInt(random, 20) }, () => ["0", member()]).flat(),
      ];
    default:
      return ["EXISTS", pick(KEYS)];
  }
}

/** Every key's final state. */
function finalState(): CommandStep[] {
  const out: CommandStep[] = [["DBSIZE"]];
  for (const k of [...KEYS, ...LEX, "sorted"]) {
    out.push(["TYPE", k], ["SMEMBERS", k], ["ZRANGE", k, "0", "-1", "WITHSCORES"]);
    if (ZSETS.includes(k) || LEX.includes(k)) out.push(["OBJECT", "ENCODING", k]);
  }
  return out;
}

/** OBJECT ENCODING of a set: only `intset` is comparable (Redis 7.0 has no listpack sets). */
const sameSetEncoding = custom("intset either on both sides or on neither", (ours, theirs) => {
  const intset = (r: Reply) => r.type === "bulk" && r.value === "intset";
  return intset(ours) === intset(theirs) ? undefined : "intset on one side only";
});

/** Set replies are in hash order in Redis 7.0 (every non-intset set is a hashtable there). */
function withComparator(s: CommandStep): CommandStep {
  switch (s[0]) {
    case "SMEMBERS":
    case "SINTER":
    case "SUNION":
    case "SDIFF":
    case "SPOP":
    case "SRANDMEMBER":
      return [...s, unordered()];
    case "SSCAN":
      return [...s, fullScan()];
    case "ZSCAN":
      return [...s, fullScan(2)];
    case "OBJECT":
      return SETS.includes(s[2] as string) ? [...s, sameSetEncoding] : s;
    default:
      return s;
  }
}

function sequence(seed: number, length: number): CommandStep[] {
  const random = mulberry32(seed);
  const steps: CommandStep[] = [];
  for (let i = 0; i < length; i++) steps.push(withComparator(randomStep(random)));
  for (const s of finalState()) steps.push(withComparator(s));
  for (const k of SETS) steps.push(withComparator(["OBJECT", "ENCODING", k]));
  return steps;
}

const fixed = process.env.EVALKIT_RANDOM_SEED;
const seeds = fixed !== undefined ? [Number(fixed)] : [1, 2, 3, 4];
for (const seed of seeds) {
  twin(`sets and sorted sets: 500 random commands, seed ${seed}`, sequence(seed, 500), {
    stepTimeoutMs: 5_000,
  });
}
