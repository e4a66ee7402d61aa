/**
 * Typed reply comparison for twin tests: a structural diff that reports the first differing path,
 * a readable typed rendering, and the per-step comparators sequences use for the legitimately
 * loose cases (order, timing, ids).
 *
 * @module
 */

import type { Reply } from "../resp/reply.ts";
import { quote } from "../../testkit/compare.ts";

// One quoting for both reports: twin-test failures and the test-kit's.
export { quote };

/** Where and how two replies differ. */
export interface Mismatch {
  /** `$` is the reply itself; `$[2]` its third element; `$[1].key` / `.value` inside a map. */
  readonly path: string;
  readonly message: string;
}

/**
 * Decides whether evalkit's reply (`ours`) is acceptable given the real server's (`theirs`).
 * Build one with the functions below; a comparator is the optional last element of a step.
 */
export interface Comparator {
  readonly kind: "comparator";
  /** Shown in failure messages, e.g. `unordered()`. */
  readonly label: string;
  /** Returns undefined when acceptable. */
  compare(ours: Reply, theirs: Reply): Mismatch | undefined;
  /**
   * Set by {@link valkey}: the step is a known difference between Valkey 8 and Redis 7.0; evalkit
   * must give exactly this reply and the real server must give something else.
   */
  readonly valkeyExpected?: Reply;
}

/** Options of the structural diff. */
export interface DiffOptions {
  /** Numbers (integer, double, bulk holding a number) may differ by this much. */
  readonly delta?: number;
  /** What the second reply is called in messages (default `redis`). */
  readonly theirs?: string;
}

/**
 * The first difference between two typed replies, or undefined when they are equal: same type,
 * same null kind, same integer value (number or bigint alike), same bytes, same elements in order.
 *
 * @param a evalkit's reply.
 * @param b the real server's reply.
 * @param options Tolerances.
 * @param path Path of `a` inside the whole reply.
 * @returns The first mismatch, depth first.
 */
export function firstDifference(
  a: Reply,
  b: Reply,
  options: DiffOptions = {},
  path = "$",
): Mismatch | undefined {
  if (options.delta !== undefined) {
    const x = numeric(a);
    const y = numeric(b);
    if (x !== undefined && y !== undefined && a.type === b.type) {
      return Math.abs(x - y) <= options.delta
        ? undefined
        : { path, message: `${x} and ${y} differ by more than ${options.delta}` };
    }
  }
  if (a.type !== b.type) {
    return {
      path,
      message: `type ${typeName(a)} (evalkit) vs ${typeName(b)} (${options.theirs ?? "redis"})`,
    };
  }
  switch (a.type) {
    case "null": {
      const bn = b as typeof a;
      return (a.array === true) === (bn.array === true) ? undefined : {
        path,
        message: `${typeName(a)} (evalkit) vs ${typeName(b)} (${options.theirs ?? "redis"})`,
      };
    }
    case "integer": {
      const bv = (b as typeof a).value;
      return BigInt(a.value) === BigInt(bv)
        ? undefined
        : { path, message: `:${a.value} (evalkit) vs :${bv} (${options.theirs ?? "redis"})` };
    }
    case "double": {
      const bv = (b as typeof a).value;
      return Object.is(a.value, bv) ? undefined : { path, message: `,${a.value} vs ,${bv}` };
    }
    case "boolean": {
      const bv = (b as typeof a).value;
      return a.value === bv ? undefined : { path, message: `#${a.value} vs #${bv}` };
    }
    case "verbatim": {
      const bb = b as typeof a;
      if (a.format !== bb.format) {
        return { path, message: `verbatim format ${a.format} vs ${bb.format}` };
      }
      return textDifference(a.value, bb.value, path);
    }
    case "status":
    case "error":
    case "bulk":
    case "bignum":
      return textDifference(a.value, (b as typeof a).value, path);
    case "array":
    case "set":
    case "push":
      return listDifference(a.value, (b as typeof a).value, options, path);
    case "map":
      return mapDifference(a.value, (b as typeof a).value, options, path);
    case "attribute": {
      const bb = b as typeof a;
      return mapDifference(a.attributes, bb.attributes, options, `${path}<attributes>`) ??
        firstDifference(a.value, bb.value, options, path);
    }
  }
}

function listDifference(
  a: readonly Reply[],
  b: readonly Reply[],
  options: DiffOptions,
  path: string,
): Mismatch | undefined {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = firstDifference(a[i], b[i], options, `${path}[${i}]`);
    if (d !== undefined) return d;
  }
  if (a.length !== b.length) {
    return {
      path,
      message: `${a.length} elements (evalkit) vs ${b.length} (${options.theirs ?? "redis"})`,
    };
  }
  return undefined;
}

function mapDifference(
  a: readonly (readonly [Reply, Reply])[],
  b: readonly (readonly [Reply, Reply])[],
  options: DiffOptions,
  path: string,
): Mismatch | undefined {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = firstDifference(a[i][0], b[i][0], options, `${path}[${i}].key`) ??
      firstDifference(a[i][1], b[i][1], options, `${path}[${i}].value`);
    if (d !== undefined) return d;
  }
  if (a.length !== b.length) {
    return {
      path,
      message: `${a.length} entries (evalkit) vs ${b.length} (${options.theirs ?? "redis"})`,
    };
  }
  return undefined;
}

function textDifference(a: string, b: string, path: string): Mismatch | undefined {
  if (a === b) return undefined;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return {
    path,
    message: `text differs at byte ${i}: ${quote(a.slice(i, i + 40))} vs ${
      quote(b.slice(i, i + 40))
    }`,
  };
}

function numeric(r: Reply): number | undefined {
  switch (r.type) {
    case "integer":
    case "double":
      return Number(r.value);
    case "bulk":
    case "status": {
      const v = r.value.trim() === "" ? NaN : Number(r.value);
      return Number.isFinite(v) ? v : undefined;
    }
    default:
      return undefined;
  }
}

/** A short name for a reply's type, with the null kind. */
export function typeName(r: Reply): string {
  if (r.type === "null") return r.array === true ? "null array (*-1)" : "null ($-1 / _)";
  return r.type;
}

/**
 * Renders a reply as indented, typed lines in RESP notation (`+OK`, `:1`, `$"v"`, `*2`, `%1`, …),
 * so that a failure shows what was sent and not just its text.
 *
 * @param r The reply.
 * @param indent Leading spaces.
 * @returns The rendering (several lines for aggregates).
 */
export function formatReply(r: Reply, indent = ""): string {
  const lines: string[] = [];
  render(r, indent, "", lines);
  return lines.join("\n");
}

const MAX_RENDERED = 64;

function render(r: Reply, indent: string, label: string, out: string[]): void {
  const p = indent + label;
  switch (r.type) {
    case "status":
      out.push(`${p}+${quote(r.value).slice(1, -1)}`);
      return;
    case "error":
      out.push(`${p}-${quote(r.value).slice(1, -1)}`);
      return;
    case "integer":
      out.push(`${p}:${r.value}`);
      return;
    case "bulk":
      out.push(`${p}$${quote(r.value)}`);
      return;
    case "null":
      out.push(`${p}${r.array === true ? "*-1 (null array)" : "(null)"}`);
      return;
    case "double":
      out.push(`${p},${r.value}`);
      return;
    case "boolean":
      out.push(`${p}#${r.value ? "t" : "f"}`);
      return;
    case "bignum":
      out.push(`${p}(${r.value}`);
      return;
    case "verbatim":
      out.push(`${p}=${r.format}:${quote(r.value)}`);
      return;
    case "array":
    case "set":
    case "push": {
      const sigil = r.type === "array" ? "*" : r.type === "set" ? "~" : ">";
      out.push(`${p}${sigil}${r.value.length}`);
      const shown = r.value.slice(0, MAX_RENDERED);
      shown.forEach((e, i) => render(e, indent + "  ", `[${i}] `, out));
      if (r.value.length > shown.length) {
        out.push(`${indent}  … ${r.value.length - shown.length} more`);
      }
      return;
    }
    case "map": {
      out.push(`${p}%${r.value.length}`);
      r.value.slice(0, MAX_RENDERED).forEach(([k, v], i) => {
        render(k, indent + "  ", `[${i}] key: `, out);
        render(v, indent + "  ", `[${i}] value: `, out);
      });
      if (r.value.length > MAX_RENDERED) {
        out.push(`${indent}  … ${r.value.length - MAX_RENDERED} more`);
      }
      return;
    }
    case "attribute":
      out.push(`${p}|${r.attributes.length} (attributes)`);
      r.attributes.forEach(([k, v], i) => {
        render(k, indent + "  ", `[${i}] key: `, out);
        render(v, indent + "  ", `[${i}] value: `, out);
      });
      render(r.value, indent, "", out);
      return;
  }
}

function comparator(label: string, compare: Comparator["compare"]): Comparator {
  return { kind: "comparator", label, compare };
}

/** True when `x` is a comparator (the optional last element of a step). */
export function isComparator(x: unknown): x is Comparator {
  return typeof x === "object" && x !== null && (x as Comparator).kind === "comparator";
}

/** The default: same types, same values, same order. */
export function exact(): Comparator {
  return comparator("exact", (a, b) => firstDifference(a, b));
}

/**
 * Same elements in any order (SMEMBERS, HGETALL, KEYS…): the top-level array, set or map is
 * compared as a multiset; its elements exactly.
 */
export function unordered(): Comparator {
  return comparator("unordered()", (a, b) => {
    if (a.type !== b.type) {
      return { path: "$", message: `type ${typeName(a)} (evalkit) vs ${typeName(b)} (redis)` };
    }
    if (a.type === "map" && b.type === "map") {
      return multisetDifference(
        a.value,
        b.value,
        (x, y) => firstDifference(x[0], y[0]) ?? firstDifference(x[1], y[1]),
      );
    }
    if (
      (a.type === "array" || a.type === "set" || a.type === "push") &&
      (b.type === "array" || b.type === "set" || b.type === "push")
    ) {
      return multisetDifference(a.value, b.value, (x, y) => firstDifference(x, y));
    }
    return firstDifference(a, b);
  });
}

function multisetDifference<T>(
  a: readonly T[],
  b: readonly T[],
  diff: (x: T, y: T) => Mismatch | undefined,
): Mismatch | undefined {
  if (a.length !== b.length) {
    return { path: "$", message: `${a.length} elements (evalkit) vs ${b.length} (redis)` };
  }
  const used = new Array<boolean>(b.length).fill(false);
  for (let i = 0; i < a.length; i++) {
    const j = b.findIndex((y, k) => !used[k] && diff(a[i], y) === undefined);
    if (j < 0) return { path: `$[${i}]`, message: "no equal element in redis's reply" };
    used[j] = true;
  }
  return undefined;
}

/**
 * Numbers within `delta` (TTL, PTTL, timings), anywhere in the reply: integers, doubles and bulk
 * strings that hold a number. Types must still match.
 *
 * @param delta Largest accepted absolute difference.
 */
export function approx(delta: number): Comparator {
  return comparator(`approx(${delta})`, (a, b) => firstDifference(a, b, { delta }));
}

/** Accepts any reply (the step runs on both sides but is not compared). */
export function any(): Comparator {
  return comparator("any()", () => undefined);
}

/** Same type (and null kind) at the top level; values may differ (ids, INFO texts). */
export function sameType(): Comparator {
  return comparator(
    "sameType()",
    (a, b) =>
      a.type === b.type && (a.type !== "null" || typeName(a) === typeName(b)) ? undefined : {
        path: "$",
        message: `type ${typeName(a)} (evalkit) vs ${typeName(b)} (redis)`,
      },
  );
}

/**
 * Same scalar type, and both texts match `re` (status, error, bulk, verbatim, bignum; an integer
 * or double as its decimal text). Both must match so that the pattern itself is checked.
 *
 * @param re The pattern.
 */
export function regexp(re: RegExp): Comparator {
  return comparator(`regexp(${re})`, (a, b) => {
    if (a.type !== b.type) {
      return { path: "$", message: `type ${typeName(a)} (evalkit) vs ${typeName(b)} (redis)` };
    }
    const ta = scalarText(a);
    const tb = scalarText(b);
    if (ta === undefined) return { path: "$", message: `regexp() needs a scalar, got ${a.type}` };
    if (!re.test(ta)) return { path: "$", message: `evalkit's ${quote(ta)} does not match ${re}` };
    if (tb === undefined || !re.test(tb)) {
      return { path: "$", message: `redis's ${quote(tb ?? b.type)} does not match ${re}` };
    }
    return undefined;
  });
}

function scalarText(r: Reply): string | undefined {
  switch (r.type) {
    case "status":
    case "error":
    case "bulk":
    case "verbatim":
    case "bignum":
      return r.value;
    case "integer":
    case "double":
      return String(r.value);
    default:
      return undefined;
  }
}

/**
 * Both replies are errors; when `prefix` is given both texts must start with it (e.g. the code,
 * `"WRONGTYPE"`). For messages that legitimately differ; prefer exact error texts.
 *
 * @param prefix Required start of both texts.
 */
export function anyError(prefix = ""): Comparator {
  return comparator(`anyError(${JSON.stringify(prefix)})`, (a, b) => {
    if (a.type !== "error" || b.type !== "error") {
      return { path: "$", message: `type ${typeName(a)} (evalkit) vs ${typeName(b)} (redis)` };
    }
    if (!a.value.startsWith(prefix)) {
      return { path: "$", message: `evalkit's error does not start with ${quote(prefix)}` };
    }
    if (!b.value.startsWith(prefix)) {
      return { path: "$", message: `redis's error does not start with ${quote(prefix)}` };
    }
    return undefined;
  });
}

/**
 * A known difference between Valkey 8 (what evalkit reproduces) and Redis 7.0 (the twin): evalkit
 * must reply exactly `expected` (from the spec), and redis must reply something else (else the
 * difference is stale and the test says so). Only allowed in a sequence with a `valkeyDiff`
 * reason.
 *
 * @param expected Valkey's reply, in the shape the wire gives (RESP2 downgrades applied).
 */
export function valkey(expected: Reply): Comparator {
  return {
    kind: "comparator",
    label: "valkey(expected)",
    valkeyExpected: expected,
    compare: (a) => firstDifference(a, expected, { theirs: "expected" }),
  };
}

/**
 * A comparator of your own.
 *
 * @param label Shown in failure messages.
 * @param check Returns undefined when acceptable, else why not.
 */
export function custom(
  label: string,
  check: (ours: Reply, theirs: Reply) => string | undefined,
): Comparator {
  return comparator(label, (a, b) => {
    const why = check(a, b);
    return why === undefined ? undefined : { path: "$", message: why };
  });
}
