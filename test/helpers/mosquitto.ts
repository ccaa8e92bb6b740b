import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import {
  freePort,
  portOpen,
  removeDir,
  requireBinary,
  type ServerProcess,
  startProcess,
  tempDir,
  waitUntil,
} from './process.js';

export interface Mosquitto {
  url: string;
  port: number;
  server: ServerProcess;
  dir: string;
  /** Stops the broker and removes its temp dir. */
  stop(): Promise<void>;
  /** Stops the broker but keeps port and dir, so `restart` brings it back at the same URL. */
  pause(): Promise<void>;
  restart(): Promise<void>;
}

export interface MosquittoOptions {
  /** username → password; anonymous access is refused when given. */
  users?: Record<string, string>;
  port?: number;
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
    'persistence false',
    'log_dest stderr',
    'log_type error',
  ];
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
  writeFileSync(conf, `${lines.join('\n')}\n`);

  let server = await launch();
  async function launch() {
    const s = startProcess('mosquitto', bin, ['-c', conf]);
    await waitUntil(`mosquitto on port ${port}`, () => portOpen(port), { server: s });
    return s;
  }
  const handle: Mosquitto = {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    dir,
    get server() {
      return server;
    },
    async pause() {
      await server.stop();
    },
    async restart() {
      await server.stop();
      server = await launch();
    },
    async stop() {
      await server.stop();
      removeDir(dir);
    },
  };
  return handle;
}
