import type { AnalyticsEventWithEvidence } from '../analytics/camera-analytics.js';
import type { Incident } from '../analytics/events.js';
import type { CameraTransition } from '../camera/camera-state.js';
import type { SensorEvent } from '../sensors/events.js';

/** A camera changed state (connecting, streaming, stalled, backoff, unauthorized...). */
export interface CameraStateEvent {
  type: 'camera_state';
  transition: CameraTransition;
}

/** An incident's evidence picture, rendered and written after its `incident_start`. */
export interface IncidentEvidenceEvent {
  type: 'incident_evidence';
  incident: Incident;
  jpeg: Buffer;
  path: string;
}

/**
 * Everything that flows from the gateway's sources and processors to its sinks. Each producer defines its
 * own events (analytics: counts, zones, speeds, congestion, incidents; sensors: readings and rule
 * decisions; cameras: state changes); this union is what the wiring carries.
 */
export type PipelineEvent =
  | AnalyticsEventWithEvidence
  | SensorEvent
  | CameraStateEvent
  | IncidentEvidenceEvent;
export type PipelineEventType = PipelineEvent['type'];
