// The tracker's settings and their defaults (ByteTracker).

export interface TrackerOptions {
  /** Detections at or above this score are "high" (first association stage, may start tracks). */
  highScore: number;
  /** Detections below this score are ignored; between low and high they only extend existing tracks. */
  lowScore: number;
  /** A new track starts only from an unmatched detection at or above this score. */
  newTrackScore: number;
  /**
   * A weak track (a far or small vehicle the detector is unsure of) starts from a detection at or above
   * this score, and is confirmed only after `weakHits` matches along a moving path.
   */
  weakTrackScore: number;
  weakHits: number;
  /** Similarity (buffered IoU) needed in the first stage. */
  matchFirst: number;
  /** Similarity (buffered IoU) needed in the second (low-score) stage. */
  matchSecond: number;
  /** IoU needed to extend a tentative track. */
  matchTentative: number;
  /** Box growth for the first stage's buffered IoU (fraction of box size per side). */
  buffer: number;
  /** Box growth when extending tentative tracks, whose velocity is not known yet. */
  bufferTentative: number;
  /** Extra box growth per second a track has been lost. */
  lostGrowth: number;
  /** Similarity factor when a detection's class group differs from the track's (vehicle / two-wheeler / person). */
  crossClassFactor: number;
  /** Matches needed before a track is confirmed. */
  minHits: number;
  /** Observed time a lost track is kept for re-identification, ms. */
  lostBufferMs: number;
  /**
   * Detector frames in a row a tentative track may go unmatched and live on (ByteTrack: 0). A rider in a
   * dense clump, or a far vehicle near the score threshold, is missed now and then; with no second chance
   * its track never confirms at a low detection rate and the vehicle is counted late or not at all.
   */
  tentativeMisses: number;
  /**
   * ... and for this observed time since its last match, however many frames that is (ms): what one
   * missed frame is at the default 10 fps. At a high detection rate a lorry in spray, or a faint rider in
   * a queue, is missed two or three frames in a row as often as once at 10 fps, and its track would start
   * over and over, never confirmed: counts would depend on the detection rate.
   */
  tentativeLostMs: number;
  /**
   * A tentative track matched only by a low-score detection (below `weakTrackScore`) lives on and follows
   * it, but gains no hit toward confirmation: a car in spray whose scores swing between 0.13 and 0.35
   * would otherwise start and die tentative again and again, never confirmed and never counted. Such a
   * track is then confirmed as a weak one (`weakHits`, and only once it moved: not clutter standing still),
   * and only in its first moments, alone, and on boxes about its own size (keep-low.ts).
   */
  tentativeKeepLow: boolean;
  /** Drop person detections riding a detected motorcycle or bicycle. */
  suppressRiders: boolean;
  /** Correct head-on motorcycles the detector calls "car" (see reclassify.ts). */
  correctClasses: boolean;
}

export const DEFAULT_TRACKER_OPTIONS: TrackerOptions = {
  highScore: 0.35,
  lowScore: 0.1,
  newTrackScore: 0.4,
  weakTrackScore: 0.2,
  weakHits: 3,
  matchFirst: 0.2,
  matchSecond: 0.3,
  matchTentative: 0.25,
  buffer: 0.3,
  bufferTentative: 0.7,
  lostGrowth: 0.5,
  crossClassFactor: 0.5,
  minHits: 2,
  lostBufferMs: 2000,
  tentativeMisses: 1,
  tentativeLostMs: 100,
  tentativeKeepLow: true,
  suppressRiders: true,
  correctClasses: true,
};
