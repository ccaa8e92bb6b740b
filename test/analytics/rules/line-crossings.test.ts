import { describe, expect, it } from 'vitest';
import { LineCrossings } from '../../../src/analytics/rules/line-crossings.js';
import { MID_LINE } from '../../support/mid-line.js';
import { RuleScene, type SceneTrack } from '../../support/rule-scene.js';

const LINE = MID_LINE;

/** Puts the track's box (and what the rules read of it) at centre (0.5, cy), `h` tall, `w` wide. */
function place(t: SceneTrack, cy: number, h = 0.1, vy = 0, w = 0.1): void {
  const kf = t.track.kf;
  kf.init(0.5, cy, w, h);
  kf.s[3] = vy;
  t.info.cx = 0.5;
  t.info.cy = cy;
  t.info.by = cy + h / 2;
}

/** Car 1 coming down across the line, counted by 1.3 s (0.2 of the frame a second, its box 0.1 square). */
function countedCar(s: RuleScene, rule: LineCrossings): SceneTrack {
  const car = s.add(1, 'car', [0.45, 0.35, 0.55, 0.45]);
  place(car, 0.45, 0.1, 0.2);
  s.run(rule, 0, 1000);
  place(car, 0.56, 0.1, 0.2);
  s.run(rule, 1100, 1300);
  expect(rule.lines[0]!.total('down', 'car')).toBe(1);
  return car;
}

/**
 * Car track 2 first seen at 1.3 s with its centre at `cy` (box `h` tall) just past the line, then confirmed
 * and moving down 0.02 of the frame per 100 ms for half a second.
 */
function bornPastLine(
  s: RuleScene,
  rule: LineCrossings,
  box: [number, number, number, number],
  cy: number,
  h: number,
): void {
  const t = s.add(2, 'car', box, { hits: 1 });
  place(t, cy, h, 0.2);
  s.run(rule, 1300, 1300);
  t.track.hits = 5;
  for (let i = 1; i <= 5; i++) {
    place(t, cy + 0.02 * i, h, 0.2);
    s.run(rule, 1300 + 100 * i, 1300 + 100 * i);
  }
}

/** Crossings still settling their class, reported now (as just before a count interval closes). */
function settled(s: RuleScene, rule: LineCrossings) {
  s.ctx.events.length = 0;
  rule.settle(s.ctx, Number.POSITIVE_INFINITY);
  return [...s.ctx.events];
}

describe('LineCrossings', () => {
  it('feeds each line the anchor it asks for, from tracks matched in detector frames', () => {
    const s = new RuleScene();
    const rule = new LineCrossings({ id: 'cam', lines: [LINE, { ...LINE, id: 'b', anchor: 'bottom' }] });
    const bus = s.add(1, 'bus', [0.45, 0.2, 0.55, 0.45]);
    place(bus, 0.3, 0.25);
    s.step(rule, 0);
    // The bottom crosses, the centre does not.
    place(bus, 0.4, 0.25);
    expect(s.step(rule, 100, { inferred: false })).toEqual([]);
    bus.track.matched = false;
    expect(s.step(rule, 200)).toEqual([]);
    bus.track.matched = true;
    // Across now; counted once it holds the new side (the next detector frame).
    expect(s.step(rule, 300)).toEqual([]);
    place(bus, 0.55, 0.25);
    s.step(rule, 400);
    expect(rule.lines.map((l) => l.total('down', 'bus'))).toEqual([0, 1]);
    place(bus, 0.6, 0.25);
    s.step(rule, 500);
    expect(rule.lines.map((l) => l.total('down', 'bus'))).toEqual([1, 1]);
    expect(settled(s, rule)).toMatchObject([
      { type: 'line_crossing', lineId: 'b', direction: 'down', cls: 'bus', trackId: 1, ptsMs: 300 },
      { lineId: 'l', direction: 'down' },
    ]);
  });

  it('does not count a track whose box slides back across the line while its vehicle moves on', () => {
    // Traffic goes down; the track is re-found on the box behind its vehicle, across the line upwards,
    // while its filtered velocity still points down (the way its vehicle goes).
    for (const [vy, counted] of [
      [0.1, 0],
      [-0.1, 1],
    ] as const) {
      const s = new RuleScene();
      const rule = new LineCrossings({ id: 'cam', lines: [LINE] });
      const car = s.add(1, 'car', [0.45, 0.5, 0.55, 0.6]);
      place(car, 0.54, 0.1, vy);
      s.step(rule, 0);
      place(car, 0.52, 0.1, vy);
      s.step(rule, 100);
      place(car, 0.49, 0.1, vy);
      const events = [...s.step(rule, 200)];
      place(car, 0.47, 0.1, vy);
      events.push(...s.step(rule, 300), ...s.step(rule, 400), ...settled(s, rule));
      expect(events.filter((e) => e.type === 'line_crossing')).toHaveLength(counted);
      expect(rule.lines[0]!.total('up', 'car')).toBe(counted);
    }
  });

  it('counts a crossing made by a box change once its box went on, though its queue stopped by then', () => {
    // A car's box grew down over the line (a box change: held until both its edges went on past where
    // they were), 0.5 s later it had; by then the slow queue had stopped and the track's filtered velocity
    // pointed a hair back up (as a rider's did on Jakarta at 0.7, 10 fps, when two-wheelers had the rule).
    // Its way is its move, not that.
    const s = new RuleScene();
    const rule = new LineCrossings({ id: 'cam', lines: [LINE] });
    const rider = s.add(1, 'car', [0.47, 0.41, 0.53, 0.47]);
    const boxes: [number, number, number][] = [
      [0.44, 0.06, 0.02],
      [0.442, 0.06, 0.02],
      [0.444, 0.06, 0.02],
      [0.51, 0.2, 0.02],
      [0.52, 0.18, 0.01],
      [0.53, 0.17, 0.005],
      [0.54, 0.16, 0],
      [0.55, 0.16, -0.001],
      [0.55, 0.16, -0.001],
    ];
    const events = boxes.flatMap(([cy, h, vy], i) => {
      place(rider, cy, h, vy);
      return [...s.step(rule, i * 100)];
    });
    events.push(...settled(s, rule));
    expect(events.filter((e) => e.type === 'line_crossing')).toMatchObject([{ direction: 'down' }]);
    expect(rule.lines[0]!.total('up', 'car')).toBe(0);
  });

  it('a new track far from where an ended one should be is not counted from the old position', () => {
    const s = new RuleScene();
    const rule = new LineCrossings({ id: 'cam', lines: [LINE] });
    const car = s.add(1, 'car', [0.45, 0.25, 0.55, 0.35]);
    place(car, 0.3);
    s.run(rule, 0, 2000);
    rule.trackEnded(car.track, s.ctx);
    s.remove(car);
    const other = s.add(2, 'car', [0.45, 0.7, 0.55, 0.8]);
    place(other, 0.75, 0.1, 0.1);
    expect(s.run(rule, 2100, 2600)).toEqual([]);
  });

  it('a fragment taking over a track lost before the line counts the crossing once', () => {
    const s = new RuleScene();
    const rule = new LineCrossings({ id: 'cam', lines: [LINE] });
    const car = s.add(1, 'car', [0.45, 0.35, 0.55, 0.45]);
    place(car, 0.4, 0.1, 0.2);
    s.run(rule, 0, 2000);
    // Lost: the tracker keeps predicting it (kf moves on), no detection matches it.
    car.track.state = 'lost';
    car.track.matched = false;
    place(car, 0.52, 0.1, 0.2);
    // A new track right where it should be, past the line.
    const next = s.add(2, 'car', [0.45, 0.48, 0.55, 0.58], { hits: 1 });
    place(next, 0.53, 0.1, 0.2);
    const events = [...s.run(rule, 2100, 2600), ...settled(s, rule)];
    expect(events.filter((e) => e.type === 'line_crossing')).toMatchObject([
      { trackId: 2, direction: 'down' },
    ]);
    expect(rule.lines[0]!.total('down', 'car')).toBe(1);
  });

  describe('a lost track found again beside the fragment that took its state over', () => {
    /** Moves the track's box (filtered and raw) to centre (0.5, cy), 0.1 square, going down. */
    function move(t: SceneTrack, cy: number): void {
      place(t, cy, 0.1, 0.2);
      t.track.observe(t.track.cls, 0.9, 0.45, cy - 0.05, 0.55, cy + 0.05);
    }

    /**
     * Car 1 lost before the line, fragment 2 where it should be; car 1 found again `offset` from the
     * fragment, moving with it as the fragment crosses, then going on.
     */
    function scene(offset: number) {
      const s = new RuleScene();
      const rule = new LineCrossings({ id: 'cam', lines: [LINE] });
      const car = s.add(1, 'car', [0.45, 0.25, 0.55, 0.35]);
      for (let i = 0; i <= 10; i++) {
        move(car, 0.3 + 0.01 * i);
        s.step(rule, 100 * i);
      }
      car.track.state = 'lost';
      car.track.matched = false;
      place(car, 0.42, 0.1, 0.2);
      const frag = s.add(2, 'car', [0.45, 0.37, 0.55, 0.47]);
      move(frag, 0.42);
      s.step(rule, 1100);
      car.track.state = 'tracked';
      car.track.matched = true;
      const events: ReturnType<typeof s.step> = [];
      for (let i = 1; i <= 5; i++) {
        move(frag, 0.42 + 0.04 * i);
        move(car, 0.42 + 0.04 * i + offset);
        events.push(...s.step(rule, 1100 + 100 * i));
      }
      for (let i = 1; i <= 8; i++) {
        move(car, 0.62 + offset + 0.03 * i);
        events.push(...s.step(rule, 1600 + 100 * i));
      }
      events.push(...settled(s, rule));
      return { rule, crossings: events.filter((e) => e.type === 'line_crossing') };
    }

    it("on a box apart from the fragment's: two vehicles, each counts its own crossing", () => {
      const { rule, crossings } = scene(-0.16);
      expect(crossings).toMatchObject([{ trackId: 2 }, { trackId: 1 }]);
      expect(rule.lines[0]!.total('down', 'car')).toBe(2);
    });

    it("on a box overlapping the fragment's: one vehicle, counted once", () => {
      const { rule, crossings } = scene(-0.03);
      expect(crossings).toHaveLength(1);
      expect(rule.lines[0]!.total('down', 'car')).toBe(1);
    });
  });

  it('a fragment taking over a counted track does not count again', () => {
    const s = new RuleScene();
    const rule = new LineCrossings({ id: 'cam', lines: [LINE] });
    const car = countedCar(s, rule);
    rule.trackEnded(car.track, s.ctx);
    s.remove(car);
    // 0.2 s later a new track where the ended one's motion puts it, just past the line.
    const next = s.add(2, 'car', [0.45, 0.55, 0.55, 0.65], { hits: 1 });
    place(next, 0.6, 0.1, 0.2);
    s.run(rule, 1500, 1500);
    next.track.hits = 5;
    place(next, 0.65, 0.1, 0.2);
    s.run(rule, 1600, 2000);
    expect(rule.lines[0]!.total('down', 'car')).toBe(1);
  });

  it('a new track taken for a fragment of a counted track, that moves the other way, counts its own crossing', () => {
    // Two-way road: car 1 went down across the line and was counted; where its motion would have taken it, a
    // car going up is first seen, stitched to it (its state, counted, taken over) before it moved.
    for (const [vy, counted] of [
      [-0.2, 1],
      [0.2, 0],
    ] as const) {
      const s = new RuleScene();
      const rule = new LineCrossings({ id: 'cam', lines: [LINE] });
      const car = countedCar(s, rule);
      rule.trackEnded(car.track, s.ctx);
      s.remove(car);
      const other = s.add(2, 'car', [0.45, 0.57, 0.55, 0.67], { hits: 1 });
      place(other, 0.62, 0.1, vy);
      s.run(rule, 1500, 1500);
      other.track.hits = 5;
      for (let i = 1; i <= 10; i++) {
        place(other, 0.62 + vy * 0.1 * i, 0.1, vy);
        s.run(rule, 1500 + 100 * i, 1500 + 100 * i);
      }
      settled(s, rule);
      expect(rule.lines[0]!.total('up', 'car')).toBe(counted);
      expect(rule.lines[0]!.total('down', 'car')).toBe(1);
    }
  });

  it('a lost track found again on a car going the other way counts that car, not after a short loss', () => {
    // Car 1 went down across the line (counted) and was lost; 0.5 s later the tracker finds it again on a
    // car coming up the other carriageway, which crosses the line going up.
    for (const [lostMs, counted] of [
      [500, 1],
      [200, 0],
    ] as const) {
      const s = new RuleScene();
      const rule = new LineCrossings({ id: 'cam', lines: [LINE] });
      const car = countedCar(s, rule);
      car.track.state = 'lost';
      car.track.matched = false;
      s.run(rule, 1400, 1400 + lostMs - 100);
      car.track.state = 'tracked';
      car.track.matched = true;
      for (let i = 0; i <= 10; i++) {
        place(car, 0.6 - 0.02 * i, 0.1, -0.2);
        s.run(rule, 1400 + lostMs + 100 * i, 1400 + lostMs + 100 * i);
      }
      settled(s, rule);
      expect(rule.lines[0]!.total('up', 'car')).toBe(counted);
    }
  });

  it('a second box on a tracked vehicle, first seen past the line, is not counted', () => {
    const s = new RuleScene();
    const rule = new LineCrossings({ id: 'cam', lines: [LINE] });
    const car = s.add(1, 'car', [0.45, 0.5, 0.55, 0.6]);
    place(car, 0.55, 0.1, 0.2);
    s.run(rule, 0, 1200);
    // A part box on the same car (its lower half), moving with it.
    bornPastLine(s, rule, [0.45, 0.55, 0.55, 0.6], 0.53, 0.05);
    expect(rule.lines[0]!.total('down', 'car')).toBe(0);
    // Control: the same box with no vehicle around it is a vehicle first seen just past the line.
    const s2 = new RuleScene();
    const rule2 = new LineCrossings({ id: 'cam', lines: [LINE] });
    const watcher = s2.add(9, 'car', [0.05, 0.05, 0.1, 0.1]);
    place(watcher, 0.07);
    s2.run(rule2, 0, 1200);
    bornPastLine(s2, rule2, [0.45, 0.55, 0.55, 0.6], 0.53, 0.05);
    expect(rule2.lines[0]!.total('down', 'car')).toBe(1);
  });

  it("a motorcycle first seen past the line half inside a car's box counts; one mostly inside it does not", () => {
    // Jakarta, 0.7 with the carriageway zone at 10 fps: a rider beside a car that had just crossed, first
    // seen past the line with its box 55 % inside the car's. A head-on motorcycle the detector also calls a
    // car lies mostly inside the car's box.
    const counted = (cx: number) => {
      const s = new RuleScene();
      const rule = new LineCrossings({ id: 'cam', lines: [LINE] });
      const at = (t: SceneTrack, x: number, cy: number, w: number, h: number) => {
        t.track.kf.init(x, cy, w, h);
        t.track.kf.s[3] = 0.2;
        t.info.cx = x;
        t.info.cy = cy;
        t.info.by = cy + h / 2;
      };
      const car = s.add(1, 'car', [0.4, 0.5, 0.5, 0.6]);
      at(car, 0.45, 0.55, 0.1, 0.1);
      s.run(rule, 0, 1200);
      const bike = s.add(2, 'motorcycle', [cx - 0.02, 0.5, cx + 0.02, 0.56], { hits: 1 });
      at(bike, cx, 0.53, 0.04, 0.06);
      s.run(rule, 1300, 1300);
      bike.track.hits = 5;
      for (let i = 1; i <= 5; i++) {
        at(car, 0.45, 0.55 + 0.02 * i, 0.1, 0.1);
        at(bike, cx, 0.53 + 0.02 * i, 0.04, 0.06);
        s.run(rule, 1300 + 100 * i, 1300 + 100 * i);
      }
      settled(s, rule);
      return rule.lines[0]!.total('down', 'motorcycle');
    };
    expect(counted(0.498)).toBe(1);
    expect(counted(0.488)).toBe(0);
  });

  it('a track first seen past the line counts once seen for 200 ms, not for three matches in 80 ms at 25 fps', () => {
    // A glimpse on every frame at 25 fps: three matches in a row, moving away from the line, then gone.
    // At 10 fps the same three matches span 200 ms; judged by frames, the counts depend on the rate.
    const counted = (frames: number) => {
      const s = new RuleScene();
      const rule = new LineCrossings({ id: 'cam', lines: [LINE] });
      const watcher = s.add(9, 'car', [0.05, 0.05, 0.1, 0.1]);
      place(watcher, 0.07);
      s.run(rule, 0, 1200);
      const t = s.add(2, 'car', [0.45, 0.5, 0.55, 0.56], { hits: 1 });
      for (let i = 0; i < frames; i++) {
        t.track.hits = i + 1;
        place(t, 0.53 + 0.008 * i, 0.05, 0.2);
        s.run(rule, 1300 + 40 * i, 1300 + 40 * i);
      }
      s.remove(t);
      s.run(rule, 1300 + 40 * frames, 2500);
      return rule.lines[0]!.total('down', 'car');
    };
    expect(counted(3)).toBe(0);
    expect(counted(5)).toBe(0);
    // Seen 200 ms (six frames): counted.
    expect(counted(6)).toBe(1);
  });

  it('a vehicle first seen past the line over a lost track that heads the other way is counted', () => {
    // UK rain, the detector less sure (scores x 0.6): a car going away, half the size, lost for a second,
    // coasted on the spot just past the line; the car coming down was first seen over its box. A lost
    // track holds no box this frame, so the new one is no second box on it.
    const s = new RuleScene();
    const rule = new LineCrossings({ id: 'cam', lines: [LINE] });
    const far = s.add(1, 'car', [0.45, 0.54, 0.55, 0.58]);
    place(far, 0.56, 0.045, -0.02);
    s.run(rule, 0, 1200);
    far.track.matched = false;
    far.track.state = 'lost';
    bornPastLine(s, rule, [0.45, 0.5, 0.55, 0.6], 0.55, 0.1);
    expect(rule.lines[0]!.total('down', 'car')).toBe(1);
  });

  it('a road user first seen past the line just after a vehicle crossed there is counted unless it is as wide', () => {
    // A rider right beside or behind a car that just crossed is another road user; a box as wide as the
    // car's, first seen past the line where the car crossed, is that car again (its track jumped off it) —
    // unless the car's track is seen at once on a box of its own, further on: then it is a second car.
    const counted = (
      w: number,
      cls: 'motorcycle' | 'car' | 'person',
      carSeenApart = false,
      first: 'car' | 'motorcycle' = 'car',
      firstW = 0.1,
    ) => {
      const s = new RuleScene();
      const rule = new LineCrossings({ id: 'cam', lines: [LINE] });
      const car = s.add(1, first, [0.5 - firstW / 2, 0.35, 0.5 + firstW / 2, 0.45]);
      const carAt = (pts: number) => {
        const cy = 0.4 + (pts - 1200) / 2000;
        place(car, cy, 0.1, 0.5, firstW);
        Object.assign(car.track, {
          x1: 0.5 - firstW / 2,
          y1: cy - 0.05,
          x2: 0.5 + firstW / 2,
          y2: cy + 0.05,
        });
      };
      carAt(0);
      s.run(rule, 0, 1200);
      for (let pts = 1300; pts <= 1600; pts += 100) {
        carAt(pts);
        s.step(rule, pts);
      }
      expect(rule.lines[0]!.total('down', first)).toBe(1);
      s.run(rule, 1700, 1900);
      const other = s.add(2, cls, [0.5 - w / 2, 0.505, 0.5 + w / 2, 0.555], { hits: 1 });
      // Half a second after the car crossed (two boxes of one vehicle cross within DUP_MS).
      car.track.matched = carSeenApart;
      for (let pts = 2000; pts <= 2400; pts += 100) {
        carAt(pts);
        const cy = 0.53 + (pts - 2000) / 5000;
        place(other, cy, 0.05, 0.2, w);
        Object.assign(other.track, { x1: 0.5 - w / 2, y1: cy - 0.025, x2: 0.5 + w / 2, y2: cy + 0.025 });
        s.step(rule, pts);
        other.track.hits = 5;
      }
      return rule.lines[0]!.total('down', cls) - (cls === first ? 1 : 0);
    };
    expect(counted(0.03, 'motorcycle')).toBe(1);
    expect(counted(0.1, 'car')).toBe(0);
    expect(counted(0.1, 'car', true)).toBe(1);
    // A person as wide as the rider who just crossed, first seen past the line: taken for a second box on
    // that rider even when apart (a rider seen only as a person is another rider whose bike is hidden).
    expect(counted(0.03, 'motorcycle', true, 'motorcycle', 0.03)).toBe(1);
    expect(counted(0.03, 'person', true, 'motorcycle', 0.03)).toBe(0);
  });

  it("remembers the crossings of each line however busy the camera's other lines are", () => {
    // The car's second box is first seen past the line 0.6 s after the car crossed, while 20 riders cross
    // another line of the camera in between (Jakarta, three lines on one camera).
    const s = new RuleScene();
    const top = { ...LINE, id: 'top', points: [[0, 0.2] as [number, number], [1, 0.2] as [number, number]] };
    const rule = new LineCrossings({ id: 'cam', lines: [LINE, top] });
    const car = s.add(1, 'car', [0.45, 0.35, 0.55, 0.45]);
    const riders = Array.from({ length: 20 }, (_, i) => s.add(10 + i, 'motorcycle', [0, 0, 0.03, 0.05]));
    const at = (t: SceneTrack, cx: number, cy: number, w: number, h: number, vy: number) => {
      t.track.kf.init(cx, cy, w, h);
      t.track.kf.s[3] = vy;
      Object.assign(t.info, { cx, cy, by: cy + h / 2 });
      Object.assign(t.track, { x1: cx - w / 2, y1: cy - h / 2, x2: cx + w / 2, y2: cy + h / 2 });
    };
    for (let pts = 0; pts <= 1900; pts += 100) {
      at(car, 0.5, 0.4 + Math.max(0, pts - 1200) / 2000, 0.1, 0.1, 0.5);
      // Across the top line between 1.5 s and 1.6 s, one beside the other.
      for (const [i, r] of riders.entries()) {
        at(r, 0.025 + 0.05 * i, pts < 1600 ? 0.17 : 0.23, 0.03, 0.05, 0.3);
      }
      s.step(rule, pts);
    }
    expect(rule.lines[0]!.total('down', 'car')).toBe(1);
    expect(rule.lines[1]!.total('down', 'motorcycle')).toBe(20);
    const second = s.add(2, 'car', [0.45, 0.505, 0.55, 0.555], { hits: 1 });
    car.track.matched = false;
    for (let pts = 2000; pts <= 2400; pts += 100) {
      at(second, 0.5, 0.53 + (pts - 2000) / 5000, 0.1, 0.05, 0.2);
      s.step(rule, pts);
      second.track.hits = 5;
    }
    expect(rule.lines[0]!.total('down', 'car')).toBe(1);
  });

  it('a track that coasted across the line unseen (or was lost just after), found just after a rider it touches counted, is that rider again', () => {
    // Jakarta: a second track on a rider's upper body loses its box for 600 ms before the line and is found
    // on them past it, 0.9 s after the bike's track counted (outside the 300 ms of two boxes crossing together).
    const counted = (gapMs: number, apart: boolean, when: 'before' | 'after' = 'before') => {
      const s = new RuleScene();
      const rule = new LineCrossings({ id: 'cam', lines: [LINE] });
      const bike = s.add(1, 'motorcycle', [0.485, 0.4, 0.515, 0.5]);
      const upper = s.add(2, 'motorcycle', [0.485, 0.37, 0.515, 0.42]);
      const at = (pts: number) => {
        // The bike's centre crosses at 1000 ms, the upper body's 300 ms later (0.1 a second down).
        const cy = 0.4 + pts / 10_000;
        place(bike, cy, 0.1, 0.1, 0.03);
        Object.assign(bike.track, { x1: 0.485, y1: cy - 0.05, x2: 0.515, y2: cy + 0.05 });
        const ux = apart ? 0.2 : 0.5;
        place(upper, cy - 0.07, 0.05, 0.1, 0.03);
        upper.track.kf.init(ux, cy - 0.07, 0.03, 0.05);
        upper.track.kf.s[3] = 0.1;
        upper.info.cx = ux;
        Object.assign(upper.track, { x1: ux - 0.015, y1: cy - 0.095, x2: ux + 0.015, y2: cy - 0.045 });
      };
      // Unseen for gapMs before it is found again at 1900 ms, past the line; or seen crossing (1800 ms),
      // then unseen for gapMs.
      const [from, to] = when === 'before' ? [1900 - gapMs, 1900] : [1900, 1900 + gapMs];
      for (let pts = 0; pts <= 3000; pts += 100) {
        at(pts);
        upper.track.matched = pts < from || pts >= to;
        s.step(rule, pts);
      }
      return rule.lines[0]!.total('down', 'motorcycle');
    };
    expect(counted(600, false)).toBe(1);
    expect(counted(600, false, 'after')).toBe(1);
    // Seen all the way across, it is a second rider; unseen but elsewhere along the line, too.
    expect(counted(0, false)).toBe(2);
    expect(counted(600, true)).toBe(2);
  });

  it('a person track first seen past the line on a two-wheeler where its rider sits is not counted', () => {
    // Jakarta: a third track born on a rider 1.2 s after the bike's track counted (past the wider window
    // for a track first seen past the line); a person beside the bike is a road user of their own.
    const counted = (px: number) => {
      const s = new RuleScene();
      const rule = new LineCrossings({ id: 'cam', lines: [LINE] });
      const bike = s.add(1, 'motorcycle', [0.48, 0.35, 0.52, 0.45]);
      const bikeAt = (pts: number) => {
        const cy = 0.4 + pts / 20_000;
        place(bike, cy, 0.1, 0.05, 0.04);
        Object.assign(bike.track, { x1: 0.48, y1: cy - 0.05, x2: 0.52, y2: cy + 0.05 });
        return cy;
      };
      for (let pts = 0; pts <= 3200; pts += 100) {
        bikeAt(pts);
        s.step(rule, pts);
      }
      expect(rule.lines[0]!.total('down', 'motorcycle')).toBe(1);
      // The rider's box: the bike's upper half and a little above it.
      const person = s.add(2, 'person', [px - 0.015, 0.55, px + 0.015, 0.6], { hits: 1 });
      for (let pts = 3300; pts <= 3800; pts += 100) {
        const cy = bikeAt(pts) - 0.03;
        place(person, cy, 0.06, 0.05, 0.03);
        person.track.kf.init(px, cy, 0.03, 0.06);
        person.track.kf.s[3] = 0.05;
        person.info.cx = px;
        Object.assign(person.track, { x1: px - 0.015, y1: cy - 0.03, x2: px + 0.015, y2: cy + 0.03 });
        s.step(rule, pts);
        person.track.hits = 5;
      }
      return rule.lines[0]!.total('down', 'person');
    };
    expect(counted(0.5)).toBe(0);
    expect(counted(0.56)).toBe(1);
  });

  it('two tracks crossing together at one place count once, unless one is far narrower: a motorcycle just in front of a car', () => {
    const crossTogether = (w: number, cls: 'car' | 'motorcycle') => {
      const s = new RuleScene();
      const rule = new LineCrossings({ id: 'cam', lines: [LINE] });
      const car = s.add(1, 'car', [0.45, 0.25, 0.55, 0.35]);
      const other = s.add(2, cls, [0.5 - w / 2, 0.27, 0.5 + w / 2, 0.37]);
      // Both go down at 0.2 a second, the other box just ahead (lower in the picture) on the car's span:
      // it crosses the line 100 ms before the car does.
      for (let pts = 0; pts <= 2000; pts += 100) {
        const cy = 0.3 + pts / 5000;
        place(car, cy, 0.1, 0.2, 0.1);
        place(other, cy + 0.02, 0.1, 0.2, w);
        s.step(rule, pts);
      }
      const line = rule.lines[0]!;
      return cls === 'car'
        ? [line.total('down', 'car')]
        : [line.total('down', 'car'), line.total('down', cls)];
    };
    // A second box on the car (about as wide): one vehicle.
    expect(crossTogether(0.09, 'car')).toEqual([1]);
    // A motorcycle a third of the car's width, right in front of it: two road users.
    expect(crossTogether(0.03, 'motorcycle')).toEqual([1, 1]);
  });

  it("a track that crossed on a rider's part and sits on the rider's box as that crosses is that rider: counted once", () => {
    // Jakarta, two lines on one camera at 10 fps: a track on a rider's torso came off it onto the lower part
    // of the rider behind, crossed there 0.3 s before that rider's own track, and was on the same box as
    // that one when it crossed. `other`: the second track's box [top, bottom] at `pts`, given the rider's.
    const counted = (other: (pts: number, top: number, bottom: number) => [number, number]) => {
      const s = new RuleScene();
      const rule = new LineCrossings({ id: 'cam', lines: [LINE] });
      const rider = s.add(1, 'motorcycle', [0.485, 0.3, 0.515, 0.4]);
      const second = s.add(2, 'motorcycle', [0.485, 0.3, 0.515, 0.4]);
      const put = (t: SceneTrack, top: number, bottom: number) => {
        place(t, (top + bottom) / 2, bottom - top, 0.05, 0.03);
        Object.assign(t.track, { x1: 0.485, y1: top, x2: 0.515, y2: bottom });
      };
      for (let pts = 0; pts <= 5000; pts += 100) {
        // The rider's centre crosses at 3 s (down 0.05 of the frame a second), its box 0.1 tall.
        const cy = 0.35 + pts / 20_000;
        put(rider, cy - 0.05, cy + 0.05);
        put(second, ...other(pts, cy - 0.05, cy + 0.05));
        s.step(rule, pts);
      }
      for (const t of s.tracks) rule.trackEnded(t, s.ctx, true);
      return rule.lines[0]!.total('down', 'motorcycle');
    };
    // On the rider's lower part (crossing at 2.4 s) until 2.8 s, then on the rider's box.
    expect(counted((pts, top, bottom) => (pts < 2800 ? [bottom - 0.04, bottom] : [top, bottom]))).toBe(1);
    // Controls: a box inside the rider's all along is not the same box (this rule leaves it alone); a box over
    // this rider and one just ahead, that crossed 1 s before, holds two riders: both count.
    expect(counted((_pts, _top, bottom) => [bottom - 0.04, bottom])).toBe(2);
    expect(counted((_pts, top, bottom) => [top, bottom + 0.1])).toBe(2);
  });
});

describe('LineCrossings: faint parts of a vehicle', () => {
  /** Puts the track's box at centre (cx, cy), `w` x `h`, moving down at `vy`. */
  function at(t: SceneTrack, cx: number, cy: number, w: number, h: number, vy: number): void {
    t.track.kf.init(cx, cy, w, h);
    t.track.kf.s[3] = vy;
    t.track.x1 = cx - w / 2;
    t.track.y1 = cy - h / 2;
    t.track.x2 = cx + w / 2;
    t.track.y2 = cy + h / 2;
    t.info.cx = cx;
    t.info.cy = cy;
    t.info.by = cy + h / 2;
  }

  /**
   * A sure car 0.2 x 0.2 coming down at 0.2 a second (its centre on the line at 1 s), and, with `faintAt`, a
   * faint "car" box 0.06 x 0.08 scoring 0.12 whose centre is `below` (0.08) below the car's, at x
   * `faintAt`: it crosses `below` / 0.2 s (0.4 s) before the car. Returns the cars counted down.
   */
  function scene(faintAt: number | undefined, sureCar = true, below = 0.08): number {
    const s = new RuleScene();
    const rule = new LineCrossings({ id: 'cam', lines: [LINE] });
    const car = sureCar ? s.add(1, 'car', [0.4, 0.2, 0.6, 0.4]) : undefined;
    const part = faintAt === undefined ? undefined : s.add(2, 'car', [0, 0, 0.06, 0.08]);
    const py = 0.3 + below;
    const fx = faintAt ?? 0;
    if (part) {
      part.track.start(2, 'car', 0.12, fx - 0.03, py - 0.04, fx + 0.03, py + 0.04);
      part.track.state = 'tracked';
      part.track.hits = 10;
    }
    for (let pts = 0; pts <= 2000; pts += 100) {
      const cy = 0.3 + pts / 5000;
      if (car) at(car, 0.5, cy, 0.2, 0.2, 0.2);
      if (part) at(part, fx, cy + below, 0.06, 0.08, 0.2);
      s.step(rule, pts);
    }
    for (const t of s.tracks) rule.trackEnded(t, s.ctx, true);
    return rule.lines[0]!.total('down', 'car');
  }

  it("takes back a faint box's crossing when the sure car it lies in crosses the same way just after", () => {
    // On the lower left of the car's box: one car.
    expect(scene(0.44)).toBe(1);
    // Controls: the faint box beside the car, and alone, counts.
    expect(scene(0.7)).toBe(2);
    expect(scene(0.44, false)).toBe(1);
  });

  it("does not count a motorcycle box on a car's front corner, riding with it for over a second", () => {
    // Jakarta, 0.8 at 10 fps: a "motorcycle" box on the right front corner of the taxi in lane 1 (14.5 s),
    // inside the taxi's box on all of its 13 looks, crossed with it.
    const run = (dx: number) => {
      const s = new RuleScene();
      const rule = new LineCrossings({ id: 'cam', lines: [LINE] });
      const taxi = s.add(1, 'car', [0.35, 0.3, 0.43, 0.45]);
      const corner = s.add(2, 'motorcycle', [0.4 + dx, 0.35, 0.42 + dx, 0.44]);
      for (let pts = 0; pts <= 2500; pts += 100) {
        const cy = 0.375 + pts / 10000;
        at(taxi, 0.39, cy, 0.08, 0.15, 0.1);
        at(corner, 0.41 + dx, cy + 0.02, 0.02, 0.09, 0.1);
        s.step(rule, pts);
      }
      for (const t of s.tracks) rule.trackEnded(t, s.ctx, true);
      return [rule.lines[0]!.total('down', 'car'), rule.lines[0]!.total('down', 'motorcycle')];
    };
    expect(run(0)).toEqual([1, 0]);
    // Control: a rider beside the taxi is counted.
    expect(run(0.05)).toEqual([1, 1]);
  });

  it('counts a faint road user ahead of the car, seen apart from it when the car crosses where it crossed', () => {
    // 0.15 ahead (0.75 s): its crossing box lies inside the car's box when the car crosses, but the two are
    // seen apart then, and all the way (a faint rider ahead of a bike, Jakarta played backwards at 0.9).
    expect(scene(0.5, true, 0.15)).toBe(2);
  });
});
