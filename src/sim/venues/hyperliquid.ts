/**
 * Simulated Hyperliquid public side: POST /info (`meta` with and without `dex`, `perpDexs`,
 * `spotMeta`, `l2Book`, `allMids`) and the `/ws` stream with `l2Book` (the full 20-level book on
 * subscribe and on every change, `time` rising), `trades`, `activeAssetCtx` and `allMids`, the
 * `subscriptionResponse` ack, `{"channel":"error"}` refusals and `{"method":"ping"}` → pong.
 */
import { makeInstrument, type Instrument, type InstrumentSpec } from '../../model/instrument.ts';
import { Scale, stepOfDecimals, writtenDecimals } from '../../model/scale.ts';
import { SimVenueServer, type HttpAnswer, type PriceLevel, type SimBookChange, type SimConnection, type SimTrade, type VenueProtocol } from '../protocolServer.ts';

export interface HyperliquidSimOptions {
  /** Collateral token index per HIP-3 dex (0 = USDC, the default) and the spot tokens naming them. */
  readonly collateral?: Readonly<Record<string, number>>;
  readonly tokens?: readonly { readonly name: string; readonly index: number }[];
  readonly now?: () => number;
}

const DEPTH = 20;
const COIN_TYPES = new Set(['l2Book', 'trades', 'activeAssetCtx', 'bbo']);

function dexOf(coin: string): string {
  const colon = coin.indexOf(':');
  return colon < 0 ? '' : coin.slice(0, colon);
}


/** FNV-1a of a string: a stable numeric tid for a sim trade id that is not a number. */
function numericId(id: string): number {
  if (/^\d{1,15}$/.test(id)) return Number(id);
  let h = 2166136261;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 16777619);
  return h >>> 0;
}

class HyperliquidProtocol implements VenueProtocol {
  readonly venue = 'hyperliquid' as const;
  private readonly insts = new Map<string, Instrument>();

  constructor(
    instruments: readonly InstrumentSpec[],
    private readonly opts: HyperliquidSimOptions,
  ) {
    for (const s of instruments) this.insts.set(s.symbol, makeInstrument(s));
  }

  private dexes(server: SimVenueServer): string[] {
    return [...new Set(server.instruments.map((i) => dexOf(i.symbol)).filter((d) => d !== ''))];
  }

  http(server: SimVenueServer, method: string, path: string, _query: URLSearchParams, body: string): HttpAnswer | undefined {
    if (method !== 'POST' || path !== '/info') return undefined;
    let req: { type?: unknown; dex?: unknown; coin?: unknown };
    try {
      req = JSON.parse(body) as typeof req;
    } catch {
      return { status: 422, body: 'Failed to deserialize the JSON body into the target type' };
    }
    switch (req.type) {
      case 'meta': {
        const dex = typeof req.dex === 'string' ? req.dex : '';
        if (dex !== '' && !this.dexes(server).includes(dex)) return { status: 500, body: `unknown dex ${dex}` };
        const universe = server.instruments
          .filter((i) => dexOf(i.symbol) === dex)
          .map((i) => ({ name: i.symbol, szDecimals: writtenDecimals(i.lotSize), maxLeverage: 20, ...(i.status === 'delisted' ? { isDelisted: true } : {}) }));
        return { status: 200, body: { universe, marginTables: [], collateralToken: this.opts.collateral?.[dex] ?? 0 } };
      }
      case 'perpDexs':
        return { status: 200, body: [null, ...this.dexes(server).map((name) => ({ name, fullName: name.toUpperCase(), deployer: '0x0000000000000000000000000000000000000000', oracleUpdater: null }))] };
      case 'spotMeta':
        return { status: 200, body: { tokens: [{ name: 'USDC', szDecimals: 8, weiDecimals: 8, index: 0, isCanonical: true }, ...(this.opts.tokens ?? [])], universe: [] } };
      case 'l2Book': {
        const coin = typeof req.coin === 'string' ? req.coin : '';
        // The venue answers an unknown coin with null.
        return { status: 200, body: this.insts.has(coin) ? this.l2Book(server, coin) : null };
      }
      case 'allMids':
        return { status: 200, body: this.mids(server) };
      default:
        return { status: 422, body: 'Failed to deserialize the JSON body into the target type' };
    }
  }

  message(server: SimVenueServer, conn: SimConnection, text: string): void {
    let req: { method?: unknown; subscription?: unknown };
    try {
      req = JSON.parse(text) as typeof req;
    } catch {
      return conn.reply(JSON.stringify({ channel: 'error', data: `Error parsing JSON into valid websocket request: ${text}` }));
    }
    if (req.method === 'ping') return conn.reply('{"channel":"pong"}');
    const sub = req.subscription as { type?: unknown; coin?: unknown } | undefined;
    if ((req.method !== 'subscribe' && req.method !== 'unsubscribe') || typeof sub !== 'object' || sub === null) {
      return conn.reply(JSON.stringify({ channel: 'error', data: `Error parsing JSON into valid websocket request: ${text}` }));
    }
    const type = String(sub.type);
    const coin = typeof sub.coin === 'string' ? sub.coin : undefined;
    const valid = type === 'allMids' ? coin === undefined : COIN_TYPES.has(type) && coin !== undefined && this.insts.has(coin);
    if (!valid) return conn.reply(JSON.stringify({ channel: 'error', data: `Invalid subscription ${JSON.stringify(sub)}` }));
    const topic = coin === undefined ? type : `${type}:${coin}`;
    if (req.method === 'unsubscribe') {
      if (!conn.topics.delete(topic)) return conn.reply(JSON.stringify({ channel: 'error', data: `Already unsubscribed: ${JSON.stringify(sub)}` }));
      return conn.reply(JSON.stringify({ channel: 'subscriptionResponse', data: { method: 'unsubscribe', subscription: sub } }));
    }
    if (conn.topics.has(topic)) return conn.reply(JSON.stringify({ channel: 'error', data: `Already subscribed: ${JSON.stringify(sub)}` }));
    conn.topics.add(topic);
    conn.reply(JSON.stringify({ channel: 'subscriptionResponse', data: { method: 'subscribe', subscription: sub } }));
    // The venue starts each feed with its current state.
    if (type === 'l2Book') this.snapshot(server, conn, coin!);
    else if (type === 'allMids') conn.send(JSON.stringify({ channel: 'allMids', data: { mids: this.mids(server) } }));
    else if (type === 'activeAssetCtx') conn.send(this.ctxFrame(server, coin!));
  }

  snapshot(server: SimVenueServer, conn: SimConnection, symbol: string): void {
    this.stamp(server, symbol);
    conn.send(JSON.stringify({ channel: 'l2Book', data: this.l2Book(server, symbol) }));
  }

  /** Moves the book's time (its seq) forward: strictly rising, on the server's clock where it can. */
  private stamp(server: SimVenueServer, symbol: string): void {
    const book = server.book(symbol);
    book.seq = Math.max(server.now(), book.seq + 1);
  }

  private l2Book(server: SimVenueServer, coin: string): unknown {
    const book = server.book(coin);
    const side = (levels: PriceLevel[]) => levels.map(([px, sz]) => ({ px, sz, n: 1 }));
    return { coin, time: book.seq, levels: [side(book.bids.top(DEPTH)), side(book.asks.top(DEPTH))] };
  }

  /** The mid of a book as text; one more decimal than the tick when it falls between two ticks. */
  private mid(server: SimVenueServer, coin: string): string | undefined {
    const inst = this.insts.get(coin)!;
    const [bid] = server.book(coin).bids.top(1);
    const [ask] = server.book(coin).asks.top(1);
    if (!bid || !ask) return undefined;
    const sum = inst.price.toInt(bid[0]) + inst.price.toInt(ask[0]);
    if (sum % 2 === 0) return inst.price.toText(sum / 2);
    return new Scale(stepOfDecimals(inst.price.decimals + 1)).toText((sum * 5 * inst.price.units));
  }

  private mids(server: SimVenueServer): Record<string, string> {
    const out: Record<string, string> = {};
    // allMids without `dex` covers the main dex only, as on the venue.
    for (const coin of this.insts.keys()) {
      if (dexOf(coin) !== '') continue;
      const m = this.mid(server, coin);
      if (m !== undefined) out[coin] = m;
    }
    return out;
  }

  private ctxFrame(server: SimVenueServer, coin: string): string {
    const mid = this.mid(server, coin) ?? '0';
    const ctx = { funding: '0.0000125', openInterest: '1000.0', prevDayPx: mid, dayNtlVlm: '0.0', premium: '0.0', oraclePx: mid, markPx: mid, midPx: mid, impactPxs: [mid, mid] };
    return JSON.stringify({ channel: 'activeAssetCtx', data: { coin, ctx } });
  }

  publish(server: SimVenueServer, symbol: string, change: SimBookChange, trades: readonly SimTrade[]): void {
    const book = server.book(symbol);
    const changed = (change.bids?.length ?? 0) + (change.asks?.length ?? 0) > 0;
    book.apply(change);
    if (changed) {
      // No deltas here, so a gap fault can only skip a time value; the next full book still rebuilds.
      if (server.take('gap')) book.seq++;
      this.stamp(server, symbol);
      server.push(`l2Book:${symbol}`, () => JSON.stringify({ channel: 'l2Book', data: this.l2Book(server, symbol) }));
      if (dexOf(symbol) === '') server.push('allMids', () => JSON.stringify({ channel: 'allMids', data: { mids: this.mids(server) } }));
      server.push(`activeAssetCtx:${symbol}`, () => this.ctxFrame(server, symbol));
    }
    if (trades.length > 0) {
      const data = trades.map((t) => ({
        coin: symbol,
        side: t.side === 'buy' ? 'B' : 'A',
        px: t.price,
        sz: t.qty,
        time: t.ts,
        hash: `0x${numericId(t.id).toString(16).padStart(64, '0')}`,
        tid: numericId(t.id),
        users: ['0x0000000000000000000000000000000000000001', '0x0000000000000000000000000000000000000002'],
      }));
      const frame = JSON.stringify({ channel: 'trades', data });
      for (const c of server.subscribers(`trades:${symbol}`)) c.send(frame);
    }
  }
}

/** Returns an unstarted simulated Hyperliquid venue serving these instruments (coins `BTC`, `xyz:NVDA`). */
export function createHyperliquidSimServer(instruments: InstrumentSpec[], opts: HyperliquidSimOptions = {}): SimVenueServer {
  return new SimVenueServer({ protocol: new HyperliquidProtocol(instruments, opts), instruments, ...(opts.now ? { now: opts.now } : {}) });
}
