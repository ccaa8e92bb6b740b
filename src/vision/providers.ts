import ort from 'onnxruntime-node';
import type { DetectorConfig } from '../config/schema.js';

type ProviderName = DetectorConfig['executionProviders'][number];

/**
 * Checks the configured execution providers against what this onnxruntime-node build can load, so a
 * provider it lacks fails at start with a clear message rather than deep inside session creation.
 */
export function checkExecutionProviders(wanted: readonly ProviderName[]): string[] {
  const backends = ort.listSupportedBackends();
  const supported = new Map(backends.map((b) => [b.name, b.bundled]));
  const list = backends.map((b) =>
    b.bundled ? b.name : `${b.name} (needs its runtime libraries installed)`,
  );
  for (const name of wanted) {
    if (!supported.has(name)) {
      throw new Error(
        `detector.executionProviders: "${name}" is not supported by this onnxruntime-node build; it supports: ${list.join(', ')}`,
      );
    }
  }
  return [...wanted];
}

/** Rewords a session-creation failure caused by a provider whose libraries are not installed. */
export function explainProviderFailure(err: unknown, wanted: readonly ProviderName[]): Error {
  const message = err instanceof Error ? err.message : String(err);
  const backends = ort.listSupportedBackends();
  const external = wanted.filter((w) => backends.some((b) => b.name === w && !b.bundled));
  if (external.length > 0 && /load|shared librar|provider/i.test(message)) {
    return new Error(
      `detector.executionProviders: could not start ${external.join(', ')}: its runtime libraries are not installed ` +
        `(onnxruntime-node does not bundle them); use ["cpu"] or install them. ONNX Runtime said: ${message}`,
    );
  }
  return err instanceof Error ? err : new Error(message);
}
