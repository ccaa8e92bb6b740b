/**
 * Input limits checked before a payload is parsed, so no message can make the gateway spend more than
 * a bounded amount of memory or time on it.
 */
export interface PayloadLimits {
  maxPayload: number;
  maxJsonDepth: number;
}

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Deepest nesting of objects/arrays in a JSON text (strings skipped), stopping once past `max`. */
export function jsonDepth(buf: Buffer, max: number): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < buf.length; i++) {
    const c = buf[i]!;
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > deepest) {
        deepest = depth;
        if (deepest > max) return deepest;
      }
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) depth--;
  }
  return deepest;
}

/** Text for a dead letter: the payload as UTF-8 when it is printable, else base64; cut to `max` bytes. */
export function payloadText(payload: Buffer, max = 1024): { text: string; encoding: 'utf8' | 'base64' } {
  const part = payload.length > max ? payload.subarray(0, max) : payload;
  const text = part.toString('utf8');
  // U+FFFD: invalid UTF-8; control characters other than tab/newline: binary.
  if (!/[\uFFFD\u0000-\u0008\u000E-\u001F]/.test(text)) return { text, encoding: 'utf8' };
  return { text: part.toString('base64'), encoding: 'base64' };
}
