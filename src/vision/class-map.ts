import { TRAFFIC_CLASSES, type TrafficClass } from '../domain/traffic.js';

/** Model class names that become each traffic class (COCO names; a few common aliases of other label sets). */
const NAMES: Record<TrafficClass, readonly string[]> = {
  car: ['car'],
  truck: ['truck'],
  bus: ['bus'],
  motorcycle: ['motorcycle', 'motorbike'],
  bicycle: ['bicycle'],
  person: ['person', 'pedestrian'],
};

export const NOT_TRAFFIC = 255;

/** Index of a traffic class in TRAFFIC_CLASSES. */
export const CLS: Record<TrafficClass, number> = Object.fromEntries(
  TRAFFIC_CLASSES.map((c, i) => [c, i]),
) as Record<TrafficClass, number>;

/** Group of cars, trucks and buses in CLASS_GROUP. */
export const VEHICLE_GROUP = 1;
/** Group of motorcycles and bicycles in CLASS_GROUP. */
export const TWO_WHEELER_GROUP = 2;

/**
 * Classes one object can be confused between, by TRAFFIC_CLASSES index: cars/trucks/buses (VEHICLE_GROUP),
 * motorcycles/bicycles (TWO_WHEELER_GROUP); 0 for persons, a group of their own that the detector never merges across.
 */
export const CLASS_GROUP = new Uint8Array(TRAFFIC_CLASSES.length);
CLASS_GROUP[CLS.car] = VEHICLE_GROUP;
CLASS_GROUP[CLS.truck] = VEHICLE_GROUP;
CLASS_GROUP[CLS.bus] = VEHICLE_GROUP;
CLASS_GROUP[CLS.motorcycle] = TWO_WHEELER_GROUP;
CLASS_GROUP[CLS.bicycle] = TWO_WHEELER_GROUP;

/**
 * For each model class index, the TRAFFIC_CLASSES index it maps to, or NOT_TRAFFIC. Throws when the labels
 * contain none of the traffic classes (wrong labels file for the model).
 */
export function buildClassMap(labels: readonly string[], source = 'labels'): Uint8Array {
  const map = new Uint8Array(labels.length).fill(NOT_TRAFFIC);
  let found = 0;
  labels.forEach((name, i) => {
    const n = name.trim().toLowerCase();
    for (const cls of TRAFFIC_CLASSES) {
      if (NAMES[cls].includes(n)) {
        map[i] = CLS[cls];
        found++;
      }
    }
  });
  if (found === 0) {
    throw new Error(
      `${source}: none of the traffic classes (${TRAFFIC_CLASSES.join(', ')}) is among the labels`,
    );
  }
  return map;
}
