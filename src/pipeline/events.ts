import type { AnalyticsEventWithEvidence } from '../analytics/camera-analytics.js';
import type { CameraTransition } from '../camera/camera-state.js';
import type { SensorEvent } from '../sensors/events.js';

/** A camera changed state (connecting, streaming, stalled, backoff, unauthorized...). */
export interface CameraStateEvent {
  type: 'camera_state';
  transition: CameraTransition;
}

/**
 * Everything that flows from the gateway's sources and processors to its sinks. Each producer defines its
 * own events (analytics: counts, zones, speeds, congestion, incidents; sensors: readings and rule
 * decisions; cameras: state changes); this union is what the wiring carries.
 */
export type PipelineEvent = AnalyticsEventWithEvidence | SensorEvent | CameraStateEvent;
export type PipelineEventType = PipelineEvent['type'];
