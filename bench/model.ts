// How a measured cold start would cost on Lambda at this function's memory size.
//
// Lambda allocates CPU in proportion to memory: one full vCPU at 1,769 MB (AWS Lambda
// Developer Guide, "Configuring Lambda function memory"), so at 128 MB an invoke runs on
// 128/1769 of a vCPU, about 1/14. The init phase, by the measurements AWS users have
// published, runs unthrottled (and ahead of any request under provisioned concurrency or
// proactive initialisation). So CPU spent at init costs its own time, and CPU spent in
// the first invoke costs 1769/128 times its time.

export const FULL_VCPU_MB = 1769;
export const MEMORY_MB = 128;

/** The modelled first response at MEMORY_MB: init CPU + invoke CPU × FULL_VCPU_MB / MEMORY_MB. */
export function modelledFirstResponseMs(initCpuMs: number, invokeCpuMs: number): number {
  return initCpuMs + invokeCpuMs * (FULL_VCPU_MB / MEMORY_MB);
}
