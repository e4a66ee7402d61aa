/**
 * Lua 5.1 front end for the Lua 5.4 VM. `check51` is a port of Lua 5.1.5's lexer (llex.c) and the
 * syntax side of its parser (lparser.c): it accepts exactly what Valkey's Lua 5.1.5 accepts and
 * reports a rejected script with 5.1's message, byte for byte. An accepted script is rewritten so
 * that stock Lua 5.4 compiles it to the same program with 5.1 semantics, on the same lines:
 *
 * - Numerals become float numerals with the value 5.1's `strtod` reads (`10` → `10.0`, `0x10` →
 *   `0x10p0`), so integers never enter the VM from source and 5.1's double-only arithmetic holds.
 * - Escapes unknown to 5.1 lose their backslash, as 5.1 reads them (`"\x41"` → `"x41"`).
 * - `goto` (a plain name in 5.1, a keyword in 5.4) and `_ENV` (a plain name in 5.1, the
 *   environment in 5.4) are rewritten: locals get a fresh name, globals become `_ENV["goto"]`,
 *   fields `t["goto"]`, method calls `t:goto(…)` a small inline helper call.
 * - The implicit `arg` local of 5.1 vararg functions (LUA_COMPAT_VARARG, on in Valkey's build) is
 *   declared explicitly when the function body refers to it.
 *
 * Everything else is byte-identical and no newline is added or removed, so 5.4 reports the same
 * line numbers. Linear time: one pass, no regular expressions over the input.
 *
 * Not emulated: limits that lcode.c (code generation) enforces — registers ("function or
 * expression too complex", 250 in 5.1), constants ("constant table overflow"), jump lengths
 * ("control structure too long"). Scripts that hit them get 5.4's error from the VM instead.
 *
 * @module
 */

import type { Bytes } from "../bytes.ts";

/** Result of {@link check51}: the rewritten source, or Lua 5.1's syntax error message. */
export type Check51Result = { ok: true; source: Bytes } | { ok: false; message: string };

/** Options of {@link check51}. */
export interface Check51Options {
  /**
   * Lua 5.1's `L->nCcalls` when the parser starts (default 0, as for a script compiled by
   * EVAL / SCRIPT LOAD). Each level of C calls in progress (e.g. `loadstring` called inside a
   * running script is at 1) lowers the nesting allowed before "chunk has too many syntax levels".
   */
  level?: number;
}

/**
 * Checks `source` with Lua 5.1.5's grammar and rewrites it for Lua 5.4.
 *
 * `chunkName` is the chunk id printed before `:<line>:` in messages, i.e. what 5.1's
 * `luaO_chunkid` makes of the name given to `lua_load`: `user_script` for `@user_script` (the
 * default). For `loadstring(s [, name])` pass `chunkId51(name ?? s)`.
 *
 * @example
 * ```ts
 * check51("return 10/4"); // { ok: true, source: "return 10.0/4.0" }
 * check51("x"); // { ok: false, message: "user_script:1: '=' expected near '<eof>'" }
 * ```
 */
export function check51(
  source: Bytes,
  chunkName: string = "user_script",
  options: Check51Options = {},
): Check51Result {
  const parser = new Parser51(source, chunkName, options.level ?? 0);
  try {
    return { ok: true, source: parser.run() };
  } catch (e) {
    if (e instanceof Syntax51Error) return { ok: false, message: e.message };
    throw e;
  }
}

/**
 * Lua 5.1's `luaO_chunkid` with the lexer's buffer size (80): how a chunk name given to
 * `lua_load` is shown in syntax errors. `@file` → `file` (keeping the last 72 bytes, after
 * `...`), `=name` → `name` (79 bytes at most), anything else → `[string "first line"]` (63 bytes
 * at most, then `...`). The name is a C string: it ends at the first NUL byte.
 */
export function chunkId51(name: Bytes): Bytes {
  const nul = name.indexOf("\0");
  const source = nul >= 0 ? name.slice(0, nul) : name;
  const bufflen = 80;
  if (source.startsWith("=")) return source.slice(1, bufflen);
  if (source.startsWith("@")) {
    const rest = source.slice(1);
    const max = bufflen - 8; // sizeof(" '...' ")
    return rest.length > max ? "..." + rest.slice(rest.length - max) : rest;
  }
  let len = 0;
  while (len < source.length) {
    const c = source.charCodeAt(len);
    if (c === 10 || c === 13) break;
    len++;
  }
  const max = bufflen - 17; // sizeof(" [string \"...\"] ")
  if (len > max) len = max;
  return len < source.length ? `[string "${source.slice(0, len)}..."]` : `[string "${source}"]`;
}

class Syntax51Error extends Error {}

// ---------------------------------------------------------------------------------------------
// Tokens (ORDER RESERVED of llex.h: single characters are their own code)

const TK_AND = 257;
const TK_BREAK = 258;
const TK_DO = 259;
const TK_ELSE = 260;
const TK_ELSEIF = 261;
const TK_END = 262;
const TK_FALSE = 263;
const TK_FOR = 264;
const TK_FUNCTION = 265;
const TK_IF = 266;
const TK_IN = 267;
const TK_LOCAL = 268;
const TK_NIL = 269;
const TK_NOT = 270;
const TK_OR = 271;
const TK_REPEAT = 272;
const TK_RETURN = 273;
const TK_THEN = 274;
const TK_TRUE = 275;
const TK_UNTIL = 276;
const TK_WHILE = 277;
const TK_CONCAT = 278;
const TK_DOTS = 279;
const TK_EQ = 280;
const TK_GE = 281;
const TK_LE = 282;
const TK_NE = 283;
const TK_NUMBER = 284;
const TK_NAME = 285;
const TK_STRING = 286;
const TK_EOS = 287;

const TOKEN_TEXT = [
  "and",
  "break",
  "do",
  "else",
  "elseif",
  "end",
  "false",
  "for",
  "function",
  "if",
  "in",
  "local",
  "nil",
  "not",
  "or",
  "repeat",
  "return",
  "then",
  "true",
  "until",
  "while",
  "..",
  "...",
  "==",
  ">=",
  "<=",
  "~=",
  "<number>",
  "<name>",
  "<string>",
  "<eof>",
];

const RESERVED = new Map<string, number>();
for (let i = 0; i <= TK_WHILE - TK_AND; i++) RESERVED.set(TOKEN_TEXT[i], TK_AND + i);

const CH_TAB = 9;
const CH_LF = 10;
const CH_CR = 13;
const CH_DQUOTE = 34;
const CH_HASH = 35;
const CH_PERCENT = 37;
const CH_SQUOTE = 39;
const CH_LPAREN = 40;
const CH_RPAREN = 41;
const CH_STAR = 42;
const CH_PLUS = 43;
const CH_COMMA = 44;
const CH_MINUS = 45;
const CH_DOT = 46;
const CH_SLASH = 47;
const CH_COLON = 58;
const CH_SEMI = 59;
const CH_LT = 60;
const CH_EQ = 61;
const CH_GT = 62;
const CH_LBRACKET = 91;
const CH_BACKSLASH = 92;
const CH_RBRACKET = 93;
const CH_CARET = 94;
const CH_UNDERSCORE = 95;
const CH_LBRACE = 123;
const CH_RBRACE = 125;
const CH_TILDE = 126;
const EOZ = -1;

/** Lua 5.1's limits (luaconf.h as built in Valkey). */
const LUAI_MAXCCALLS = 200;
const LUAI_MAXVARS = 200;
const LUAI_MAXUPVALUES = 60;
const SHRT_MAX = 32767;
const UNARY_PRIORITY = 8;

// The C library runs in the "C" locale (Valkey only sets LC_COLLATE): ASCII classes.
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function isAlpha(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}
function isAlnum(c: number): boolean {
  return isDigit(c) || isAlpha(c);
}
function isHexDigit(c: number): boolean {
  return isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}
function isNewline(c: number): boolean {
  return c === CH_LF || c === CH_CR;
}

/** Left/right priorities of binary operators (lparser.c `priority`), by token; 0 = not binary. */
function leftPriority(tok: number): number {
  switch (tok) {
    case CH_PLUS:
    case CH_MINUS:
      return 6;
    case CH_STAR:
    case CH_SLASH:
    case CH_PERCENT:
      return 7;
    case CH_CARET:
      return 10;
    case TK_CONCAT:
      return 5;
    case TK_NE:
    case TK_EQ:
    case CH_LT:
    case TK_LE:
    case CH_GT:
    case TK_GE:
      return 3;
    case TK_AND:
      return 2;
    case TK_OR:
      return 1;
    default:
      return 0;
  }
}
function rightPriority(tok: number): number {
  if (tok === CH_CARET) return 9;
  if (tok === TK_CONCAT) return 4;
  return leftPriority(tok);
}

function blockFollow(tok: number): boolean {
  return tok === TK_ELSE || tok === TK_ELSEIF || tok === TK_END || tok === TK_UNTIL ||
    tok === TK_EOS;
}

/** luaX_token2str. */
function token2str(tok: number): string {
  if (tok < 257) {
    // iscntrl in the C locale: 0..31 and 127.
    return tok < 32 || tok === 127 ? `char(${tok})` : String.fromCharCode(tok);
  }
  return TOKEN_TEXT[tok - TK_AND];
}

/**
 * What 5.4 must read for a numeral that 5.1's `luaO_str2d` accepts, or null when 5.1 rejects it
 * ("malformed number"). `strtod` (glibc) reads decimal and C99 hex numerals; the 5.1 lexer cannot
 * put a sign after a hex exponent, nor a '.' in a hex numeral. The `strtoul` fallback of
 * `luaO_str2d` never accepts a whole token that `strtod` rejected, so it is not modelled.
 */
function numeralFor54(s: string): string | null {
  const len = s.length;
  if (len >= 2 && s.charCodeAt(0) === 48 && (s.charCodeAt(1) | 32) === 120) {
    let i = 2;
    while (i < len && isHexDigit(s.charCodeAt(i))) i++;
    if (i === 2) return null;
    if (i === len) return s + "p0"; // a hex float for 5.4: strtod, never integer wrap-around
    if ((s.charCodeAt(i) | 32) !== 112) return null;
    let j = i + 1;
    while (j < len && isDigit(s.charCodeAt(j))) j++;
    return j > i + 1 && j === len ? s : null;
  }
  let i = 0;
  let digits = 0;
  while (i < len && isDigit(s.charCodeAt(i))) i++, digits++;
  let float = false;
  if (i < len && s.charCodeAt(i) === CH_DOT) {
    i++;
    float = true;
    while (i < len && isDigit(s.charCodeAt(i))) i++, digits++;
  }
  if (digits === 0) return null;
  if (i < len && (s.charCodeAt(i) | 32) === 101) {
    let j = i + 1;
    if (j < len && (s.charCodeAt(j) === CH_PLUS || s.charCodeAt(j) === CH_MINUS)) j++;
    const k = j;
    while (j < len && isDigit(s.charCodeAt(j))) j++;
    if (j === k) return null;
    i = j;
    float = true;
  }
  if (i !== len) return null;
  return float ? s : s + ".0";
}

// ---------------------------------------------------------------------------------------------
// Parser state

interface Token {
  tok: number;
  start: number;
  end: number;
  /** Long strings: the level of the brackets (count of '='). */
  sep?: number;
  /** Short strings with escapes: 5.1's buffer text (quotes and processed escapes). */
  buf?: string;
}

interface VarInfo {
  name: string;
  /** The implicit `arg` local of a 5.1 vararg function. */
  implicitArg: boolean;
  referenced: boolean;
}

interface BlockCnt {
  previous: BlockCnt | null;
  nactvar: number;
  isbreakable: boolean;
}

interface FuncState {
  prev: FuncState | null;
  linedefined: number;
  actvar: VarInfo[];
  nactvar: number;
  bl: BlockCnt | null;
  upvalues: VarInfo[];
  nlocvars: number;
  isVararg: boolean;
  /** VARARG_NEEDSARG: no `...` in the body, so 5.1 fills `arg` with the extra arguments. */
  needsArg: boolean;
  argVar: VarInfo | null;
  /** Source offset just after the parameter list's ')'. */
  bodyPos: number;
  /** A local named `select` is visible where the body starts. */
  selectShadowed: boolean;
}

/** Expression kinds that matter to the grammar (assignable, call, anything else). */
const EXP_OTHER = 0;
const EXP_VAR = 1;
const EXP_CALL = 2;

/** Placeholders resolved to fresh names once the whole source is known. */
const FRESH_GOTO = 1;
const FRESH_ENV = 2;
const FRESH_SELECT = 3;

/**
 * Edit ranks: order of edits that share a position. Closing parens of one expression come before
 * what starts the next one; statement separators before helper prefixes; insertions before
 * replacements of the token that starts there.
 */
const R_CLOSE = 0;
const R_PROLOGUE = 1;
const R_SEMI = 2;
const R_HELPER = 3;
const R_INSERT = 4;
const R_REPLACE = 5;

interface Edit {
  pos: number;
  end: number;
  rank: number;
  seq: number;
  text: string | number;
}

/** `P:goto(args)` → `HELPER(P, args)`; evaluates P once, like OP_SELF. */
const METHOD_HELPER = '(function(o, ...) return o["goto"](o, ...) end)(';

function specialName(name: string): number {
  return name === "goto" ? FRESH_GOTO : name === "_ENV" ? FRESH_ENV : 0;
}

class Parser51 {
  readonly #src: string;
  readonly #n: number;
  readonly #chunk: string;
  #pos = 0;
  #line = 1;
  #lastline = 1;
  #t: Token = { tok: TK_EOS, start: 0, end: 0 };
  #ahead: Token | null = null;
  /** The token lexed last (5.1's buffer holds its text). */
  #last: Token = this.#t;
  #level: number;
  #fs: FuncState | null = null;
  readonly #edits: Edit[] = [];
  #seq = 0;
  #selectCaptured = false;

  constructor(src: string, chunk: string, level: number) {
    this.#src = src;
    this.#n = src.length;
    this.#chunk = chunk;
    this.#level = level;
  }

  run(): string {
    // luaY_parser
    const fs = this.#openFunc(0);
    fs.isVararg = true; // main function is always vararg (VARARG_ISVARARG, no `arg`)
    this.#next();
    this.#chunkRule();
    this.#check(TK_EOS);
    this.#closeFunc();
    return this.#apply();
  }

  // ------------------------------------------------------------------------------------------
  // Errors

  #fail(msg: string, tok: number, text?: string): never {
    let m = `${this.#chunk}:${this.#line}: ${msg}`;
    if (tok) {
      let shown: string;
      if (tok === TK_NAME || tok === TK_STRING || tok === TK_NUMBER) {
        shown = text ?? this.#bufferText(this.#last);
        const nul = shown.indexOf("\0"); // printed with %s: a C string
        if (nul >= 0) shown = shown.slice(0, nul);
      } else {
        shown = token2str(tok);
      }
      m += ` near '${shown}'`;
    }
    throw new Syntax51Error(m);
  }

  #syntaxError(msg: string): never {
    this.#fail(msg, this.#tok());
  }

  #errorExpected(tok: number): never {
    this.#syntaxError(`'${token2str(tok)}' expected`);
  }

  #errorLimit(fs: FuncState, limit: number, what: string): never {
    const msg = fs.linedefined === 0
      ? `main function has more than ${limit} ${what}`
      : `function at line ${fs.linedefined} has more than ${limit} ${what}`;
    this.#fail(msg, 0);
  }

  /** 5.1's lexer buffer for a token: what `near '…'` shows for names, strings and numbers. */
  #bufferText(t: Token): string {
    if (t.buf !== undefined) return t.buf;
    const src = this.#src;
    if (t.tok === TK_STRING && t.sep !== undefined) {
      // Long string: the first newline is skipped and every newline sequence saved as '\n'.
      const open = t.sep + 2;
      let out = src.slice(t.start, t.start + open);
      let i = t.start + open;
      const stop = t.end - open;
      if (i < stop && isNewline(src.charCodeAt(i))) i = this.#skipNewline(i);
      let seg = i;
      while (i < stop) {
        const c = src.charCodeAt(i);
        if (isNewline(c)) {
          out += src.slice(seg, i) + "\n";
          i = this.#skipNewline(i);
          seg = i;
        } else i++;
      }
      return out + src.slice(seg, t.end);
    }
    // Names, numbers, strings, reserved words, '..' and '...' are saved; other symbols are not.
    return t.tok >= TK_AND && t.tok <= TK_STRING ? src.slice(t.start, t.end) : "";
  }

  /** Index after the newline sequence at `i` (\n, \r, \r\n or \n\r), as inclinenumber. */
  #skipNewline(i: number): number {
    const src = this.#src;
    const old = src.charCodeAt(i++);
    if (i < this.#n) {
      const c = src.charCodeAt(i);
      if (isNewline(c) && c !== old) i++;
    }
    return i;
  }

  // ------------------------------------------------------------------------------------------
  // Lexer (llex.c)

  #cur(): number {
    return this.#pos < this.#n ? this.#src.charCodeAt(this.#pos) : EOZ;
  }

  #incLine(): void {
    this.#pos = this.#skipNewline(this.#pos);
    this.#line++;
  }

  #token(tok: number, start: number): Token {
    const t: Token = { tok, start, end: this.#pos };
    this.#last = t;
    return t;
  }

  #skipSep(): number {
    const s = this.#cur();
    this.#pos++;
    let count = 0;
    while (this.#cur() === CH_EQ) {
      this.#pos++;
      count++;
    }
    return this.#cur() === s ? count : -count - 1;
  }

  #llex(): Token {
    const src = this.#src;
    for (;;) {
      const start = this.#pos;
      const c = this.#cur();
      switch (c) {
        case CH_LF:
        case CH_CR:
          this.#incLine();
          continue;
        case CH_MINUS: {
          this.#pos++;
          if (this.#cur() !== CH_MINUS) return this.#token(CH_MINUS, start);
          this.#pos++;
          if (this.#cur() === CH_LBRACKET) {
            const sep = this.#skipSep();
            if (sep >= 0) {
              this.#readLongString(sep, false);
              continue;
            }
          }
          while (this.#pos < this.#n && !isNewline(src.charCodeAt(this.#pos))) this.#pos++;
          continue;
        }
        case CH_LBRACKET: {
          const sep = this.#skipSep();
          if (sep >= 0) {
            this.#readLongString(sep, true);
            const t = this.#token(TK_STRING, start);
            t.sep = sep;
            return t;
          }
          if (sep === -1) return this.#token(CH_LBRACKET, start);
          this.#fail("invalid long string delimiter", TK_STRING, src.slice(start, this.#pos));
          break;
        }
        case CH_EQ:
        case CH_LT:
        case CH_GT:
        case CH_TILDE: {
          this.#pos++;
          if (this.#cur() !== CH_EQ) return this.#token(c, start);
          this.#pos++;
          const tok = c === CH_EQ ? TK_EQ : c === CH_LT ? TK_LE : c === CH_GT ? TK_GE : TK_NE;
          return this.#token(tok, start);
        }
        case CH_DQUOTE:
        case CH_SQUOTE:
          return this.#readString(c, start);
        case CH_DOT: {
          this.#pos++;
          if (this.#checkNext2(CH_DOT, CH_DOT)) {
            const tok = this.#checkNext2(CH_DOT, CH_DOT) ? TK_DOTS : TK_CONCAT;
            const text = tok === TK_DOTS ? "..." : "..";
            if (src.slice(start, this.#pos) !== text) {
              this.#edit(start, this.#pos, R_REPLACE, text); // a NUL read as '.'
            }
            return this.#token(tok, start);
          }
          if (!isDigit(this.#cur())) return this.#token(CH_DOT, start);
          return this.#readNumeral(start);
        }
        case EOZ:
          return this.#token(TK_EOS, start);
        default: {
          if (c === 32 || (c >= CH_TAB && c <= CH_CR)) { // isspace; newlines handled above
            this.#pos++;
            continue;
          }
          if (isDigit(c)) return this.#readNumeral(start);
          if (isAlpha(c) || c === CH_UNDERSCORE) {
            let p = this.#pos + 1;
            while (p < this.#n) {
              const d = src.charCodeAt(p);
              if (!isAlnum(d) && d !== CH_UNDERSCORE) break;
              p++;
            }
            this.#pos = p;
            const word = RESERVED.get(src.slice(start, p));
            return this.#token(word ?? TK_NAME, start);
          }
          this.#pos++;
          return this.#token(c, start);
        }
      }
    }
  }

  /**
   * check_next: consumes the current char if it is `a` or `b`. 5.1 tests with `strchr(set, c)`,
   * which also finds the set's terminating NUL: a NUL byte always matches.
   */
  #checkNext2(a: number, b: number): boolean {
    const c = this.#cur();
    if (c !== a && c !== b && c !== 0) return false;
    this.#pos++;
    return true;
  }

  #readNumeral(start: number): Token {
    do this.#pos++; while (isDigit(this.#cur()) || this.#cur() === CH_DOT);
    if (this.#checkNext2(69, 101)) this.#checkNext2(CH_PLUS, CH_MINUS); // [Ee] [+-]
    while (isAlnum(this.#cur()) || this.#cur() === CH_UNDERSCORE) this.#pos++;
    const text = this.#src.slice(start, this.#pos);
    // strtod reads the C string: up to a NUL that check_next let in.
    const nul = text.indexOf("\0");
    const for54 = numeralFor54(nul >= 0 ? text.slice(0, nul) : text);
    if (for54 === null) this.#fail("malformed number", TK_NUMBER, text);
    // 5.4 would read a '.' right after the numeral as part of it (`0x10..x`, `1e5..x`).
    const out = this.#cur() === CH_DOT ? for54 + " " : for54;
    if (out !== text) this.#edit(start, this.#pos, R_REPLACE, out);
    return this.#token(TK_NUMBER, start);
  }

  /** Reads a long string or comment up to and including its closing bracket. */
  #readLongString(sep: number, isString: boolean): void {
    const src = this.#src;
    this.#pos++; // second '['
    if (isNewline(this.#cur())) this.#incLine(); // the first newline is skipped
    for (;;) {
      const c = this.#cur();
      switch (c) {
        case EOZ:
          this.#fail(isString ? "unfinished long string" : "unfinished long comment", TK_EOS);
          break;
        case CH_LBRACKET:
          // LUA_COMPAT_LSTR == 1: an inner `[[` is an error (other levels are just text).
          if (this.#skipSep() === sep) {
            this.#pos++;
            if (sep === 0) this.#fail("nesting of [[...]] is deprecated", CH_LBRACKET);
          }
          break;
        case CH_RBRACKET:
          if (this.#skipSep() === sep) {
            this.#pos++;
            return;
          }
          break;
        case CH_LF:
        case CH_CR:
          this.#incLine();
          break;
        default: {
          // Fast skip of ordinary bytes.
          let p = this.#pos + 1;
          while (p < this.#n) {
            const d = src.charCodeAt(p);
            if (d === CH_LBRACKET || d === CH_RBRACKET || d === CH_LF || d === CH_CR) break;
            p++;
          }
          this.#pos = p;
        }
      }
    }
  }

  #readString(del: number, start: number): Token {
    const src = this.#src;
    this.#pos++;
    let parts: string[] | null = null;
    let seg = start; // saved text not yet copied to `parts` starts here
    const soFar = (upTo: number) => (parts ? parts.join("") : "") + src.slice(seg, upTo);
    for (;;) {
      const c = this.#cur();
      if (c === del) break;
      switch (c) {
        case EOZ:
          this.#fail("unfinished string", TK_EOS);
          break;
        case CH_LF:
        case CH_CR:
          this.#fail("unfinished string", TK_STRING, soFar(this.#pos));
          break;
        case CH_BACKSLASH: {
          const bs = this.#pos;
          this.#pos++; // the backslash is not saved
          const e = this.#cur();
          parts ??= [];
          parts.push(src.slice(seg, bs));
          let saved: number;
          switch (e) {
            case 97: // a
              saved = 7;
              break;
            case 98: // b
              saved = 8;
              break;
            case 102: // f
              saved = 12;
              break;
            case 110: // n
              saved = 10;
              break;
            case 114: // r
              saved = 13;
              break;
            case 116: // t
              saved = 9;
              break;
            case 118: // v
              saved = 11;
              break;
            case CH_LF:
            case CH_CR:
              parts.push("\n");
              this.#incLine();
              seg = this.#pos;
              continue;
            case EOZ:
              seg = this.#pos;
              continue; // "unfinished string" on the next round
            default: {
              if (!isDigit(e)) {
                // \\, \", \' and any other byte: kept without the backslash.
                if (e !== CH_BACKSLASH && e !== CH_DQUOTE && e !== CH_SQUOTE) {
                  this.#edit(bs, bs + 1, R_REPLACE, ""); // 5.4 would read \x \z \u or reject
                }
                saved = e;
                break;
              }
              let v = 0;
              let i = 0;
              do {
                v = 10 * v + (this.#cur() - 48);
                this.#pos++;
              } while (++i < 3 && isDigit(this.#cur()));
              if (v > 255) this.#fail("escape sequence too large", TK_STRING, parts.join(""));
              parts.push(String.fromCharCode(v));
              seg = this.#pos;
              continue;
            }
          }
          parts.push(String.fromCharCode(saved));
          this.#pos++;
          seg = this.#pos;
          continue;
        }
        default: {
          let p = this.#pos + 1;
          while (p < this.#n) {
            const d = src.charCodeAt(p);
            if (d === del || d === CH_BACKSLASH || d === CH_LF || d === CH_CR) break;
            p++;
          }
          this.#pos = p;
        }
      }
    }
    this.#pos++; // closing delimiter
    const t = this.#token(TK_STRING, start);
    if (parts) t.buf = soFar(this.#pos);
    return t;
  }

  /** The current token (a call, so TypeScript does not narrow it across #next()). */
  #tok(): number {
    return this.#t.tok;
  }

  #next(): void {
    this.#lastline = this.#line;
    if (this.#ahead) {
      this.#t = this.#ahead;
      this.#ahead = null;
    } else {
      this.#t = this.#llex();
    }
  }

  #lookahead(): Token {
    const t = this.#llex();
    this.#ahead = t;
    return t;
  }

  // ------------------------------------------------------------------------------------------
  // Rewriting

  #edit(pos: number, end: number, rank: number, text: string | number): void {
    this.#edits.push({ pos, end, rank, seq: this.#seq++, text });
  }

  #replace(t: Token, text: string | number): void {
    this.#edit(t.start, t.end, R_REPLACE, text);
  }

  #apply(): string {
    const edits = this.#edits;
    if (edits.length === 0) return this.#src;
    const order = (a: Edit, b: Edit) =>
      a.pos - b.pos || a.rank - b.rank || (a.rank === R_HELPER ? b.seq - a.seq : a.seq - b.seq);
    // Edits mostly arrive in source order (numbers, strings): sort only when needed.
    for (let i = 1; i < edits.length; i++) {
      if (order(edits[i - 1], edits[i]) > 0) {
        edits.sort(order);
        break;
      }
    }
    const fresh = new Map<number, string>();
    const freshName = (kind: number): string => {
      let name = fresh.get(kind);
      if (name === undefined) {
        const base = kind === FRESH_GOTO ? "goto_51" : kind === FRESH_ENV ? "ENV_51" : "select_51";
        name = base;
        for (let i = 1; this.#src.includes(name); i++) name = `${base}_${i}`;
        fresh.set(kind, name);
      }
      return name;
    };
    let out = "";
    let cursor = 0;
    if (this.#selectCaptured) out += `local ${freshName(FRESH_SELECT)} = select; `;
    for (const e of edits) {
      out += this.#src.slice(cursor, e.pos);
      out += typeof e.text === "number" ? freshName(e.text) : e.text;
      cursor = e.end;
    }
    return out + this.#src.slice(cursor);
  }

  // ------------------------------------------------------------------------------------------
  // Parser helpers (lparser.c)

  #testNext(c: number): boolean {
    if (this.#tok() === c) {
      this.#next();
      return true;
    }
    return false;
  }

  #check(c: number): void {
    if (this.#tok() !== c) this.#errorExpected(c);
  }

  #checkNext(c: number): void {
    this.#check(c);
    this.#next();
  }

  #checkMatch(what: number, who: number, where: number): void {
    if (!this.#testNext(what)) {
      if (where === this.#line) this.#errorExpected(what);
      this.#syntaxError(
        `'${token2str(what)}' expected (to close '${token2str(who)}' at line ${where})`,
      );
    }
  }

  /** str_checkname: the name's text; the token has been consumed. */
  #checkName(): string {
    this.#check(TK_NAME);
    const t = this.#t;
    this.#next();
    return this.#src.slice(t.start, t.end);
  }

  #enterLevel(): void {
    if (++this.#level > LUAI_MAXCCALLS) this.#fail("chunk has too many syntax levels", 0);
  }

  #openFunc(linedefined: number): FuncState {
    const fs: FuncState = {
      prev: this.#fs,
      linedefined,
      actvar: [],
      nactvar: 0,
      bl: null,
      upvalues: [],
      nlocvars: 0,
      isVararg: false,
      needsArg: false,
      argVar: null,
      bodyPos: 0,
      selectShadowed: false,
    };
    this.#fs = fs;
    return fs;
  }

  #closeFunc(): void {
    const fs = this.#fs!;
    this.#removeVars(fs, 0);
    const arg = fs.argVar;
    if (arg && arg.referenced) {
      // 5.1 fills the implicit `arg` only when the body never uses `...`; otherwise it is nil.
      const at = fs.bodyPos;
      if (!fs.needsArg) this.#edit(at, at, R_PROLOGUE, "local arg; ");
      else {
        // A local `select` may shadow the global here: then use one captured at chunk start.
        this.#selectCaptured ||= fs.selectShadowed;
        this.#edit(at, at, R_PROLOGUE, "local arg = {n = ");
        this.#edit(at, at, R_PROLOGUE, fs.selectShadowed ? FRESH_SELECT : "select");
        this.#edit(at, at, R_PROLOGUE, '("#", ...), ...}; ');
      }
    }
    this.#fs = fs.prev;
  }

  /** True when an active local named `select` would shadow the global at this point. */
  #selectVisible(): boolean {
    for (let f: FuncState | null = this.#fs; f; f = f.prev) {
      for (let i = 0; i < f.nactvar; i++) if (f.actvar[i].name === "select") return true;
    }
    return false;
  }

  #newLocalVar(name: string, nameTok: Token | null, n: number): VarInfo {
    const fs = this.#fs!;
    if (fs.nactvar + n + 1 > LUAI_MAXVARS) this.#errorLimit(fs, LUAI_MAXVARS, "local variables");
    // registerlocalvar: luaM_growvector with limit SHRT_MAX raises a plain runtime error.
    if (fs.nlocvars >= SHRT_MAX) throw new Syntax51Error("too many local variables");
    fs.nlocvars++;
    const v: VarInfo = { name, implicitArg: false, referenced: false };
    fs.actvar[fs.nactvar + n] = v;
    if (nameTok) {
      const special = specialName(name);
      if (special) this.#replace(nameTok, special);
    }
    return v;
  }

  #adjustLocalVars(n: number): void {
    this.#fs!.nactvar += n;
  }

  #removeVars(fs: FuncState, toLevel: number): void {
    fs.nactvar = toLevel;
    fs.actvar.length = toLevel;
  }

  #enterBlock(isbreakable: boolean): void {
    const fs = this.#fs!;
    fs.bl = { previous: fs.bl, nactvar: fs.nactvar, isbreakable };
  }

  #leaveBlock(): void {
    const fs = this.#fs!;
    const bl = fs.bl!;
    fs.bl = bl.previous;
    this.#removeVars(fs, bl.nactvar);
  }

  /** singlevaraux: the variable a name resolves to, or null for a global. */
  #resolve(fs: FuncState | null, name: string): VarInfo | null {
    if (!fs) return null;
    for (let i = fs.nactvar - 1; i >= 0; i--) {
      if (fs.actvar[i].name === name) return fs.actvar[i];
    }
    const v = this.#resolve(fs.prev, name);
    if (v === null) return null;
    if (!fs.upvalues.includes(v)) {
      if (fs.upvalues.length + 1 > LUAI_MAXUPVALUES) {
        this.#errorLimit(fs, LUAI_MAXUPVALUES, "upvalues");
      }
      fs.upvalues.push(v);
    }
    return v;
  }

  /**
   * singlevar. Returns true when the name is a global that needs `_ENV[...]` (goto, _ENV); the
   * caller rewrites it (`rewriteGlobal`) or builds its own form (function statements).
   */
  #singleVar(rewriteGlobal: boolean): boolean {
    const t = this.#t;
    const name = this.#checkName();
    const v = this.#resolve(this.#fs, name);
    const special = specialName(name);
    if (v === null) {
      if (special && rewriteGlobal) this.#replace(t, `_ENV["${name}"]`);
      return special !== 0;
    }
    if (v.implicitArg) v.referenced = true;
    else if (special) this.#replace(t, special);
    return false;
  }

  // ------------------------------------------------------------------------------------------
  // Grammar rules (lparser.c)

  #chunkRule(): void {
    let islast = false;
    this.#enterLevel();
    while (!islast && !blockFollow(this.#tok())) {
      islast = this.#statement();
      this.#testNext(CH_SEMI);
    }
    this.#level--;
  }

  #block(): void {
    this.#enterBlock(false);
    this.#chunkRule();
    this.#leaveBlock();
  }

  #statement(): boolean {
    const line = this.#line;
    switch (this.#tok()) {
      case TK_IF:
        this.#ifStat(line);
        return false;
      case TK_WHILE:
        this.#whileStat(line);
        return false;
      case TK_DO:
        this.#next();
        this.#block();
        this.#checkMatch(TK_END, TK_DO, line);
        return false;
      case TK_FOR:
        this.#forStat(line);
        return false;
      case TK_REPEAT:
        this.#repeatStat(line);
        return false;
      case TK_FUNCTION:
        this.#funcStat(line);
        return false;
      case TK_LOCAL:
        this.#next();
        if (this.#testNext(TK_FUNCTION)) this.#localFunc();
        else this.#localStat();
        return false;
      case TK_RETURN:
        this.#next();
        if (!blockFollow(this.#tok()) && this.#tok() !== CH_SEMI) this.#expList1();
        return true;
      case TK_BREAK: {
        this.#next();
        let bl = this.#fs!.bl;
        while (bl && !bl.isbreakable) bl = bl.previous;
        if (!bl) this.#syntaxError("no loop to break");
        return true;
      }
      default:
        this.#exprStat();
        return false;
    }
  }

  #ifStat(line: number): void {
    this.#testThenBlock();
    while (this.#tok() === TK_ELSEIF) this.#testThenBlock();
    if (this.#tok() === TK_ELSE) {
      this.#next();
      this.#block();
    }
    this.#checkMatch(TK_END, TK_IF, line);
  }

  #testThenBlock(): void {
    this.#next();
    this.#expr();
    this.#checkNext(TK_THEN);
    this.#block();
  }

  #whileStat(line: number): void {
    this.#next();
    this.#expr();
    this.#enterBlock(true);
    this.#checkNext(TK_DO);
    this.#block();
    this.#checkMatch(TK_END, TK_WHILE, line);
    this.#leaveBlock();
  }

  #repeatStat(line: number): void {
    this.#enterBlock(true); // loop block
    this.#enterBlock(false); // scope block
    this.#next();
    this.#chunkRule();
    this.#checkMatch(TK_UNTIL, TK_REPEAT, line);
    this.#expr(); // the condition sees the body's locals
    this.#leaveBlock();
    this.#leaveBlock();
  }

  #forStat(line: number): void {
    this.#enterBlock(true);
    this.#next();
    const varTok = this.#t;
    const varname = this.#checkName();
    switch (this.#tok()) {
      case CH_EQ:
        this.#forNum(varname, varTok);
        break;
      case CH_COMMA:
      case TK_IN:
        this.#forList(varname, varTok);
        break;
      default:
        this.#syntaxError("'=' or 'in' expected");
    }
    this.#checkMatch(TK_END, TK_FOR, line);
    this.#leaveBlock();
  }

  #forNum(varname: string, varTok: Token): void {
    this.#newLocalVar("(for index)", null, 0);
    this.#newLocalVar("(for limit)", null, 1);
    this.#newLocalVar("(for step)", null, 2);
    this.#newLocalVar(varname, varTok, 3);
    this.#checkNext(CH_EQ);
    this.#expr();
    this.#checkNext(CH_COMMA);
    this.#expr();
    if (this.#testNext(CH_COMMA)) this.#expr();
    this.#forBody(1);
  }

  #forList(indexname: string, indexTok: Token): void {
    let nvars = 0;
    this.#newLocalVar("(for generator)", null, nvars++);
    this.#newLocalVar("(for state)", null, nvars++);
    this.#newLocalVar("(for control)", null, nvars++);
    this.#newLocalVar(indexname, indexTok, nvars++);
    while (this.#testNext(CH_COMMA)) {
      const t = this.#t;
      const name = this.#checkName();
      this.#newLocalVar(name, t, nvars++);
    }
    this.#checkNext(TK_IN);
    this.#expList1();
    this.#forBody(nvars - 3);
  }

  #forBody(nvars: number): void {
    this.#adjustLocalVars(3); // control variables
    this.#checkNext(TK_DO);
    this.#enterBlock(false);
    this.#adjustLocalVars(nvars);
    this.#block();
    this.#leaveBlock();
  }

  #funcStat(line: number): void {
    const funcTok = this.#t;
    this.#next();
    // funcname -> NAME {'.' NAME} [':' NAME]
    const nameTok = this.#t;
    const globalSpecial = this.#singleVar(false);
    let structural = globalSpecial;
    const fields: Token[] = []; // pairs: separator, name
    while (this.#tok() === CH_DOT) {
      fields.push(this.#t);
      this.#next();
      fields.push(this.#t);
      if (this.#checkName() === "goto") structural = true;
    }
    let needself = false;
    if (this.#tok() === CH_COLON) {
      needself = true;
      fields.push(this.#t);
      this.#next();
      fields.push(this.#t);
      if (this.#checkName() === "goto") structural = true;
    }
    if (structural) {
      // `function a.goto()` has no 5.4 spelling: make it `a["goto"] = function()`.
      const src = this.#src;
      this.#replace(funcTok, "");
      if (globalSpecial) {
        this.#replace(nameTok, `_ENV["${src.slice(nameTok.start, nameTok.end)}"]`);
      }
      for (let i = 0; i < fields.length; i += 2) {
        const sep = fields[i];
        const nt = fields[i + 1];
        const name = src.slice(nt.start, nt.end);
        if (name === "goto" || sep.tok === CH_COLON) {
          this.#replace(sep, "");
          this.#replace(nt, `["${name}"]`);
        }
      }
      this.#edit(this.#t.start, this.#t.start, R_INSERT, " = function");
    }
    this.#body(needself, line, structural && needself);
  }

  #localFunc(): void {
    const t = this.#t;
    const name = this.#checkName();
    this.#newLocalVar(name, t, 0);
    this.#adjustLocalVars(1);
    this.#body(false, this.#line, false);
  }

  #localStat(): void {
    let nvars = 0;
    do {
      const t = this.#t;
      const name = this.#checkName();
      this.#newLocalVar(name, t, nvars++);
    } while (this.#testNext(CH_COMMA));
    if (this.#testNext(CH_EQ)) this.#expList1();
    this.#adjustLocalVars(nvars);
  }

  #exprStat(): void {
    const k = this.#primaryExp(true);
    if (k !== EXP_CALL) this.#assignment(k, 1);
  }

  #assignment(k: number, nvars: number): void {
    if (k !== EXP_VAR) this.#syntaxError("syntax error");
    if (this.#testNext(CH_COMMA)) {
      const k2 = this.#primaryExp(false);
      const limit = LUAI_MAXCCALLS - this.#level;
      if (nvars > limit) this.#errorLimit(this.#fs!, limit, "variables in assignment");
      this.#assignment(k2, nvars + 1);
    } else {
      this.#checkNext(CH_EQ);
      this.#expList1();
    }
  }

  #body(needself: boolean, line: number, insertSelf: boolean): void {
    const fs = this.#openFunc(line);
    const lparen = this.#t;
    this.#checkNext(CH_LPAREN);
    if (insertSelf) {
      this.#edit(lparen.end, lparen.end, R_INSERT, this.#tok() === CH_RPAREN ? "self" : "self, ");
    }
    if (needself) {
      this.#newLocalVar("self", null, 0);
      this.#adjustLocalVars(1);
    }
    this.#parList();
    if (fs.argVar) fs.selectShadowed = this.#selectVisible();
    fs.bodyPos = this.#t.end;
    this.#checkNext(CH_RPAREN);
    this.#chunkRule();
    this.#checkMatch(TK_END, TK_FUNCTION, line);
    this.#closeFunc();
  }

  #parList(): void {
    const fs = this.#fs!;
    let nparams = 0;
    fs.isVararg = false;
    if (this.#tok() !== CH_RPAREN) {
      do {
        switch (this.#tok()) {
          case TK_NAME: {
            const t = this.#t;
            const name = this.#checkName();
            this.#newLocalVar(name, t, nparams++);
            break;
          }
          case TK_DOTS: {
            this.#next();
            const v = this.#newLocalVar("arg", null, nparams++); // LUA_COMPAT_VARARG
            v.implicitArg = true;
            fs.argVar = v;
            fs.isVararg = true;
            fs.needsArg = true;
            break;
          }
          default:
            this.#syntaxError("<name> or '...' expected");
        }
      } while (!fs.isVararg && this.#testNext(CH_COMMA));
    }
    this.#adjustLocalVars(nparams);
  }

  #expList1(): void {
    this.#expr();
    while (this.#testNext(CH_COMMA)) this.#expr();
  }

  #expr(): void {
    this.#subExpr(0);
  }

  /** subexpr -> (simpleexp | unop subexpr) { binop subexpr }; returns the first untreated op. */
  #subExpr(limit: number): number {
    this.#enterLevel();
    const u = this.#tok();
    if (u === TK_NOT || u === CH_MINUS || u === CH_HASH) {
      this.#next();
      this.#subExpr(UNARY_PRIORITY);
    } else {
      this.#simpleExp();
    }
    let op = this.#tok();
    while (leftPriority(op) > limit) {
      this.#next();
      op = this.#subExpr(rightPriority(op));
    }
    this.#level--;
    return op;
  }

  #simpleExp(): void {
    switch (this.#tok()) {
      case TK_NUMBER:
      case TK_STRING:
      case TK_NIL:
      case TK_TRUE:
      case TK_FALSE:
        this.#next();
        return;
      case TK_DOTS: {
        const fs = this.#fs!;
        if (!fs.isVararg) this.#syntaxError("cannot use '...' outside a vararg function");
        fs.needsArg = false;
        this.#next();
        return;
      }
      case CH_LBRACE:
        this.#tableConstructor();
        return;
      case TK_FUNCTION:
        this.#next();
        this.#body(false, this.#line, false);
        return;
      default:
        this.#primaryExp(false);
    }
  }

  /** prefixexp { '.' NAME | '[' exp ']' | ':' NAME funcargs | funcargs }. */
  #primaryExp(atStatement: boolean): number {
    const start = this.#t.start;
    let k: number;
    switch (this.#tok()) {
      case CH_LPAREN: {
        const line = this.#line;
        this.#next();
        this.#expr();
        this.#checkMatch(CH_RPAREN, CH_LPAREN, line);
        k = EXP_OTHER;
        break;
      }
      case TK_NAME:
        this.#singleVar(true);
        k = EXP_VAR;
        break;
      default:
        this.#syntaxError("unexpected symbol");
    }
    for (;;) {
      switch (this.#tok()) {
        case CH_DOT: {
          const dot = this.#t;
          this.#next();
          const nt = this.#t;
          if (this.#checkName() === "goto") {
            this.#replace(dot, "");
            this.#replace(nt, '["goto"]');
          }
          k = EXP_VAR;
          break;
        }
        case CH_LBRACKET:
          this.#next();
          this.#expr();
          this.#checkNext(CH_RBRACKET);
          k = EXP_VAR;
          break;
        case CH_COLON: {
          const colon = this.#t;
          this.#next();
          const nt = this.#t;
          const name = this.#checkName();
          const args = this.#funcArgs();
          if (name === "goto") {
            // No 5.4 spelling of a method call named goto: call a helper with P and the args.
            if (atStatement) this.#edit(start, start, R_SEMI, ";");
            this.#edit(start, start, R_HELPER, METHOD_HELPER);
            this.#replace(nt, "");
            if (args.lparen) {
              this.#replace(colon, args.empty ? "" : ",");
              this.#replace(args.lparen, "");
            } else {
              this.#replace(colon, ",");
              this.#edit(args.end, args.end, R_CLOSE, ")");
            }
          }
          k = EXP_CALL;
          break;
        }
        case CH_LPAREN:
        case TK_STRING:
        case CH_LBRACE:
          this.#funcArgs();
          k = EXP_CALL;
          break;
        default:
          return k;
      }
    }
  }

  #funcArgs(): { lparen: Token | null; empty: boolean; end: number } {
    const line = this.#line;
    const t = this.#t;
    switch (t.tok) {
      case CH_LPAREN: {
        if (line !== this.#lastline) {
          this.#syntaxError("ambiguous syntax (function call x new statement)");
        }
        this.#next();
        const empty = this.#tok() === CH_RPAREN;
        if (!empty) this.#expList1();
        const close = this.#t;
        this.#checkMatch(CH_RPAREN, CH_LPAREN, line);
        return { lparen: t, empty, end: close.end };
      }
      case CH_LBRACE:
        return { lparen: null, empty: false, end: this.#tableConstructor() };
      case TK_STRING:
        this.#next();
        return { lparen: null, empty: false, end: t.end };
      default:
        this.#syntaxError("function arguments expected");
    }
  }

  /** Table constructor; returns the offset after its '}'. */
  #tableConstructor(): number {
    const line = this.#line;
    this.#checkNext(CH_LBRACE);
    do {
      if (this.#tok() === CH_RBRACE) break;
      switch (this.#tok()) {
        case TK_NAME:
          if (this.#lookahead().tok !== CH_EQ) this.#expr(); // listfield
          else this.#recField();
          break;
        case CH_LBRACKET:
          this.#recField();
          break;
        default:
          this.#expr(); // listfield
      }
    } while (this.#testNext(CH_COMMA) || this.#testNext(CH_SEMI));
    const close = this.#t;
    this.#checkMatch(CH_RBRACE, CH_LBRACE, line);
    return close.end;
  }

  #recField(): void {
    if (this.#tok() === TK_NAME) {
      const nt = this.#t;
      if (this.#checkName() === "goto") this.#replace(nt, '["goto"]');
    } else {
      this.#next();
      this.#expr();
      this.#checkNext(CH_RBRACKET);
    }
    this.#checkNext(CH_EQ);
    this.#expr();
  }
}
