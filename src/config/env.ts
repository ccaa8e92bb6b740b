/**
 * `${VAR}` substitution inside string values of a parsed YAML tree.
 * `${VAR:-fallback}` uses the fallback when VAR is unset or empty; `$${` writes a literal `${`.
 * Substituting after parsing (not in the raw text) means a secret containing YAML syntax cannot
 * change the structure of the file.
 */
export interface EnvProblem {
  path: (string | number)[];
  message: string;
}

const REFERENCE = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}|\$\{([^}]*)\}?/g;

export function substituteEnv(
  tree: unknown,
  env: Record<string, string | undefined>,
  problems: EnvProblem[],
  path: (string | number)[] = [],
): unknown {
  if (typeof tree === 'string') return substituteString(tree, env, problems, path);
  if (Array.isArray(tree)) return tree.map((v, i) => substituteEnv(v, env, problems, [...path, i]));
  if (tree && typeof tree === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(tree)) out[k] = substituteEnv(v, env, problems, [...path, k]);
    return out;
  }
  return tree;
}

function substituteString(
  value: string,
  env: Record<string, string | undefined>,
  problems: EnvProblem[],
  path: (string | number)[],
): string {
  if (!value.includes('${')) return value;
  return value.replace(REFERENCE, (match, name: string | undefined, fallback: string | undefined, bad) => {
    if (match === '$${') return '${';
    if (name === undefined) {
      problems.push({
        path,
        message: `malformed variable reference "${match}": expected \${NAME} or \${NAME:-default} (write $\${ for a literal \${)`,
      });
      return match;
    }
    const v = env[name];
    if (v !== undefined && v !== '') return v;
    if (fallback !== undefined) return fallback;
    void bad;
    problems.push({ path, message: `environment variable ${name} is not set` });
    return '';
  });
}
