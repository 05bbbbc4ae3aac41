/**
 * Binance order endpoints over the engine, for USD-M (/fapi/v1/order, /fapi/v1/openOrders,
 * /fapi/v1/userTrades) and spot (/api/v3/order, /api/v3/openOrders, /api/v3/myTrades,
 * /api/v3/order/amend/keepPriority): place (LIMIT / MARKET, GTC / IOC / FOK, post-only as GTX on
 * USD-M and LIMIT_MAKER on spot, reduceOnly on USD-M, newClientOrderId, newOrderRespType), cancel
 * and query by orderId or origClientOrderId, the open orders, an order's trades, and amends; the
 * engine's reject codes answered with the market's own codes (market.ts).
 *
 * Amends: USD-M "Modify Order" (PUT /fapi/v1/order: side, quantity and price all mandatory, LIMIT
 * orders only, https://developers.binance.com/docs/derivatives/usds-margined-futures/trade/rest-api/Modify-Order);
 * spot "Order Amend Keep Priority" (quantity decrease only, `newQty` below the order's quantity,
 * https://developers.binance.com/docs/binance-spot-api-docs/faqs/order_amend_keep_priority). The
 * spot venue gives the amended order a random new client id when `newClientOrderId` is absent; the
 * engine cannot rename an order, so here the id is kept unless another one is asked for (refused).
 */
import { cmp, ZERO } from '../../../model/decimal.ts';
import type { SimExchange, SimOrder, SimOrderRequest } from '../../matching/types.ts';
import type { HttpAnswer, SimVenueServer } from '../../protocolServer.ts';
import type { SimCredentials } from '../credentials.ts';
import { hmacHex } from '../common/hexSignature.ts';
import { binanceError } from './auth.ts';
import type { BinancePrivateMarket } from './market.ts';
import type { BinanceUserStream } from './stream.ts';
import { dec, futuresOrderJson, futuresUserTrade, pad, spotAmended, spotMyTrade, spotOrderJson, spotPlaced } from './wire.ts';

const DECIMAL = /^\d+(\.\d+)?$/;
const FUTURES_CID = /^[.A-Z:/a-z0-9_-]{1,36}$/;
const SPOT_CID = /^[a-zA-Z0-9-_]{1,36}$/;
const SPOT_UNSUPPORTED = new Set(['STOP_LOSS', 'STOP_LOSS_LIMIT', 'TAKE_PROFIT', 'TAKE_PROFIT_LIMIT']);

const ok = (body: unknown): HttpAnswer => ({ status: 200, body });
const missing = (name: string): HttpAnswer => binanceError(400, -1102, `Mandatory parameter '${name}' was not sent, was empty/null, or malformed.`);

/** One market's order endpoints for one account. */
export class BinanceOrders {
  private cancelNo = 0;
  private executionNo = 1;

  constructor(
    private readonly market: BinancePrivateMarket,
    private readonly engine: SimExchange,
    private readonly creds: SimCredentials,
    private readonly stream: BinanceUserStream,
  ) {}

  place(server: SimVenueServer, p: URLSearchParams): HttpAnswer {
    const m = this.market;
    const symbol = p.get('symbol');
    if (!symbol) return missing('symbol');
    const inst = server.instruments.find((i) => i.symbol === symbol);
    if (!inst) return binanceError(400, -1121, 'Invalid symbol.');
    const sideText = p.get('side');
    if (!sideText) return missing('side');
    if (sideText !== 'BUY' && sideText !== 'SELL') return binanceError(400, -1117, 'Invalid side.');
    const type = p.get('type');
    if (!type) return missing('type');
    if (!m.futures && SPOT_UNSUPPORTED.has(type)) return binanceError(400, -1014, 'Unsupported order combination.');
    const limitLike = type === 'LIMIT' || (!m.futures && type === 'LIMIT_MAKER');
    if (!limitLike && type !== 'MARKET') return binanceError(400, -1116, 'Invalid orderType.');
    const ps = p.get('positionSide');
    if (m.futures && ps !== null && ps !== 'BOTH') return binanceError(400, -4061, "Order's position side does not match user's setting.");
    let tif: SimOrderRequest['tif'] = 'IOC';
    const tifText = p.get('timeInForce');
    if (type === 'LIMIT') {
      if (!tifText) return missing('timeInForce');
      const allowed: Record<string, SimOrderRequest['tif']> = m.futures ? { GTC: 'GTC', IOC: 'IOC', FOK: 'FOK', GTX: 'POST_ONLY' } : { GTC: 'GTC', IOC: 'IOC', FOK: 'FOK' };
      const t = allowed[tifText];
      if (!t) return binanceError(400, -1115, 'Invalid timeInForce.');
      tif = t;
    } else if (type === 'LIMIT_MAKER') {
      if (tifText !== null) return binanceError(400, -1106, "Parameter 'timeInForce' sent when not required.");
      tif = 'POST_ONLY';
    } else if (!m.futures && tifText !== null) {
      return binanceError(400, -1106, "Parameter 'timeInForce' sent when not required.");
    }
    const qty = p.get('quantity');
    if (!qty) return !m.futures && p.get('quoteOrderQty') ? binanceError(400, -1014, 'Unsupported order combination.') : missing('quantity');
    if (!DECIMAL.test(qty)) return binanceError(400, -1100, "Illegal characters found in parameter 'quantity'; legal range is '^([0-9]{1,20})(\\.[0-9]{1,20})?$'.");
    const price = p.get('price');
    if (limitLike && !price) return missing('price');
    if (price !== null && !DECIMAL.test(price)) return binanceError(400, -1100, "Illegal characters found in parameter 'price'; legal range is '^([0-9]{1,20})(\\.[0-9]{1,20})?$'.");
    const cid = p.get('newClientOrderId');
    if (cid !== null) {
      const rule = m.futures ? FUTURES_CID : SPOT_CID;
      if (!rule.test(cid)) return m.futures ? binanceError(400, -4015, 'Client order id is not valid.') : binanceError(400, -1100, `Illegal characters found in parameter 'newClientOrderId'; legal range is '${rule.source}'.`);
    }
    const reduce = p.get('reduceOnly');
    if (reduce !== null && (!m.futures || (reduce !== 'true' && reduce !== 'false'))) {
      return m.futures ? binanceError(400, -1130, "Data sent for parameter 'reduceOnly' is not valid.") : binanceError(400, -1104, `Not all sent parameters were read; read '${[...p.keys()].length - 1}' parameter(s) but was sent '${[...p.keys()].length}'.`);
    }
    const resp = p.get('newOrderRespType') ?? (m.futures ? 'ACK' : type === 'LIMIT_MAKER' ? 'ACK' : 'FULL');
    if (!(m.futures ? ['ACK', 'RESULT'] : ['ACK', 'RESULT', 'FULL']).includes(resp)) return binanceError(400, -1136, 'Invalid newOrderRespType.');
    if (server.take('reject-next-order')) return binanceError(400, ...m.faultReject);

    const req: SimOrderRequest = {
      account: this.creds.account,
      symbol,
      ...(cid !== null ? { clientOrderId: cid } : {}),
      side: sideText === 'BUY' ? 'buy' : 'sell',
      type: type === 'MARKET' ? 'market' : 'limit',
      tif,
      ...(type === 'MARKET' ? {} : { price: price! }),
      qty,
      reduceOnly: reduce === 'true',
    };
    const { result, events } = this.stream.capture(() => this.engine.place(req));
    if ('reject' in result) {
      this.stream.replay(events);
      const e = m.rejects[result.reject.code]?.(inst.minNotional ?? '5') ?? [-2010, 'NEW_ORDER_REJECTED'];
      return binanceError(400, ...e);
    }
    const o = result.order;
    // USD-M refuses a FOK that cannot fill (-5021) and records nothing, so nothing is pushed either.
    if (m.futures && o.status === 'expired' && o.reason === 'FOK_UNFILLABLE') {
      this.stream.replay(events, o.orderId);
      return binanceError(400, ...m.rejects.FOK_UNFILLABLE!(inst.minNotional ?? '5'));
    }
    this.stream.replay(events);
    const cum = this.stream.cumQuote(o);
    if (m.futures) return ok(futuresOrderJson(o, cum, { ack: resp === 'ACK' }));
    return ok(spotPlaced(o, cum, result.fills, resp, server.now()));
  }

  cancel(server: SimVenueServer, p: URLSearchParams): HttpAnswer {
    const found = this.lookup(server, p);
    if ('answer' in found) return found.answer;
    const { symbol, id } = found;
    let cancelId = '';
    if (!this.market.futures) {
      cancelId = p.get('newClientOrderId') ?? hmacHex(this.creds.apiSecret, `cancel:${++this.cancelNo}`).slice(0, 22);
      const o = this.engine.order(this.creds.account, symbol, id);
      if (o) this.stream.cancelling(o.orderId, cancelId);
    }
    const out = this.engine.cancel(this.creds.account, symbol, id);
    if ('reject' in out) {
      this.stream.cancelling('', '');
      return binanceError(400, -2011, 'Unknown order sent.');
    }
    const o = out.order;
    const cum = this.stream.cumQuote(o);
    if (this.market.futures) return ok(futuresOrderJson(o, cum));
    const { time: _t, updateTime: _u, isWorking: _w, workingTime: _wt, stopPrice: _s, icebergQty: _i, origQuoteOrderQty: _q, clientOrderId: _c, ...rest } = spotOrderJson(o, cum);
    return ok({ symbol: o.symbol, origClientOrderId: o.clientOrderId, orderId: rest.orderId, orderListId: -1, clientOrderId: cancelId, transactTime: server.now(), ...rest });
  }

  query(server: SimVenueServer, p: URLSearchParams): HttpAnswer {
    const found = this.lookup(server, p);
    if ('answer' in found) return found.answer;
    const o = this.engine.order(this.creds.account, found.symbol, found.id);
    if (!o) return binanceError(400, -2013, 'Order does not exist.');
    return ok(this.json(o));
  }

  openOrders(server: SimVenueServer, p: URLSearchParams): HttpAnswer {
    const symbol = p.get('symbol') ?? undefined;
    if (symbol !== undefined && !server.instruments.some((i) => i.symbol === symbol)) return binanceError(400, -1121, 'Invalid symbol.');
    const list = this.engine.openOrders(this.creds.account, symbol).sort((a, b) => a.createdAt - b.createdAt || Number(a.orderId) - Number(b.orderId));
    return ok(list.map((o) => this.json(o)));
  }

  /** USD-M PUT /fapi/v1/order: a new price and quantity for an open LIMIT order (an `AMENDMENT` event). */
  modify(server: SimVenueServer, p: URLSearchParams): HttpAnswer {
    const found = this.lookup(server, p);
    if ('answer' in found) return found.answer;
    const side = p.get('side');
    if (!side) return missing('side');
    const qty = p.get('quantity');
    if (!qty) return missing('quantity');
    const price = p.get('price');
    if (!price) return missing('price');
    if (!DECIMAL.test(qty) || !DECIMAL.test(price)) return binanceError(400, -1100, "Illegal characters found in parameter 'quantity' or 'price'.");
    const o = this.engine.order(this.creds.account, found.symbol, found.id);
    if (!o) return binanceError(400, -2013, 'Order does not exist.');
    if (o.side.toUpperCase() !== side) return binanceError(400, -1117, 'Invalid side.');
    const answer = this.amend(server, found, { qty, price });
    return 'order' in answer ? ok(futuresOrderJson(answer.order, this.stream.cumQuote(answer.order))) : answer;
  }

  /** Spot PUT /api/v3/order/amend/keepPriority: a smaller quantity, same price, same queue place (a `REPLACED` event). */
  amendKeepPriority(server: SimVenueServer, p: URLSearchParams): HttpAnswer {
    const found = this.lookup(server, p);
    if ('answer' in found) return found.answer;
    const qty = p.get('newQty');
    if (!qty) return missing('newQty');
    if (!DECIMAL.test(qty)) return binanceError(400, -1100, "Illegal characters found in parameter 'newQty'; legal range is '^([0-9]{1,20})(\\.[0-9]{1,20})?$'.");
    const o = this.engine.order(this.creds.account, found.symbol, found.id);
    if (!o) return binanceError(400, -2013, 'Order does not exist.');
    const renamed = p.get('newClientOrderId');
    if (renamed !== null && renamed !== o.clientOrderId) return binanceError(400, -1014, 'Unsupported order combination.');
    if (cmp(dec(qty), ZERO) <= 0 || cmp(dec(qty), dec(o.qty)) >= 0) {
      return binanceError(400, -2038, 'Order amend (quantity increase) is not supported.');
    }
    const answer = this.amend(server, found, { qty });
    return 'order' in answer ? ok(spotAmended(answer.order, o.clientOrderId, this.stream.cumQuote(answer.order), server.now(), this.executionNo++)) : answer;
  }

  /**
   * GET /fapi/v1/userTrades and /api/v3/myTrades of one order, oldest first. The venue also lists a
   * symbol's trades by time without `orderId`; the engine keeps fills per order only, so here
   * `orderId` is required.
   */
  trades(server: SimVenueServer, p: URLSearchParams): HttpAnswer {
    const symbol = p.get('symbol');
    if (!symbol) return missing('symbol');
    if (!server.instruments.some((i) => i.symbol === symbol)) return binanceError(400, -1121, 'Invalid symbol.');
    const orderId = p.get('orderId');
    if (!orderId) return missing('orderId');
    const fills = this.engine.fills(this.creds.account, symbol, { orderId });
    return ok(fills.map((f) => (this.market.futures ? futuresUserTrade(f, this.stream.realizedOf(f.tradeId)) : spotMyTrade(f))));
  }

  /** Runs an engine amend, reporting the amended order before the fills it causes; the answer on a reject. */
  private amend(server: SimVenueServer, found: { symbol: string; id: { orderId?: string; clientOrderId?: string } }, change: { qty?: string; price?: string }): { order: SimOrder } | HttpAnswer {
    const { result, events } = this.stream.capture(() => this.engine.amend(this.creds.account, found.symbol, found.id, change));
    if ('reject' in result) {
      this.stream.replay(events);
      const code = result.reject.code;
      if (code === 'ORDER_NOT_FOUND' || code === 'ORDER_CLOSED') return binanceError(400, -2013, 'Order does not exist.');
      const inst = server.instruments.find((i) => i.symbol === found.symbol);
      return binanceError(400, ...(this.market.rejects[code]?.(inst?.minNotional ?? '5') ?? [-2010, result.reject.message]));
    }
    const first = events.find((e) => e.kind === 'order');
    this.stream.amended(first?.kind === 'order' ? first.order : result.order);
    this.stream.replay(events);
    return { order: result.order };
  }

  private json(o: SimOrder): Record<string, unknown> {
    const cum = this.stream.cumQuote(o);
    return this.market.futures ? futuresOrderJson(o, cum, { withTime: true }) : spotOrderJson(o, cum);
  }

  private lookup(server: SimVenueServer, p: URLSearchParams): { symbol: string; id: { orderId?: string; clientOrderId?: string } } | { answer: HttpAnswer } {
    const symbol = p.get('symbol');
    if (!symbol) return { answer: missing('symbol') };
    if (!server.instruments.some((i) => i.symbol === symbol)) return { answer: binanceError(400, -1121, 'Invalid symbol.') };
    const orderId = p.get('orderId');
    const cid = p.get('origClientOrderId');
    if (orderId) return { symbol, id: { orderId: /^\d+$/.test(orderId) ? String(Number(orderId)) : orderId } };
    if (cid) return { symbol, id: { clientOrderId: cid } };
    return { answer: binanceError(400, -1102, "Param 'origClientOrderId' or 'orderId' must be sent, but both were empty/null!") };
  }
}

/** Returns a fee rate as Binance prints it (8 decimals on spot, plain on USD-M). */
export function rateText(rate: string, spot: boolean): string {
  return spot ? pad(rate, 8) : rate;
}
