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
  return isBinary(part, text)
    ? { text: part.toString('base64'), encoding: 'base64' }
    : { text, encoding: 'utf8' };
}

/** Invalid UTF-8 (decoded as U+FFFD) or control bytes other than tab, CR and LF. */
function isBinary(bytes: Buffer, text: string): boolean {
  if (text.includes('\uFFFD')) return true;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) return true;
  }
  return false;
}
