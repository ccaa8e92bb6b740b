import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import {
  freePort,
  portOpen,
  type RestartableServer,
  requireBinary,
  restartable,
  startProcess,
  tempDir,
  waitUntil,
} from './process.js';

export interface Mosquitto extends RestartableServer {
  url: string;
  port: number;
  dir: string;
}

export interface MosquittoOptions {
  /** username → password; anonymous access is refused when given. */
  users?: Record<string, string>;
  port?: number;
  /** A TLS listener (mqtts://) with these files; `requireCertificate`: clients must present one (mTLS). */
  tls?: { ca: string; cert: string; key: string; requireCertificate?: boolean };
  /** Mosquitto ACL file text (`user <name>` / `topic read|write|readwrite <pattern>` lines). */
  acl?: string;
  /** Keep sessions, queued messages and retained messages across pause/restart (saved at SIGTERM). */
  persistence?: boolean;
  /** Further mosquitto.conf lines (e.g. queue limits for persistent sessions). */
  extra?: string[];
}

export async function startMosquitto(options: MosquittoOptions = {}): Promise<Mosquitto> {
  const bin = requireBinary('mosquitto', 'mosquitto');
  const dir = tempDir('mosquitto');
  const port = options.port ?? (await freePort());
  const conf = join(dir, 'mosquitto.conf');
  // Mosquitto started as root switches to the "mosquitto" user unless told to stay who we are;
  // that user could not read our temp dir.
  const lines = [
    `user ${userInfo().username}`,
    `listener ${port} 127.0.0.1`,
    ...(options.persistence
      ? ['persistence true', `persistence_location ${dir}/`, 'max_queued_messages 100000']
      : ['persistence false']),
    'log_dest stderr',
    'log_type error',
  ];
  if (options.tls) {
    const t = options.tls;
    lines.push(`cafile ${t.ca}`, `certfile ${t.cert}`, `keyfile ${t.key}`);
    if (t.requireCertificate) lines.push('require_certificate true');
  }
  if (options.acl !== undefined) {
    const aclFile = join(dir, 'acl');
    writeFileSync(aclFile, options.acl);
    lines.push(`acl_file ${aclFile}`);
  }
  if (options.users) {
    const pwFile = join(dir, 'passwd');
    writeFileSync(
      pwFile,
      `${Object.entries(options.users)
        .map(([u, p]) => `${u}:${p}`)
        .join('\n')}\n`,
      { mode: 0o600 },
    );
    execFileSync(requireBinary('mosquitto_passwd', 'mosquitto'), ['-U', pwFile]);
    lines.push('allow_anonymous false', `password_file ${pwFile}`);
  } else {
    lines.push('allow_anonymous true');
  }
  lines.push(...(options.extra ?? []));
  writeFileSync(conf, `${lines.join('\n')}\n`);

  async function launch() {
    const s = startProcess('mosquitto', bin, ['-c', conf]);
    await waitUntil(`mosquitto on port ${port}`, () => portOpen(port), { server: s });
    return s;
  }
  const handle: Mosquitto = Object.assign(await restartable(launch, dir), {
    url: `${options.tls ? 'mqtts' : 'mqtt'}://127.0.0.1:${port}`,
    port,
    dir,
  } satisfies Omit<Mosquitto, keyof RestartableServer>);
  return handle;
}
