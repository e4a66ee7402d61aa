/**
 * Expected replies of the conformance fixtures: the JSON notation fixtures are written in, its
 * parsed form ({@link Pattern}), the matcher that compares a typed reply with it and reports the
 * path of the first difference, and typed renderings of both for failure reports.
 *
 * Notation (JSON):
 *
 * | JSON | matches |
 * |---|---|
 * | `"+OK"` `"-ERR …"` `":7"` `"$text"` | status, error, integer, bulk string (exact bytes) |
 * | `"_"` / `"*-1"` | null (`$-1` in RESP2, `_` in RESP3) / RESP2 null array |
 * | `",3.5"` `"#t"` `"#f"` `"(123"` `"=txt:text"` | RESP3 double, boolean, big number, verbatim |
 * | `[e1, e2]` | array, elements in order |
 * | `{"unordered": [e1, e2]}` | array, elements in any order |
 * | `{"set": […]}` `{"map": [[k, v], …]}` `{"push": […]}` | RESP3 set / map (any order), push |
 * | `{"type": "error", "regex": "^NOSCRIPT "}` | a scalar of that type whose text matches |
 * | `{"type": "integer", "min": 1, "max": 9}` | an integer in range |
 * | `{"type": "bulk"}` | any value of that type |
 * | `{"any": true}` | anything |
 * | `{"oneOf": [e1, e2]}` | any of the alternatives |
 * | `{"info": {"field": "value" or {"regex": "…"}}, "ordered": true}` | an INFO text (bulk or verbatim) with these fields (in this order) |
 *
 * Strings are byte strings: each code unit is one byte (`"\u0093"` is the byte 0x93).
 *
 * @module
 */

import type { Reply } from "../src/resp/reply.ts";

/** A reply type name, as the Reply union spells it. */
export type ReplyType = Reply["type"];

const REPLY_TYPES: readonly ReplyType[] = [
  "status",
  "error",
  "integer",
  "bulk",
  "null",
  "array",
  "map",
  "set",
  "double",
  "boolean",
  "bignum",
  "verbatim",
  "push",
  "attribute",
];

/** An expected reply as written in a fixture (JSON). See the module doc for the notation. */
export type Expected = string | readonly Expected[] | ExpectedObject;

/** The object forms of {@link Expected}. */
export interface ExpectedObject {
  readonly unordered?: readonly Expected[];
  readonly set?: readonly Expected[];
  readonly push?: readonly Expected[];
  readonly map?: readonly (readonly [Expected, Expected])[];
  readonly type?: ReplyType;
  readonly regex?: string;
  readonly min?: number;
  readonly max?: number;
  readonly any?: true;
  readonly oneOf?: readonly Expected[];
  readonly info?: Readonly<Record<string, string | { readonly regex: string }>>;
  readonly ordered?: boolean;
}

/** A parsed expected reply. */
export type Pattern =
  | { readonly kind: "exact"; readonly reply: Reply }
  | {
    readonly kind: "list";
    readonly type: "array" | "set" | "push";
    readonly ordered: boolean;
    readonly items: readonly Pattern[];
  }
  | { readonly kind: "map"; readonly entries: readonly (readonly [Pattern, Pattern])[] }
  | { readonly kind: "regex"; readonly type: ReplyType; readonly re: RegExp }
  | { readonly kind: "type"; readonly type: ReplyType }
  | { readonly kind: "range"; readonly min?: number; readonly max?: number }
  | { readonly kind: "any" }
  | { readonly kind: "oneOf"; readonly options: readonly Pattern[] }
  | {
    readonly kind: "info";
    readonly fields: readonly (readonly [string, string | RegExp])[];
    readonly ordered: boolean;
  };

/** Where and why a reply does not match. */
export interface Mismatch {
  /** `$` is the reply itself, `$[2]` its third element, `$[1].value` the value of a map entry. */
  readonly path: string;
  readonly message: string;
}

/**
 * How much of the reply type the target's protocol preserves: `resp` keeps every RESP type;
 * `json` (the Upstash REST dialect) cannot tell a status from a bulk string or one null from the
 * other, and turns errors inside arrays into strings.
 */
export type Fidelity = "resp" | "json";

/**
 * Parses the fixture notation.
 *
 * @param e The expected reply as written in a fixture.
 * @returns The pattern.
 * @throws {SyntaxError} When the notation is invalid (the message says where).
 */
export function parseExpected(e: Expected): Pattern {
  if (typeof e === "string") return { kind: "exact", reply: parseScalar(e) };
  if (Array.isArray(e)) {
    return { kind: "list", type: "array", ordered: true, items: e.map(parseExpected) };
  }
  const o = e as ExpectedObject;
  if (typeof o !== "object" || o === null) throw new SyntaxError(`bad expected reply ${show(e)}`);
  const keys = Object.keys(o);
  const only = (...allowed: string[]) => {
    for (const k of keys) {
      if (!allowed.includes(k)) throw new SyntaxError(`unexpected key "${k}" in ${show(e)}`);
    }
  };
  if (o.unordered !== undefined) {
    only("unordered");
    return { kind: "list", type: "array", ordered: false, items: o.unordered.map(parseExpected) };
  }
  if (o.set !== undefined) {
    only("set");
    return { kind: "list", type: "set", ordered: false, items: o.set.map(parseExpected) };
  }
  if (o.push !== undefined) {
    only("push");
    return { kind: "list", type: "push", ordered: true, items: o.push.map(parseExpected) };
  }
  if (o.map !== undefined) {
    only("map");
    return {
      kind: "map",
      entries: o.map.map((kv) => {
        if (!Array.isArray(kv) || kv.length !== 2) {
          throw new SyntaxError(`map entries are [key, value] pairs in ${show(e)}`);
        }
        return [parseExpected(kv[0]), parseExpected(kv[1])] as const;
      }),
    };
  }
  if (o.any !== undefined) {
    only("any");
    return { kind: "any" };
  }
  if (o.oneOf !== undefined) {
    only("oneOf");
    if (o.oneOf.length === 0) throw new SyntaxError(`empty oneOf in ${show(e)}`);
    return { kind: "oneOf", options: o.oneOf.map(parseExpected) };
  }
  if (o.info !== undefined) {
    only("info", "ordered");
    const fields = Object.entries(o.info).map(([name, v]) => {
      if (typeof v === "string") return [name, v] as const;
      if (typeof v === "object" && v !== null && typeof v.regex === "string") {
        return [name, new RegExp(v.regex)] as const;
      }
      throw new SyntaxError(`info field ${name}: a string or {"regex": …} in ${show(e)}`);
    });
    return { kind: "info", fields, ordered: o.ordered === true };
  }
  if (o.type !== undefined) {
    if (!REPLY_TYPES.includes(o.type)) throw new SyntaxError(`unknown type "${o.type}"`);
    if (o.regex !== undefined) {
      only("type", "regex");
      return { kind: "regex", type: o.type, re: new RegExp(o.regex) };
    }
    if (o.min !== undefined || o.max !== undefined) {
      only("type", "min", "max");
      if (o.type !== "integer") throw new SyntaxError(`min/max need type integer in ${show(e)}`);
      return { kind: "range", min: o.min, max: o.max };
    }
    only("type");
    return { kind: "type", type: o.type };
  }
  throw new SyntaxError(`bad expected reply ${show(e)}`);
}

function show(e: unknown): string {
  const s = JSON.stringify(e);
  return s.length > 80 ? s.slice(0, 77) + "..." : s;
}

function parseScalar(s: string): Reply {
  const rest = s.slice(1);
  switch (s[0]) {
    case "+":
      return { type: "status", value: rest };
    case "-":
      return { type: "error", value: rest };
    case "$":
      return { type: "bulk", value: rest };
    case ":": {
      if (!/^-?[0-9]+$/.test(rest)) throw new SyntaxError(`bad integer ${show(s)}`);
      const n = BigInt(rest);
      const safe = n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER);
      return { type: "integer", value: safe ? Number(n) : n };
    }
    case "_":
      if (rest !== "") break;
      return { type: "null" };
    case "*":
      if (rest !== "-1") break;
      return { type: "null", array: true };
    case ",": {
      const v = rest === "inf" ? Infinity : rest === "-inf" ? -Infinity : Number(rest);
      if (rest === "" || (Number.isNaN(v) && rest !== "nan")) break;
      return { type: "double", value: v };
    }
    case "#":
      if (rest !== "t" && rest !== "f") break;
      return { type: "boolean", value: rest === "t" };
    case "(":
      if (!/^-?[0-9]+$/.test(rest)) break;
      return { type: "bignum", value: rest };
    case "=":
      if (rest.length < 4 || rest[3] !== ":") break;
      return { type: "verbatim", format: rest.slice(0, 3), value: rest.slice(4) };
  }
  throw new SyntaxError(
    `bad expected reply ${show(s)}: a string starts with + - : $ , # ( = or is "_" / "*-1"`,
  );
}

/**
 * Compares a reply with a pattern.
 *
 * @param pattern What the fixture expects.
 * @param reply What the target replied.
 * @param fidelity What the target's protocol can express (default `resp`).
 * @returns The first mismatch (depth first), or undefined when the reply matches.
 */
export function matchReply(
  pattern: Pattern,
  reply: Reply,
  fidelity: Fidelity = "resp",
): Mismatch | undefined {
  return match(pattern, fidelity === "json" ? toJsonShape(reply, true) : reply, fidelity, "$");
}

function match(p: Pattern, r: Reply, f: Fidelity, path: string): Mismatch | undefined {
  switch (p.kind) {
    case "any":
      return undefined;
    case "oneOf": {
      const misses = p.options.map((o) => match(o, r, f, path));
      if (misses.some((m) => m === undefined)) return undefined;
      // Report the alternative that got furthest into the reply.
      const best = misses.reduce((a, b) => (b!.path.length > a!.path.length ? b : a))!;
      return { path: best.path, message: `no alternative matches (closest: ${best.message})` };
    }
    case "type": {
      return sameType(p.type, r, f) ? undefined : typeMismatch(expectType(p.type, f), r, path);
    }
    case "range": {
      if (r.type !== "integer") return typeMismatch("integer", r, path);
      const v = Number(r.value);
      if ((p.min !== undefined && v < p.min) || (p.max !== undefined && v > p.max)) {
        return { path, message: `:${r.value} is outside [${p.min ?? "-inf"}, ${p.max ?? "inf"}]` };
      }
      return undefined;
    }
    case "regex": {
      if (!sameType(p.type, r, f)) return typeMismatch(expectType(p.type, f), r, path);
      const text = scalarText(r);
      if (text === undefined) return { path, message: `a ${r.type} has no text to match` };
      return p.re.test(text) ? undefined : {
        path,
        message: `${quote(text)} does not match /${p.re.source}/`,
      };
    }
    case "info": {
      if (r.type !== "bulk" && r.type !== "verbatim") return typeMismatch("bulk", r, path);
      return infoMismatch(p, r.value, path);
    }
    case "exact":
      return exactMismatch(f === "json" ? toJsonShape(p.reply, path === "$") : p.reply, r, path);
    case "list": {
      const type = f === "json" ? "array" : p.type;
      if (r.type !== type) return typeMismatch(type, r, path);
      const items = (r as { value: readonly Reply[] }).value;
      return p.ordered ? orderedMismatch(p.items, items, f, path) : unorderedMismatch(
        p.items,
        items,
        (x, y) => match(x, y, f, `${path}[]`),
        path,
      );
    }
    case "map": {
      if (f === "json") {
        // A map reaches a JSON client as the flat RESP2 array: match it in any pair order.
        if (r.type !== "array") return typeMismatch("array", r, path);
        const pairs: [Reply, Reply][] = [];
        for (let i = 0; i + 1 < r.value.length; i += 2) pairs.push([r.value[i], r.value[i + 1]]);
        if (r.value.length % 2 !== 0) return { path, message: "odd number of map elements" };
        return unorderedMismatch(p.entries, pairs, (x, y) => pairMismatch(x, y, f, path), path);
      }
      if (r.type !== "map") return typeMismatch("map", r, path);
      return unorderedMismatch(p.entries, r.value, (x, y) => pairMismatch(x, y, f, path), path);
    }
  }
}

function pairMismatch(
  p: readonly [Pattern, Pattern],
  r: readonly [Reply, Reply],
  f: Fidelity,
  path: string,
): Mismatch | undefined {
  return match(p[0], r[0], f, `${path}.key`) ?? match(p[1], r[1], f, `${path}.value`);
}

function orderedMismatch(
  ps: readonly Pattern[],
  rs: readonly Reply[],
  f: Fidelity,
  path: string,
): Mismatch | undefined {
  const n = Math.min(ps.length, rs.length);
  for (let i = 0; i < n; i++) {
    const m = match(ps[i], rs[i], f, `${path}[${i}]`);
    if (m !== undefined) return m;
  }
  if (ps.length !== rs.length) {
    return { path, message: `${rs.length} elements, expected ${ps.length}` };
  }
  return undefined;
}

// Each pattern takes the first unused element it matches. Fixture patterns are exact enough that
// first-fit never needs backtracking.
function unorderedMismatch<P, R>(
  ps: readonly P[],
  rs: readonly R[],
  diff: (p: P, r: R) => Mismatch | undefined,
  path: string,
): Mismatch | undefined {
  if (ps.length !== rs.length) {
    return { path, message: `${rs.length} elements, expected ${ps.length} (in any order)` };
  }
  const used = new Array<boolean>(rs.length).fill(false);
  for (let i = 0; i < ps.length; i++) {
    const j = rs.findIndex((r, k) => !used[k] && diff(ps[i], r) === undefined);
    if (j < 0) {
      return { path, message: `no element matches expected element ${i} (order ignored)` };
    }
    used[j] = true;
  }
  return undefined;
}

function infoMismatch(
  p: Extract<Pattern, { kind: "info" }>,
  text: string,
  path: string,
): Mismatch | undefined {
  const lines = text.split("\r\n");
  let last = -1;
  for (const [name, want] of p.fields) {
    const at = lines.findIndex((l) => l.startsWith(name + ":"));
    if (at < 0) return { path, message: `INFO has no field ${name}` };
    const value = lines[at].slice(name.length + 1);
    const ok = typeof want === "string" ? value === want : want.test(value);
    if (!ok) {
      return {
        path,
        message: `INFO ${name}:${value}, expected ${
          typeof want === "string" ? want : `/${want.source}/`
        }`,
      };
    }
    if (p.ordered && at < last) return { path, message: `INFO field ${name} is out of order` };
    last = at;
  }
  return undefined;
}

function exactMismatch(e: Reply, r: Reply, path: string): Mismatch | undefined {
  if (e.type !== r.type) return typeMismatch(e.type, r, path);
  switch (e.type) {
    case "null": {
      const ra = (r as typeof e).array === true;
      return (e.array === true) === ra ? undefined : {
        path,
        message: `${typeLabel(r)}, expected ${typeLabel(e)}`,
      };
    }
    case "integer": {
      const rv = (r as typeof e).value;
      return BigInt(e.value) === BigInt(rv) ? undefined : {
        path,
        message: `:${rv}, expected :${e.value}`,
      };
    }
    case "double": {
      const rv = (r as typeof e).value;
      return Object.is(e.value, rv) ? undefined : { path, message: `,${rv}, expected ,${e.value}` };
    }
    case "boolean": {
      const rv = (r as typeof e).value;
      return e.value === rv
        ? undefined
        : { path, message: `#${rv ? "t" : "f"}, expected #${e.value ? "t" : "f"}` };
    }
    case "verbatim": {
      const rv = r as typeof e;
      if (e.format !== rv.format) {
        return { path, message: `verbatim format ${rv.format}, expected ${e.format}` };
      }
      return textMismatch(e.value, rv.value, path);
    }
    case "status":
    case "error":
    case "bulk":
    case "bignum":
      return textMismatch(e.value, (r as typeof e).value, path);
    case "array":
    case "set":
    case "push":
    case "map":
    case "attribute":
      // Patterns never hold aggregates as exact replies (parseExpected builds lists and maps).
      return { path, message: `cannot compare ${e.type} exactly` };
  }
}

function textMismatch(e: string, r: string, path: string): Mismatch | undefined {
  if (e === r) return undefined;
  let i = 0;
  while (i < e.length && i < r.length && e[i] === r[i]) i++;
  return {
    path,
    message: `text differs at byte ${i}: got ${quote(r.slice(i, i + 40))}, expected ${
      quote(e.slice(i, i + 40))
    }`,
  };
}

function typeMismatch(expected: string, r: Reply, path: string): Mismatch {
  return { path, message: `${typeLabel(r)}, expected ${expected}` };
}

function expectType(t: ReplyType, f: Fidelity): string {
  return f === "json" && t === "status" ? "string" : t;
}

function sameType(t: ReplyType, r: Reply, f: Fidelity): boolean {
  if (f === "json" && (t === "status" || t === "bulk")) return r.type === "bulk";
  return r.type === t;
}

/**
 * What a reply looks like after a trip through the Upstash JSON dialect: statuses, doubles, big
 * numbers and verbatim strings are strings; both nulls are one null; booleans are integers;
 * maps, sets and pushes are arrays; errors inside arrays are strings.
 */
function toJsonShape(r: Reply, top: boolean): Reply {
  while (r.type === "attribute") r = r.value;
  switch (r.type) {
    case "status":
    case "bignum":
    case "verbatim":
      return { type: "bulk", value: r.value };
    case "double":
      return { type: "bulk", value: String(r.value) };
    case "error":
      return top ? r : { type: "bulk", value: r.value };
    case "null":
      return { type: "null" };
    case "boolean":
      return { type: "integer", value: r.value ? 1 : 0 };
    case "array":
    case "set":
    case "push":
    case "map":
      return jsonShapeAggregate(r);
    default:
      return r;
  }
}

/** An aggregate's elements (a map's flattened) and their shapes so far. */
interface ShapeFrame {
  readonly items: readonly Reply[];
  readonly out: Reply[];
}

function shapeFrame(r: Reply): ShapeFrame | undefined {
  switch (r.type) {
    case "array":
    case "set":
    case "push":
      return { items: r.value, out: [] };
    case "map":
      return { items: r.value.flat(), out: [] };
    default:
      return undefined;
  }
}

// With an explicit stack, not recursion: replies can be nested thousands of levels deep (CONV-9).
function jsonShapeAggregate(root: Reply): Reply {
  const stack: ShapeFrame[] = [shapeFrame(root)!];
  for (;;) {
    const f = stack[stack.length - 1];
    if (f.out.length === f.items.length) {
      stack.pop();
      const shaped: Reply = { type: "array", value: f.out };
      if (stack.length === 0) return shaped;
      stack[stack.length - 1].out.push(shaped);
      continue;
    }
    let item = f.items[f.out.length];
    while (item.type === "attribute") item = item.value;
    const inner = shapeFrame(item);
    if (inner === undefined) f.out.push(toJsonShape(item, false));
    else stack.push(inner);
  }
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
    case "boolean":
      return r.value ? "t" : "f";
    default:
      return undefined;
  }
}

function typeLabel(r: Reply): string {
  if (r.type === "null") return r.array === true ? "null array (*-1)" : "null";
  return r.type;
}

/** A byte string quoted for reports: printable ASCII as is, other bytes as `\xNN`. */
export function quote(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22 || c === 0x5c) out += "\\" + s[i];
    else if (c === 0x0a) out += "\\n";
    else if (c === 0x0d) out += "\\r";
    else if (c === 0x09) out += "\\t";
    else if (c >= 0x20 && c < 0x7f) out += s[i];
    else out += "\\x" + c.toString(16).padStart(2, "0");
  }
  return out + '"';
}

/**
 * A command for reports: printable words as is, others quoted with {@link quote}.
 *
 * @param argv The command.
 * @param max Longest text before it is cut with `...`.
 * @returns One line.
 */
export function formatArgv(argv: readonly string[], max = 300): string {
  const s = argv.map((a) => (/^[\x21-\x7e]+$/.test(a) && !a.includes('"') ? a : quote(a))).join(
    " ",
  );
  return s.length > max ? s.slice(0, max - 3) + "..." : s;
}

const MAX_SHOWN = 40;
/** Nesting levels shown; deeper aggregates (CONV-9 replies are ~8000 deep) are summarised. */
const MAX_DEPTH = 40;

/**
 * Renders a reply as typed lines in RESP notation (`+OK`, `:1`, `$"v"`, `*2`, `%1`, `~1`, …).
 *
 * @param r The reply.
 * @param indent Leading spaces of every line.
 * @returns One line per scalar.
 */
export function formatReply(r: Reply, indent = ""): string {
  const out: string[] = [];
  renderReply(r, indent, "", out, 0);
  return out.join("\n");
}

function renderReply(r: Reply, indent: string, label: string, out: string[], depth: number): void {
  const p = indent + label;
  if (
    depth === MAX_DEPTH && (r.type === "array" || r.type === "set" || r.type === "push" ||
      r.type === "map" || r.type === "attribute")
  ) {
    out.push(`${p}${r.type} nested deeper than ${MAX_DEPTH} levels (not shown)`);
    return;
  }
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
      out.push(`${p}${r.array === true ? "*-1" : "(null)"}`);
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
      out.push(`${p}${r.type === "array" ? "*" : r.type === "set" ? "~" : ">"}${r.value.length}`);
      r.value.slice(0, MAX_SHOWN).forEach((x, i) =>
        renderReply(x, indent + "  ", `[${i}] `, out, depth + 1)
      );
      if (r.value.length > MAX_SHOWN) out.push(`${indent}  … ${r.value.length - MAX_SHOWN} more`);
      return;
    }
    case "map":
      out.push(`${p}%${r.value.length}`);
      r.value.slice(0, MAX_SHOWN).forEach(([k, v], i) => {
        renderReply(k, indent + "  ", `[${i}] key: `, out, depth + 1);
        renderReply(v, indent + "  ", `[${i}] value: `, out, depth + 1);
      });
      if (r.value.length > MAX_SHOWN) out.push(`${indent}  … ${r.value.length - MAX_SHOWN} more`);
      return;
    case "attribute":
      out.push(`${p}|${r.attributes.length} (attributes)`);
      renderReply(r.value, indent, "", out, depth + 1);
      return;
  }
}

/**
 * Renders a pattern in the same notation as {@link formatReply}, with the loose parts spelled
 * out (`(any order)`, `/regex/`, `(any bulk)`).
 *
 * @param p The pattern.
 * @param indent Leading spaces of every line.
 * @returns One line per scalar.
 */
export function formatPattern(p: Pattern, indent = ""): string {
  const out: string[] = [];
  renderPattern(p, indent, "", out);
  return out.join("\n");
}

function renderPattern(p: Pattern, indent: string, label: string, out: string[]): void {
  const at = indent + label;
  switch (p.kind) {
    case "exact":
      renderReply(p.reply, indent, label, out, 0);
      return;
    case "any":
      out.push(`${at}(anything)`);
      return;
    case "type":
      out.push(`${at}(any ${p.type})`);
      return;
    case "range":
      out.push(`${at}(integer in [${p.min ?? "-inf"}, ${p.max ?? "inf"}])`);
      return;
    case "regex":
      out.push(`${at}(${p.type} matching /${p.re.source}/)`);
      return;
    case "info":
      out.push(`${at}(INFO text with${p.ordered ? ", in this order," : ""}:)`);
      for (const [name, v] of p.fields) {
        out.push(`${indent}  ${name}:${typeof v === "string" ? v : `/${v.source}/`}`);
      }
      return;
    case "oneOf":
      out.push(`${at}(one of:)`);
      p.options.forEach((o, i) => renderPattern(o, indent + "  ", `<${i + 1}> `, out));
      return;
    case "list": {
      const sigil = p.type === "array" ? "*" : p.type === "set" ? "~" : ">";
      out.push(`${at}${sigil}${p.items.length}${p.ordered ? "" : " (any order)"}`);
      p.items.forEach((x, i) => renderPattern(x, indent + "  ", `[${i}] `, out));
      return;
    }
    case "map":
      out.push(`${at}%${p.entries.length} (any order)`);
      p.entries.forEach(([k, v], i) => {
        renderPattern(k, indent + "  ", `[${i}] key: `, out);
        renderPattern(v, indent + "  ", `[${i}] value: `, out);
      });
      return;
  }
}
