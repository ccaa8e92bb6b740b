import type { Store } from '../store/store.js';
import { migrateAlertTables } from './tables.js';

/** The state of open alerts (JSON by dedup key), so a restart continues them under the same ids. */
export class OpenAlertStore {
  private readonly upsert;
  private readonly remove;
  private readonly all;

  constructor(store: Store) {
    migrateAlertTables(store);
    const db = store.db;
    this.upsert = db.prepare(
      'INSERT INTO alert_open (key, alert) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET alert = excluded.alert',
    );
    this.remove = db.prepare('DELETE FROM alert_open WHERE key = ?');
    this.all = db.prepare('SELECT key, alert FROM alert_open');
  }

  /** Saves (or, with undefined, forgets) an alert; call inside the transaction of its message. */
  save(key: string, alert: string | undefined): void {
    if (alert === undefined) this.remove.run(key);
    else this.upsert.run(key, alert);
  }

  load(): { key: string; alert: string }[] {
    return this.all.all() as { key: string; alert: string }[];
  }
}
