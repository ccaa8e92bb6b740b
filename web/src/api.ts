/** The box's API, with the access token kept in this browser (localStorage) when the box has one. */
const TOKEN_KEY = 'ioc-edge.token';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: {
      error?: string;
      problems?: { path: string; message: string }[];
      failures?: string[];
    } & Record<string, unknown>,
  ) {
    super(body.error ?? `HTTP ${status}`);
  }
}

/** Called when the box answers 401: the app shows the sign-in form. */
export let onUnauthorized: () => void = () => {};
export function setUnauthorizedHandler(f: () => void): void {
  onUnauthorized = f;
}

export function token(): string | null {
  return localStorage.getItem(TOKEN_KEY);
}

export function setToken(value: string | null): void {
  if (value) localStorage.setItem(TOKEN_KEY, value);
  else localStorage.removeItem(TOKEN_KEY);
}

function headers(extra: Record<string, string> = {}): Record<string, string> {
  const tk = token();
  return tk ? { ...extra, authorization: `Bearer ${tk}` } : extra;
}

async function request(method: string, path: string, body?: unknown): Promise<Response> {
  const res = await fetch(path, {
    method,
    headers: headers(body === undefined ? {} : { 'content-type': 'application/json' }),
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status === 401) onUnauthorized();
  return res;
}

export async function getJson<T>(path: string): Promise<T> {
  const res = await request('GET', path);
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new ApiError(res.status, body);
  return body as T;
}

export async function sendJson<T>(
  method: 'POST' | 'PUT' | 'DELETE',
  path: string,
  body?: unknown,
): Promise<T> {
  const res = await request(method, path, body);
  const out = await res.json().catch(() => ({}));
  if (!res.ok) throw new ApiError(res.status, out);
  return out as T;
}

/** An image the API serves behind the token, as an object URL (revoke it when replaced). */
export async function imageUrl(path: string): Promise<string | undefined> {
  const res = await request('GET', path);
  if (!res.ok) return undefined;
  return URL.createObjectURL(await res.blob());
}

/** Checks a token against the box (any authenticated route). */
export async function tokenWorks(candidate: string): Promise<boolean> {
  const res = await fetch('/api/health', { headers: { authorization: `Bearer ${candidate}` } });
  return res.ok;
}

export interface CameraInfo {
  id: string;
  name?: string;
  enabled: boolean;
  url: string;
  transport: 'tcp' | 'udp';
  lines: number;
  zones: number;
  state: string;
  reason?: string;
  fps?: { input?: number; frame: number; processed: number; detect: number };
  /** `regions`: where detection looks closer than the whole picture now (crop in fractions, model input size). */
  detect?: { enabled: boolean; fps: number; regions?: Region[] };
  lastFrameAgeMs?: number;
  stream?: { codec: string; width: number; height: number; fps?: number };
  liveViewers: number;
}

export type Point = [number, number];
export interface Region {
  rect: [number, number, number, number];
  width: number;
  height: number;
}
export interface Line {
  id: string;
  points: [Point, Point];
  directions: [string, string];
  anchor?: string;
  classes?: string[];
}
export interface Zone {
  id: string;
  polygon: Point[];
  kind: string;
  [k: string]: unknown;
}

export interface LineCounts {
  camera: string;
  line: string;
  directions: string[];
  intervals: {
    startMs: number;
    endMs: number;
    total: number;
    counts: Record<string, Record<string, number>>;
  }[];
  /** How tall two-wheelers are at the line (null while the camera does not detect). */
  size: {
    heightPct: number | null;
    modelPx: number | null;
    status: 'ok' | 'small' | 'unknown';
    /** What the height was learnt from (absent while unknown). */
    from?: 'two-wheelers' | 'cars';
    /** For a small line: the detect.regionWidth that would make them large enough (null: none would). */
    regionWidth?: number | null;
    /** ... and the detect.budget regions that wide need. */
    budget?: number;
    /** The gateway is growing its detection regions for this small line: the warning waits. */
    sizing?: true;
  } | null;
}
