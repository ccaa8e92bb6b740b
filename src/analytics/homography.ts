/**
 * Ground-plane homography from four image points (fractions of the frame) to four world points (metres),
 * solved by direct linear transform with h33 = 1.
 */
export class Homography {
  private constructor(private readonly h: Float64Array) {}

  static fromPoints(
    image: readonly (readonly [number, number])[],
    world: readonly (readonly [number, number])[],
  ): Homography {
    if (image.length !== 4 || world.length !== 4)
      throw new Error('calibration needs exactly 4 image and 4 world points');
    // 8 equations, 8 unknowns: A h = b.
    const A: number[][] = [];
    const b: number[] = [];
    for (let i = 0; i < 4; i++) {
      const [x, y] = image[i]!;
      const [X, Y] = world[i]!;
      A.push([x, y, 1, 0, 0, 0, -x * X, -y * X]);
      b.push(X);
      A.push([0, 0, 0, x, y, 1, -x * Y, -y * Y]);
      b.push(Y);
    }
    const sol = solve(A, b);
    if (!sol) {
      throw new Error(
        'calibration points are degenerate (three of them on one line?): cannot compute the homography',
      );
    }
    return new Homography(Float64Array.from([...sol, 1]));
  }

  /** Maps an image point (fractions) to the ground plane (metres); writes into out[0], out[1]. */
  map(x: number, y: number, out: Float64Array): void {
    const h = this.h;
    const w = h[6]! * x + h[7]! * y + h[8]!;
    out[0] = (h[0]! * x + h[1]! * y + h[2]!) / w;
    out[1] = (h[3]! * x + h[4]! * y + h[5]!) / w;
  }
}

/** Gaussian elimination with partial pivoting; undefined when singular. */
function solve(A: number[][], b: number[]): number[] | undefined {
  const n = b.length;
  const M = A.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r]![c]!) > Math.abs(M[p]![c]!)) p = r;
    if (Math.abs(M[p]![c]!) < 1e-12) return undefined;
    [M[c], M[p]] = [M[p]!, M[c]!];
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = M[r]![c]! / M[c]![c]!;
      for (let k = c; k <= n; k++) M[r]![k] = M[r]![k]! - f * M[c]![k]!;
    }
  }
  return M.map((row, i) => row[n]! / row[i]!);
}
