/**
 * Valkey's argument splitter (sdssplitargs): inline commands and script shebang lines use it.
 *
 * @module
 */

import type { Bytes } from "../bytes.ts";

function isSpace(c: number): boolean {
  // C isspace(): space, \t, \n, \v, \f, \r.
  return c === 32 || (c >= 9 && c <= 13);
}

function hexVal(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/**
 * Splits a line into arguments with `"…"` (escapes `\n \r \t \b \a \xHH`, any other `\c` → `c`)
 * and `'…'` (only `\'`) quoting. Returns null on unbalanced quotes or a closing quote not
 * followed by a space, as sdssplitargs does.
 */
export function splitArgs(line: Bytes): Bytes[] | null {
  const out: Bytes[] = [];
  // C strings end at NUL: nothing after one is seen.
  const nul = line.indexOf("\0");
  const n = nul < 0 ? line.length : nul;
  let p = 0;
  for (;;) {
    while (p < n && isSpace(line.charCodeAt(p))) p++;
    if (p >= n) return out;
    let inq = false, insq = false, done = false;
    let cur = "";
    while (!done) {
      if (inq) {
        if (p >= n) return null;
        const c = line[p];
        if (
          c === "\\" && line[p + 1] === "x" && p + 3 < n &&
          hexVal(line.charCodeAt(p + 2)) >= 0 && hexVal(line.charCodeAt(p + 3)) >= 0
        ) {
          cur += String.fromCharCode(
            hexVal(line.charCodeAt(p + 2)) * 16 + hexVal(line.charCodeAt(p + 3)),
          );
          p += 3;
        } else if (c === "\\" && p + 1 < n) {
          p++;
          const e = line[p];
          cur += e === "n"
            ? "\n"
            : e === "r"
            ? "\r"
            : e === "t"
            ? "\t"
            : e === "b"
            ? "\b"
            : e === "a"
            ? "\x07"
            : e;
        } else if (c === '"') {
          // The closing quote must be followed by a space or the end.
          if (p + 1 < n && !isSpace(line.charCodeAt(p + 1))) return null;
          done = true;
        } else {
          cur += c;
        }
      } else if (insq) {
        if (p >= n) return null;
        const c = line[p];
        if (c === "\\" && line[p + 1] === "'") {
          p++;
          cur += "'";
        } else if (c === "'") {
          if (p + 1 < n && !isSpace(line.charCodeAt(p + 1))) return null;
          done = true;
        } else {
          cur += c;
        }
      } else {
        if (p >= n) break;
        const c = line[p];
        const code = line.charCodeAt(p);
        // Unquoted tokens end only at space, \n, \r, \t (not \v or \f, unlike isspace()).
        if (code === 32 || code === 10 || code === 13 || code === 9) done = true;
        else if (c === '"') inq = true;
        else if (c === "'") insq = true;
        else cur += c;
      }
      if (p < n) p++;
    }
    out.push(cur);
  }
}
