/**
 * Constant-velocity Kalman filter on a box (centre x, centre y, width, height), in fractions of the image
 * and fractions per second. The four axes are independent, so each is a 2-state filter (position,
 * velocity) with a 2x2 covariance kept inline: no matrices, no allocation per step.
 * Noise follows ByteTrack: proportional to the box size, so near and far objects behave alike.
 */

/** Position noise per frame, as a fraction of the box size (ByteTrack: 1/20). */
const W_POS = 1 / 20;
/**
 * Velocity noise per frame, as a fraction of the box size. ByteTrack uses 1/160; roadside views have
 * strong perspective (a car approaching the camera speeds up and grows in the image), so the velocity
 * has to follow faster.
 */
const W_VEL = 1 / 60;
/** ByteTrack's weights are per frame at about 30 fps; our time steps are in seconds. */
const REF_FPS = 30;

// Layout per axis i (0 cx, 1 cy, 2 w, 3 h): s[2i] position, s[2i+1] velocity; P[3i..3i+2] = p00, p01, p11.
export class KalmanBox {
  readonly s = new Float64Array(8);
  readonly P = new Float64Array(12);

  init(cx: number, cy: number, w: number, h: number): void {
    const s = this.s;
    s[0] = cx;
    s[2] = cy;
    s[4] = w;
    s[6] = h;
    s[1] = s[3] = s[5] = s[7] = 0;
    for (let i = 0; i < 4; i++) {
      const size = this.sizeFor(i);
      const sp = 2 * W_POS * size;
      const sv = 10 * W_VEL * size * REF_FPS;
      this.P[3 * i] = sp * sp;
      this.P[3 * i + 1] = 0;
      this.P[3 * i + 2] = sv * sv;
    }
  }

  get cx(): number {
    return this.s[0]!;
  }
  get cy(): number {
    return this.s[2]!;
  }
  get w(): number {
    return this.s[4]!;
  }
  get h(): number {
    return this.s[6]!;
  }
  get vx(): number {
    return this.s[1]!;
  }
  get vy(): number {
    return this.s[3]!;
  }
  /** Height velocity (fractions per second): the box bottom moves at vy + vh / 2. */
  get vh(): number {
    return this.s[7]!;
  }

  /** Noise scale of an axis: x-like axes scale with the width, y-like with the height. */
  private sizeFor(axis: number): number {
    const w = Math.max(this.s[4]!, 1e-3);
    const h = Math.max(this.s[6]!, 1e-3);
    return axis === 0 || axis === 2 ? w : h;
  }

  /** Advances the state by dt seconds. `freezeSize` zeroes the size velocity (coasting, as ByteTrack does). */
  predict(dt: number, freezeSize = false): void {
    if (dt <= 0) return;
    const s = this.s;
    const P = this.P;
    if (freezeSize) {
      s[5] = 0;
      s[7] = 0;
    }
    const k = dt * REF_FPS;
    for (let i = 0; i < 4; i++) {
      const size = this.sizeFor(i);
      const qp = W_POS * size;
      const qv = W_VEL * size * REF_FPS;
      s[2 * i] = s[2 * i]! + s[2 * i + 1]! * dt;
      const p00 = P[3 * i]!;
      const p01 = P[3 * i + 1]!;
      const p11 = P[3 * i + 2]!;
      P[3 * i] = p00 + 2 * dt * p01 + dt * dt * p11 + qp * qp * k;
      P[3 * i + 1] = p01 + dt * p11;
      P[3 * i + 2] = p11 + qv * qv * k;
    }
    if (s[4]! < 1e-4) s[4] = 1e-4;
    if (s[6]! < 1e-4) s[6] = 1e-4;
  }

  /**
   * Restarts at a measured box that is not a plausible next view of the tracked box (its size changed too
   * much at once): another object's box taken for the track, or a box cut to part of the object. A
   * correction would turn the jump into a velocity, and the track would coast on in that direction; the
   * velocity restarts from zero instead, unless the box lies ahead of the prediction along the motion: a
   * vehicle nearing the camera grows by more than that from one detector frame to the next at 10 fps, and
   * without its velocity the track, missed for a frame or two, was not found again where the vehicle went.
   */
  restartAt(cx: number, cy: number, w: number, h: number): void {
    const vx = this.s[1]!;
    const vy = this.s[3]!;
    const ahead = (cx - this.s[0]!) * vx + (cy - this.s[2]!) * vy > 0;
    this.init(cx, cy, w, h);
    if (ahead) {
      this.s[1] = vx;
      this.s[3] = vy;
    }
  }

  /** Sets the centre's velocity (fractions of the frame a second), e.g. for coasting. */
  setVelocity(vx: number, vy: number): void {
    this.s[1] = vx;
    this.s[3] = vy;
  }

  /** Corrects the state with a measured box. */
  update(cx: number, cy: number, w: number, h: number): void {
    const s = this.s;
    const P = this.P;
    for (let i = 0; i < 4; i++) {
      const z = i === 0 ? cx : i === 1 ? cy : i === 2 ? w : h;
      const size = this.sizeFor(i);
      const sr = W_POS * size;
      const p00 = P[3 * i]!;
      const p01 = P[3 * i + 1]!;
      const p11 = P[3 * i + 2]!;
      const S = p00 + sr * sr;
      const k0 = p00 / S;
      const k1 = p01 / S;
      const y = z - s[2 * i]!;
      s[2 * i] = s[2 * i]! + k0 * y;
      s[2 * i + 1] = s[2 * i + 1]! + k1 * y;
      P[3 * i] = (1 - k0) * p00;
      P[3 * i + 1] = (1 - k0) * p01;
      P[3 * i + 2] = p11 - k1 * p01;
    }
  }
}
