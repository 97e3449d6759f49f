import { fileURLToPath } from 'node:url';
import { freePort } from '../../harness/local-server.ts';
import { startLoopbackService } from './loopback-service.ts';
import { DEBIAN, requireTool } from './tools.ts';

/** The modules the project ships for operators: the tests probe with this very file. */
export const BLACKBOX_CONFIG = fileURLToPath(
  new URL('../../monitoring/blackbox.yml', import.meta.url),
);

export interface BlackboxExporter {
  /** The metrics of one probe, as Prometheus would scrape them. */
  probe: (module: string, target: string) => Promise<string>;
  stop: () => Promise<void>;
}

/** The value of a metric without labels in a probe's metrics, or undefined. */
export function metric(metrics: string, name: string): number | undefined {
  const line = metrics.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
}

/** Runs Debian's prometheus-blackbox-exporter with `config` on a loopback port. */
export async function startBlackboxExporter(
  config: string = BLACKBOX_CONFIG,
  timeoutMs = 20_000,
): Promise<BlackboxExporter> {
  const exporter = requireTool(
    'prometheus-blackbox-exporter',
    DEBIAN('prometheus-blackbox-exporter'),
  );
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const { stop } = await startLoopbackService(
    'prometheus-blackbox-exporter',
    exporter,
    [`--config.file=${config}`, `--web.listen-address=127.0.0.1:${port}`],
    `${base}/-/healthy`,
    timeoutMs,
  );
  const probe = async (module: string, target: string): Promise<string> => {
    const query = new URLSearchParams({ module, target, debug: 'true' });
    const reply = await fetch(`${base}/probe?${query}`, { signal: AbortSignal.timeout(15_000) });
    return reply.text();
  };
  return { probe, stop };
}
