// Headline figures of bench:accuracy's incidents: the fallen cyclist where it was cut out and elsewhere.
import { at, list, num, type Row } from './rows.js';

/** The fallen cyclist, the vehicle stopping by it and the junction's own traffic (accuracy-incidents.ts). */
export function incidentRows(d: unknown): Row[] {
  if (!d) return [];
  const places = list(d, 'fallen', 'places');
  const worst = num(d, 'fallen', 'worstSeconds');
  const wrong = places.filter((p) => (num(p, 'others') ?? 0) > 0).length;
  const twice = places.filter((p) => (num(p, 'onIt') ?? 0) > 0).length;
  const ways = places.some((p) => at(p, 'ride') === true) ? ', appearing lying or riding in and falling' : '';
  const rows: Row[] = [
    {
      area: 'Incidents',
      figure: `fallen cyclist composed into the junction clip, ${places.length} scenes${ways}: road_obstacle raised after the fall (worst)`,
      value:
        worst === undefined
          ? 'not raised everywhere'
          : `${worst} s${wrong ? `; ${wrong} scenes with a box elsewhere` : ''}${twice ? `; ${twice} with two incidents on it` : ''}`,
      goal: '≤ 5 s, where it lies',
      verdict: worst !== undefined && worst <= 5 && wrong === 0 ? 'pass' : 'miss',
    },
  ];
  const car = num(d, 'stoppingCar', 'raisedAfter');
  rows.push({
    area: 'Incidents',
    figure: 'a car stopping by it (the ambulance): stopped_vehicle after it stopped (zone stoppedAfter 10 s)',
    value: car === undefined ? 'not raised' : `${car} s`,
    goal: 'raised',
    verdict: car !== undefined && (num(d, 'stoppingCar', 'obstaclesOnCar') ?? 0) === 0 ? 'pass' : 'miss',
  });
  const alarms = num(d, 'junction', 'falseAlarms');
  if (alarms !== undefined) {
    rows.push({
      area: 'Incidents',
      figure:
        'junction as recorded (cars waiting to turn, cyclist waiting, parked car): road_obstacle or stopped_vehicle',
      value: String(alarms),
      goal: '0',
      verdict: alarms === 0 ? 'pass' : 'miss',
    });
  }
  const lights = list(d, 'lightChanges', 'scenes');
  if (lights.length > 0) {
    const raised = num(d, 'lightChanges', 'falseAlarms') ?? 0;
    rows.push({
      area: 'Incidents',
      figure: `changes of light composed into the junction (a stopped car's headlights, its shadow, a cloud's shadow), ${lights.length} runs: road_obstacle`,
      value: String(raised),
      goal: '0',
      verdict: raised === 0 ? 'pass' : 'miss',
    });
  }
  return rows;
}

/** The fallen cyclist composed into other clips' roads (accuracy-fallen-elsewhere.ts). */
export function fallenElsewhereRows(d: unknown): Row[] {
  const total = num(d, 'total');
  const within = num(d, 'within5s');
  if (total === undefined || within === undefined) return [];
  const scenes = list(d, 'scenes');
  const roads = new Set(scenes.map((s) => at(s, 'road'))).size;
  const wrong = scenes.filter((s) => (num(s, 'others') ?? 0) > 0).length;
  return [
    {
      area: 'Incidents',
      figure: `the same fallen cyclist composed into ${roads} other roads, ${total} scenes (lying, riding in): road_obstacle within 5 s where it lies`,
      value: `${within} of ${total} (raised at all: ${num(d, 'raised')})${wrong ? `; ${wrong} scenes with a box elsewhere` : ''}`,
      goal: "all, ≤ 5 s (the goal is the junction's; these show how it carries)",
      verdict: within === total && wrong === 0 ? 'pass' : 'miss',
    },
  ];
}
