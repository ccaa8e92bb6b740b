/** One sample of a Prometheus text exposition. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const SAMPLE = new RegExp(`^(${NAME})(?:\\{(.*)\\})? (\\S+)(?: (-?\\d+))?$`);
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(?:,|$)/y;

/**
 * Parses the Prometheus text format (0.0.4) strictly: every line is a comment (# HELP / # TYPE with a
 * known type), blank, or a sample with well-formed labels and a number; anything else throws with the line.
 */
export function parsePrometheus(text: string): Sample[] {
  const out: Sample[] = [];
  text.split('\n').forEach((line, i) => {
    if (line === '') return;
    if (line.startsWith('#')) {
      const m = /^# (HELP|TYPE) (\S+)(?: (.*))?$/.exec(line);
      if (!m) throw new Error(`line ${i + 1}: bad comment: ${line}`);
      if (m[1] === 'TYPE' && !/^(counter|gauge|histogram|summary|untyped)$/.test(m[3] ?? ''))
        throw new Error(`line ${i + 1}: bad type: ${line}`);
      return;
    }
    const m = SAMPLE.exec(line);
    if (!m) throw new Error(`line ${i + 1}: not a sample: ${line}`);
    const labels: Record<string, string> = {};
    if (m[2]) {
      LABEL.lastIndex = 0;
      let pos = 0;
      while (pos < m[2].length) {
        LABEL.lastIndex = pos;
        const l = LABEL.exec(m[2]);
        if (!l) throw new Error(`line ${i + 1}: bad labels: ${line}`);
        labels[l[1]!] = l[2]!;
        pos = LABEL.lastIndex;
      }
    }
    const value = m[3] === '+Inf' ? Infinity : m[3] === '-Inf' ? -Infinity : Number(m[3]);
    if (Number.isNaN(value) && m[3] !== 'NaN') throw new Error(`line ${i + 1}: bad value: ${line}`);
    out.push({ name: m[1]!, labels, value });
  });
  return out;
}
