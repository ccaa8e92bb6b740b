/** Whether `topic` (a concrete topic name) matches the MQTT filter `filter` (`+` one level, `#` the rest). */
export function topicMatches(filter: string, topic: string): boolean {
  if (filter === topic) return true;
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    const level = f[i];
    if (level === '#') return i > 0 || !topic.startsWith('$');
    if (i >= t.length) return false;
    if (level === '+') {
      if (i === 0 && topic.startsWith('$')) return false;
      continue;
    }
    if (level !== t[i]) return false;
  }
  return f.length === t.length;
}

/** Whether filter `a` matches every topic filter `b` matches (so subscribing to both would deliver twice). */
export function covers(a: string, b: string): boolean {
  const fa = a.split('/');
  const fb = b.split('/');
  for (let i = 0; i < fa.length; i++) {
    const la = fa[i];
    if (la === '#') return true;
    if (i >= fb.length) return false;
    const lb = fb[i];
    if (lb === '#') return false;
    if (la === '+') continue;
    if (la !== lb) return false;
  }
  return fa.length === fb.length;
}

/**
 * The filters without those another one covers: a broker delivers a message once per matching
 * subscription, so overlapping filters (`sensors/#` and `sensors/aq-01/state`) would deliver twice.
 */
export function minimalFilters(filters: readonly string[]): string[] {
  const unique = [...new Set(filters)];
  return unique.filter((f, i) => !unique.some((g, j) => j !== i && covers(g, f) && (!covers(f, g) || j < i)));
}
