import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { SystemClock } from '../../src/core/clock.ts';
import { FleetError } from '../../src/core/errors.ts';
import { RestClient, withRetry } from '../../src/adapters/rest.ts';

describe('RestClient.close', () => {
  it('aborts a request in flight with a non-retryable error, so no retry loop outlives a stop', async () => {
    const server = createServer(() => {}); // never answers
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const clock = new SystemClock();
    const rest = new RestClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, { clock, timeoutMs: 30_000 });
    const pending = withRetry(() => rest.get('/slow'), { clock, attempts: 5 });
    await new Promise((r) => setTimeout(r, 100));
    const t0 = performance.now();
    rest.close();
    const err = await pending.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FleetError);
    expect((err as FleetError).errorClass).toBe('non-retryable');
    expect((err as FleetError).message).toMatch(/client is closed/);
    expect(performance.now() - t0).toBeLessThan(5_000);
    await expect(rest.get('/again')).rejects.toThrow(/client is closed/);
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });
});
