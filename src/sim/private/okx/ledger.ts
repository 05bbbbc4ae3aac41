/**
 * What a private side remembers about the orders it placed, beyond the engine's view: which
 * symbol an id belongs to (Bitget's spot order query names no symbol), the venue's own request
 * fields the engine does not keep (OKX tdMode, a quote-sized market buy), and orders the venue
 * accepts and then cancels itself where the engine refused them outright (a post-only that would
 * take, a FOK that cannot fill): the venue answers those with an order id, so they must exist.
 */
import type { SimExchange, SimOrder, SimRejectCode } from '../../matching/types.ts';

export interface LedgerEntry<M> {
  readonly symbol: string;
  readonly meta: M;
  /** Whether the client named the client order id (OKX shows "" when it did not). */
  readonly clientGiven: boolean;
  /** Set once the client itself canceled it (OKX cancelSource 1 vs the system's). */
  userCanceled?: boolean;
}

export class OrderLedger<M> {
  private readonly entries = new Map<string, LedgerEntry<M>>();
  private readonly byClient = new Map<string, string>();
  private readonly ghosts = new Map<string, SimOrder>();
  private nextGhost = 0n;

  constructor(
    private readonly engine: SimExchange,
    private readonly account: string,
    /** Ghost ids are numeric like the venue's own; this base keeps them apart from the engine's. */
    private readonly ghostBase = 9_100_000_000_000_000n,
  ) {}

  /** Records an order the engine accepted. */
  remember(order: SimOrder, meta: M, clientGiven: boolean): void {
    this.entries.set(order.orderId, { symbol: order.symbol, meta, clientGiven });
    this.byClient.set(order.clientOrderId, order.orderId);
  }

  /** Makes and records an order the venue accepted then canceled at once (the engine refused it). */
  ghost(fields: Omit<SimOrder, 'orderId' | 'status' | 'filledQty' | 'avgPrice' | 'fee' | 'reason'>, reason: SimRejectCode, meta: M, clientGiven: boolean): SimOrder {
    const orderId = (this.ghostBase + this.nextGhost++).toString();
    const clientOrderId = fields.clientOrderId || orderId;
    const order: SimOrder = { ...fields, orderId, clientOrderId, status: 'canceled', filledQty: '0', avgPrice: undefined, fee: '0', reason };
    this.ghosts.set(orderId, order);
    this.remember(order, meta, clientGiven);
    return order;
  }

  entry(orderId: string): LedgerEntry<M> | undefined {
    return this.entries.get(orderId);
  }

  /** Returns the ids and entries of every order this side placed, oldest first. */
  known(): IterableIterator<[string, LedgerEntry<M>]> {
    return this.entries.entries();
  }

  /** Returns the order id a client order id names (the latest order that used it). */
  idOf(clientOrderId: string): string | undefined {
    return this.byClient.get(clientOrderId);
  }

  /** Returns an order by either id, from the engine or the ghosts; `symbol` may be unknown to the caller. */
  find(id: { orderId?: string; clientOrderId?: string }, symbol?: string): SimOrder | undefined {
    const orderId = id.orderId ?? (id.clientOrderId !== undefined ? this.idOf(id.clientOrderId) : undefined);
    if (orderId !== undefined) {
      const ghost = this.ghosts.get(orderId);
      if (ghost) return symbol === undefined || ghost.symbol === symbol ? ghost : undefined;
      const sym = symbol ?? this.entries.get(orderId)?.symbol;
      if (sym !== undefined) {
        const o = this.engine.order(this.account, sym, { orderId });
        if (o) return o;
      }
    }
    // Orders the engine knows but this side never placed (placed before a restart of the side).
    if (symbol !== undefined && (id.orderId !== undefined || id.clientOrderId !== undefined)) {
      return this.engine.order(this.account, symbol, id.orderId !== undefined ? { orderId: id.orderId } : { clientOrderId: id.clientOrderId! });
    }
    return undefined;
  }
}
