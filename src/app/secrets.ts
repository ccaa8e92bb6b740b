import type { ResolvedConfig } from '../config/load.js';
import { SecretScrubber } from '../log/redact.js';

/** Every secret the config holds, registered so no log line or API answer can show it. */
export function scrubberForConfig(cfg: ResolvedConfig): SecretScrubber {
  const s = new SecretScrubber();
  for (const cam of cfg.cameras) {
    try {
      const u = new URL(cam.url);
      s.add(decodeURIComponent(u.password), u.password);
    } catch {
      // validated already
    }
  }
  s.add(cfg.influx.password, cfg.influx.token, cfg.sensors.password, cfg.api.token);
  s.add(cfg.uplink.mqtt?.password, cfg.uplink.webhook?.token);
  s.add(...cfg.mqtt.broker.users.map((u) => u.password));
  return s;
}
