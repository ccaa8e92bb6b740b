import type { Store } from '../store/store.js';

/**
 * The alerts module's tables in the store: the outbox (a row per message per destination), its dead
 * letters, the open alerts' state and the drop counters. Applied once per store (Store.migrate).
 */
export function migrateAlertTables(store: Store): void {
  store.migrate('alerts', [
    `CREATE TABLE alert_outbox (
       seq INTEGER PRIMARY KEY AUTOINCREMENT,
       sink TEXT NOT NULL,
       prio INTEGER NOT NULL,
       kind TEXT NOT NULL,
       alert_id TEXT,
       severity TEXT,
       created_ms INTEGER NOT NULL,
       payload BLOB NOT NULL
     ) STRICT;
     CREATE INDEX alert_outbox_next ON alert_outbox (sink, prio, seq);
     CREATE INDEX alert_outbox_alert ON alert_outbox (alert_id);
     CREATE TABLE alert_dead_letters (
       id INTEGER PRIMARY KEY AUTOINCREMENT,
       at_ms INTEGER NOT NULL,
       sink TEXT NOT NULL,
       kind TEXT NOT NULL,
       alert_id TEXT,
       status INTEGER,
       answer TEXT NOT NULL,
       payload BLOB NOT NULL
     ) STRICT;
     CREATE TABLE alert_open (key TEXT PRIMARY KEY, alert TEXT NOT NULL) STRICT;
     CREATE TABLE alert_counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL) STRICT;`,
  ]);
}
