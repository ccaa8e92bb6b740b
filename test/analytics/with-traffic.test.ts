import { describe, expect, it } from 'vitest';
import { TrackInfo } from '../../src/analytics/track-info.js';
import { updateWithTraffic } from '../../src/analytics/with-traffic.js';
import type { TrafficClass } from '../../src/domain/traffic.js';
import { Track } from '../../src/tracking/track.js';

const ASPECT = 16 / 9;

/** A confirmed track matched this frame, box centred on (x, y), w x h, and its info moving at (vx, vy). */
function road(
  id: number,
  cls: TrafficClass,
  x: number,
  y: number,
  w: number,
  h: number,
  vx: number,
  vy: number,
): { t: Track; info: TrackInfo } {
  const t = new Track();
  t.start(id, cls, 0.6, x - w / 2, y - h / 2, x + w / 2, y + h / 2);
  t.state = 'tracked';
  const info = new TrackInfo();
  info.reset(t, 0, 0);
  info.updates = 5;
  info.vx = vx * ASPECT;
  info.vy = vy;
  return { t, info };
}

/** The class the analytics give the "person" after `frames` frames among `others`. */
function classAfter(
  frames: number,
  person: ReturnType<typeof road>,
  others: ReturnType<typeof road>[],
): TrafficClass {
  const all = [person, ...others];
  const tracks = all.map((r) => r.t);
  const infoAt = all.map((r) => r.info);
  for (let f = 0; f < frames; f++) updateWithTraffic(tracks, infoAt, ASPECT);
  return person.info.classOf(person.t);
}

/** Two cars beside the person's row on a motorway, coming down the picture at 0.12 frame heights a second. */
const cars = () => [
  road(2, 'car', 0.3, 0.62, 0.08, 0.1, -0.02, 0.12),
  road(3, 'car', 0.45, 0.7, 0.1, 0.12, 0.01, 0.12),
];

describe('updateWithTraffic: a "person" keeping pace with the traffic is a rider', () => {
  it('calls a "person" a motorcycle once it moved with the cars beside it on five frames', () => {
    // The police motorcyclist in spray: a person box (with the headlight's reflection) 0.15 tall,
    // 1.0 box heights a second, as slow for its size as the cars are for theirs.
    expect(classAfter(4, road(1, 'person', 0.2, 0.65, 0.03, 0.15, -0.03, 0.13), cars())).toBe('person');
    expect(classAfter(5, road(1, 'person', 0.2, 0.65, 0.03, 0.15, -0.03, 0.13), cars())).toBe('motorcycle');
  });

  it('leaves someone crossing the road, or walking far slower than the traffic, a person', () => {
    expect(classAfter(20, road(1, 'person', 0.2, 0.65, 0.03, 0.1, 0.1, 0), cars())).toBe('person');
    expect(classAfter(20, road(1, 'person', 0.2, 0.65, 0.03, 0.1, 0, 0.02), cars())).toBe('person');
  });

  it('says nothing among queued vehicles, or with no vehicle near it', () => {
    const queued = [
      road(2, 'car', 0.3, 0.62, 0.08, 0.1, 0, 0.002),
      road(3, 'car', 0.45, 0.7, 0.1, 0.12, 0, 0.003),
    ];
    const walker = road(1, 'person', 0.2, 0.65, 0.03, 0.1, 0, 0.003);
    expect(classAfter(20, walker, queued)).toBe('person');
    expect(walker.info.amidTraffic).toBe(0);
    // Far across the picture (more than four of its box heights away) and far up the road.
    const far = [
      road(2, 'car', 0.9, 0.65, 0.08, 0.1, 0, 0.12),
      road(3, 'car', 0.2, 0.2, 0.05, 0.06, 0, 0.05),
    ];
    const alone = road(1, 'person', 0.2, 0.65, 0.03, 0.1, 0, 0.12);
    expect(classAfter(20, alone, far)).toBe('person');
    expect(alone.info.amidTraffic).toBe(0);
  });

  it('needs it on at least half the frames with moving traffic around', () => {
    const person = road(1, 'person', 0.2, 0.65, 0.03, 0.15, -0.03, 0.13);
    const others = cars();
    expect(classAfter(5, person, others)).toBe('motorcycle');
    // Then standing still on the verge while the traffic goes on.
    person.info.vx = 0;
    person.info.vy = 0;
    expect(classAfter(6, person, others)).toBe('person');
  });
});
