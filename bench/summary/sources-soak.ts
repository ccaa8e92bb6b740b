// The 1-hour camera soak (npm run soak:cameras): memory and descriptors flat while cameras drop and return.
import { at, goalRow, num, type Row } from './rows.js';

/**
 * RSS is the leak criterion: PSS also moves when other node processes on the machine start or stop (they
 * share the node binary's pages), so it is shown beside it, not judged. Flat = less than 1 % of the
 * gateway's RSS per hour (about 3 MB/h here, a quarter of a GB over a quarter year, and the soak's own
 * slope still falls as the heap settles).
 */
export function soak(r: unknown): Row[] {
  const minutes = num(r, 'options', 'minutes');
  const pss = at(r, 'thirds', 'gatewayPssMb') as number[] | undefined;
  const samples = at(r, 'samples') as { gatewayRssMb: number }[] | undefined;
  const lastRss = samples?.at(-1)?.gatewayRssMb;
  const head = `${minutes ?? '?'} min soak, 4 cameras dropping (${num(r, 'flaps') ?? '?'} drops)`;
  return [
    goalRow(
      'Soak',
      `${head}: gateway RSS slope after warm-up (MB/h)`,
      num(r, 'slopes', 'gatewayRssMbPerHour'),
      { atMost: lastRss ? Math.round(lastRss) / 100 : 3 },
      'MB/h',
    ),
    goalRow('Soak', `${head}: open fds slope (per hour)`, num(r, 'slopes', 'fdsPerHour'), { atMost: 0.5 }),
    goalRow('Soak', `${head}: cameras streaming at the end`, num(r, 'streamingAtEnd'), { atLeast: 4 }),
    {
      area: 'Soak',
      figure: `${head}: gateway PSS first/last third; ffmpeg PSS slope`,
      value: `${pss ? pss.join(' / ') : '?'} MB; ${num(r, 'slopes', 'ffmpegPssMbPerHour') ?? '?'} MB/h`,
      goal: '—',
      verdict: 'info',
    },
  ];
}
