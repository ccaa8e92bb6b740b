/** This process's CPU use between two samples, in percent of one core (user + system). */
export class ProcessCpu {
  private lastCpu = process.cpuUsage();
  private lastAt = performance.now();

  /** Percent of one core used since the previous call (or since construction), one decimal. */
  percentSinceLast(): number {
    const cpu = process.cpuUsage();
    const now = performance.now();
    const usedUs = cpu.user - this.lastCpu.user + (cpu.system - this.lastCpu.system);
    const elapsedUs = (now - this.lastAt) * 1000;
    this.lastCpu = cpu;
    this.lastAt = now;
    return elapsedUs > 0 ? Math.round((usedUs / elapsedUs) * 1000) / 10 : 0;
  }
}
