/** `ioc/{site}/{node}` with the node's site and id filled in. */
export function expandPrefix(template: string, node: { id: string; site: string }): string {
  return template.replaceAll('{site}', node.site).replaceAll('{node}', node.id);
}

/** Every topic the gateway uses under its prefix (docs/uplink.md). */
export class Topics {
  readonly alerts: string;
  readonly telemetry: string;
  readonly status: string;
  readonly health: string;
  /** Subscription for remote commands: <prefix>/cmd/<name>. */
  readonly commands: string;
  private readonly cmdPrefix: string;

  constructor(readonly prefix: string) {
    this.alerts = `${prefix}/alerts`;
    this.telemetry = `${prefix}/telemetry`;
    this.status = `${prefix}/status`;
    this.health = `${prefix}/health`;
    this.cmdPrefix = `${prefix}/cmd/`;
    this.commands = `${this.cmdPrefix}+`;
  }

  evidence(alertId: string): string {
    return `${this.prefix}/evidence/${alertId}`;
  }

  reply(command: string): string {
    return `${this.cmdPrefix}${command}/reply`;
  }

  /** The command name of a topic under <prefix>/cmd/, or undefined. */
  commandOf(topic: string): string | undefined {
    if (!topic.startsWith(this.cmdPrefix)) return undefined;
    const name = topic.slice(this.cmdPrefix.length);
    return name.length > 0 && !name.includes('/') ? name : undefined;
  }
}
