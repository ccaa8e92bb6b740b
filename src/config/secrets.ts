import { SecretScrubber } from '../log/redact.js';
import type { ResolvedConfig } from './load.js';

/** Registers every secret the config holds, so no log line or API answer can show it. */
export function registerConfigSecrets(s: SecretScrubber, cfg: ResolvedConfig): SecretScrubber {
  for (const cam of cfg.cameras) {
    for (const url of cam.inputs ? cam.inputs.map((i) => i.url) : [cam.url]) {
      try {
        const u = new URL(url ?? '');
        s.add(decodeURIComponent(u.password), u.password);
      } catch {
        // validated already
      }
    }
  }
  s.add(cfg.influx.password, cfg.influx.token, cfg.sensors.password, cfg.api.token);
  s.add(...cfg.mqtt.broker.users.map((u) => u.password));
  s.add(cfg.uplink.mqtt?.password, cfg.uplink.webhook?.token, cfg.uplink.webhook?.secret);
  return s;
}

/** A scrubber that knows every secret of the config. */
export function scrubberForConfig(cfg: ResolvedConfig): SecretScrubber {
  return registerConfigSecrets(new SecretScrubber(), cfg);
}
