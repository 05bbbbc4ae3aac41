import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/core/logger.ts';

describe('logger', () => {
  it('redacts secrets wherever the config or a request carries them', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, cb) {
        lines.push(String(chunk));
        cb();
      },
    });
    const log = createLogger({ destination: sink });
    log.info({ config: { venues: { okx: { key: 'K-123', secret: 'S-456', passphrase: 'P-789', enabled: true } } } }, 'config');
    log.info({ req: { headers: { authorization: 'Bearer tok-abc' } }, token: 'tok-def' }, 'request');
    log.info({ venue: { secret: 'S-000' } }, 'nested');
    const text = lines.join('');
    for (const secret of ['K-123', 'S-456', 'P-789', 'tok-abc', 'tok-def', 'S-000']) expect(text).not.toContain(secret);
    expect(text).toContain('[redacted]');
    expect(JSON.parse(lines[0]!).config.venues.okx.enabled).toBe(true);
  });
});
