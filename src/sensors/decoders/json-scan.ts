import type { CompiledPath } from './json-path.js';

/** A key on the way to a wanted value: its UTF-8 bytes, what lies below it, and its slot if wanted. */
interface PathNode {
  keys: Buffer[];
  nodes: PathNode[];
  /** Index of the value this path is for (a field, or the time), -1 if only on the way. */
  slot: number;
  /** Message number this key was last met in: met twice in one object means JSON.parse would keep the last. */
  seen: number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
/** 10^0..10^22: exact doubles (the fast path of decimal to binary: one correctly rounded operation). */
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);
const HEX = new Uint8Array(256);
for (const c of '0123456789abcdefABCDEF') HEX[c.charCodeAt(0)] = 1;
const ESCAPE = new Uint8Array(256);
for (const c of '"\\/bfnrtu') ESCAPE[c.charCodeAt(0)] = 1;

/**
 * The values at a few fixed paths of a JSON object, read in one pass over the payload's bytes without
 * building the object, the string or any number's text: what JsonDecoder did with JSON.parse for every
 * reading, at a fraction of the CPU and no garbage.
 *
 * It only ever answers when its answer is exactly what JSON.parse and the path lookup would give; for
 * anything else it gives up (returns false) and the decoder takes the JSON.parse path, which then also
 * words the error of a bad payload. It gives up on: invalid JSON (checked in full, as JSON.parse does),
 * nesting past the limit, a wanted key met twice in one object, a key with an escape on a wanted
 * path's level, a wanted path through something that is not an object, a wanted value of another type than a
 * number (the time may also be a string without escapes; booleans count when `booleans`), a number of
 * more than 15 significant digits or outside 1e±22 (read by Number() instead) or out of range.
 */
export class JsonScanner {
  private readonly root: PathNode = newNode();
  private message = 0;
  /** Per slot: the value, and the message number it was found in. */
  readonly values: Float64Array;
  private readonly foundIn: Float64Array;
  /** The time, when it was a string: [start, end) in the payload. */
  timeStart = -1;
  timeEnd = -1;
  private readonly timeSlot: number;

  /** `paths[i]` is slot i (the time path last, if any); returns undefined when a path cannot be scanned. */
  static create(
    paths: readonly CompiledPath[],
    timeSlot: number,
    booleans: boolean,
    maxDepth: number,
  ): JsonScanner | undefined {
    // A key Object.prototype has would be found on any object by the lookup: leave those to it; and keys
    // are compared as UTF-8 bytes, so each must be exactly its bytes (no lone surrogate, no U+FFFD).
    for (const p of paths)
      for (const k of p)
        if (k === '' || k in Object.prototype || k.includes('\uFFFD') || Buffer.from(k).toString() !== k)
          return undefined;
    return new JsonScanner(paths, timeSlot, booleans, maxDepth);
  }

  private constructor(
    paths: readonly CompiledPath[],
    timeSlot: number,
    private readonly booleans: boolean,
    private readonly maxDepth: number,
  ) {
    this.values = new Float64Array(paths.length);
    this.foundIn = new Float64Array(paths.length).fill(-1);
    this.timeSlot = timeSlot;
    paths.forEach((path, slot) => {
      let node = this.root;
      for (const key of path) {
        const bytes = Buffer.from(key);
        let i = node.keys.findIndex((k) => k.equals(bytes));
        if (i < 0) {
          i = node.keys.push(bytes) - 1;
          node.nodes.push(newNode());
        }
        node = node.nodes[i]!;
      }
      node.slot = slot;
    });
  }

  /** Reads `buf`; false: give up (see the class). Then `found(slot)` / `values[slot]` hold the results. */
  scan(buf: Buffer): boolean {
    this.message++;
    this.timeStart = -1;
    let i = ws(buf, 0);
    if (buf[i] !== 0x7b) return false;
    i = this.object(buf, i, this.root, 1);
    return i >= 0 && ws(buf, i) === buf.length;
  }

  found(slot: number): boolean {
    return this.foundIn[slot] === this.message;
  }

  /** A value at `i`; returns the index after it, or -1 (give up). `node`: a wanted path goes through it. */
  private value(buf: Buffer, i: number, node: PathNode | undefined, depth: number): number {
    const c = buf[i];
    if (c === 0x7b) {
      if (node && node.slot >= 0) return -1;
      return this.object(buf, i, node, depth + 1);
    }
    if (node && (node.slot < 0 || node.keys.length > 0) && c !== 0x6e) return -1; // a path through a non-object
    if (c === QUOTE) {
      const end = string(buf, i);
      if (node && end >= 0) {
        if (node.slot !== this.timeSlot || this.escaped(buf, i, end)) return -1;
        this.timeStart = i + 1;
        this.timeEnd = end - 1;
        this.foundIn[node.slot] = this.message;
      }
      return end;
    }
    if (c === 0x5b) {
      if (node) return -1;
      return this.array(buf, i, depth + 1);
    }
    if (c === 0x74 || c === 0x66) {
      const t = c === 0x74;
      const end = literal(buf, i, t ? 'true' : 'false');
      if (node && end >= 0) {
        if (!this.booleans || node.slot === this.timeSlot) return -1;
        this.values[node.slot] = t ? 1 : 0;
        this.foundIn[node.slot] = this.message;
      }
      return end;
    }
    if (c === 0x6e) return node && node.keys.length > 0 ? -1 : literal(buf, i, 'null'); // null: not there
    const end = this.number(buf, i, node);
    return end;
  }

  private object(buf: Buffer, i: number, node: PathNode | undefined, depth: number): number {
    if (depth > this.maxDepth) return -1;
    i = ws(buf, i + 1);
    if (buf[i] === 0x7d) return i + 1;
    for (;;) {
      if (buf[i] !== QUOTE) return -1;
      const keyEnd = string(buf, i);
      if (keyEnd < 0) return -1;
      let child: PathNode | undefined;
      if (node) {
        const k = keyIndex(node.keys, buf, i + 1, keyEnd - 1);
        if (k === -2) return -1; // an escape in a key: cannot compare it here
        if (k >= 0) {
          child = node.nodes[k]!;
          if (child.seen === this.message) return -1;
          child.seen = this.message;
        }
      }
      i = ws(buf, keyEnd);
      if (buf[i] !== 0x3a) return -1;
      i = this.value(buf, ws(buf, i + 1), child, depth);
      if (i < 0) return -1;
      i = ws(buf, i);
      const c = buf[i];
      if (c === 0x7d) return i + 1;
      if (c !== 0x2c) return -1;
      i = ws(buf, i + 1);
    }
  }

  private array(buf: Buffer, i: number, depth: number): number {
    if (depth > this.maxDepth) return -1;
    i = ws(buf, i + 1);
    if (buf[i] === 0x5d) return i + 1;
    for (;;) {
      i = this.value(buf, i, undefined, depth);
      if (i < 0) return -1;
      i = ws(buf, i);
      const c = buf[i];
      if (c === 0x5d) return i + 1;
      if (c !== 0x2c) return -1;
      i = ws(buf, i + 1);
    }
  }

  /** A JSON number at `i` (its value kept when `node` wants it); the index after it, or -1. */
  private number(buf: Buffer, i: number, node: PathNode | undefined): number {
    const start = i;
    const neg = buf[i] === 0x2d;
    if (neg) i++;
    let m = 0;
    let digits = 0;
    let c = buf[i];
    if (c === 0x30) i++;
    else if (c !== undefined && c >= 0x31 && c <= 0x39) {
      for (; isDigit(buf[i]); i++) {
        m = m * 10 + (buf[i]! - 0x30);
        digits++;
      }
    } else return -1;
    let exp = 0;
    if (buf[i] === 0x2e) {
      i++;
      const from = i;
      for (; isDigit(buf[i]); i++) {
        const d = buf[i]! - 0x30;
        if (m !== 0 || d !== 0) {
          m = m * 10 + d;
          digits++;
        }
        exp--;
      }
      if (i === from) return -1;
    }
    c = buf[i];
    if (c === 0x65 || c === 0x45) {
      i++;
      c = buf[i];
      const eneg = c === 0x2d;
      if (eneg || c === 0x2b) i++;
      const from = i;
      let e = 0;
      for (; isDigit(buf[i]); i++) if (e < 100_000) e = e * 10 + (buf[i]! - 0x30);
      if (i === from) return -1;
      exp += eneg ? -e : e;
    }
    if (!node) return i;
    let v: number;
    if (m === 0) v = 0;
    else if (digits <= 15 && exp >= -22 && exp <= 22) v = exp < 0 ? m / POW10[-exp]! : m * POW10[exp]!;
    else v = Number(buf.toString('latin1', neg ? start + 1 : start, i));
    if (!Number.isFinite(v)) return -1;
    this.values[node.slot] = neg ? -v : v;
    this.foundIn[node.slot] = this.message;
    return i;
  }

  private escaped(buf: Buffer, start: number, end: number): boolean {
    for (let i = start + 1; i < end - 1; i++) if (buf[i] === BACKSLASH || buf[i]! >= 0x80) return true;
    return false;
  }
}

function isDigit(c: number | undefined): boolean {
  return c !== undefined && c >= 0x30 && c <= 0x39;
}

function newNode(): PathNode {
  return { keys: [], nodes: [], slot: -1, seen: 0 };
}

function ws(buf: Buffer, i: number): number {
  let c = buf[i];
  while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = buf[++i];
  return i;
}

/** A JSON string at `i` (its opening quote), checked; the index after its closing quote, or -1. */
function string(buf: Buffer, i: number): number {
  for (i++; i < buf.length; i++) {
    const c = buf[i]!;
    if (c === QUOTE) return i + 1;
    if (c < 0x20) return -1;
    if (c === BACKSLASH) {
      const e = buf[++i];
      if (e === undefined || ESCAPE[e] === 0) return -1;
      if (e === 0x75) {
        for (let k = 1; k <= 4; k++) if (HEX[buf[i + k] ?? 0] === 0) return -1;
        i += 4;
      }
    }
  }
  return -1;
}

function literal(buf: Buffer, i: number, word: string): number {
  for (let k = 0; k < word.length; k++) if (buf[i + k] !== word.charCodeAt(k)) return -1;
  return i + word.length;
}

/**
 * Which of `keys` the key bytes buf[from, to) are: its index, -1 none, -2 cannot tell (an escape). Bytes
 * equal means strings equal: the wanted keys are valid UTF-8, and invalid bytes decode to U+FFFD, which
 * no wanted key holds.
 */
function keyIndex(keys: readonly Buffer[], buf: Buffer, from: number, to: number): number {
  const len = to - from;
  for (let i = from; i < to; i++) if (buf[i] === BACKSLASH) return -2;
  next: for (let k = 0; k < keys.length; k++) {
    const key = keys[k]!;
    if (key.length !== len) continue;
    for (let j = 0; j < len; j++) if (key[j] !== buf[from + j]) continue next;
    return k;
  }
  return -1;
}
