/**
 * OKX v5 wire rows for orders, positions, balances and fee rates, as `GET /api/v5/trade/order`,
 * the `orders` / `positions` / `account` channels and the account endpoints show them. Field
 * names and string-typed values follow the docs' examples (the shared fixture
 * okx/ws-orders-swap-filled.json is an orders push). OKX fees are negative when charged and
 * positive when rebated, the opposite of the engine's sign.
 */
import type { InstrumentSpec } from '../../../model/instrument.ts';
import { abs, add, decOfNumber, decText, mul, neg, parseDec, sub, ZERO, type Dec } from '../../../model/decimal.ts';
import type { SimBalance, SimFill, SimOrder, SimPosition } from '../../matching/types.ts';
import { OKX_CANCEL_SOURCE } from './errors.ts';

/** What OKX remembers of a request that the engine does not keep. */
export interface OkxOrderMeta {
  readonly ordType: string;
  readonly tdMode: string;
  /** The request's `sz` when it differs from the engine's base quantity (quote-sized market orders). */
  readonly sz?: string;
  readonly tgtCcy?: string;
}

export interface OkxOrderContext {
  readonly spec: InstrumentSpec | undefined;
  readonly meta: OkxOrderMeta | undefined;
  readonly clientGiven: boolean;
  readonly userCanceled: boolean;
  readonly lever: string;
  /** An orders push confirming a successful amend (amendResult "0", amendSource "1": by the user). */
  readonly amended?: boolean;
}

/** Returns a decimal as OKX writes it, without trailing zeros ("2.00" → "2"); "" stays "". */
export function okxNum(text: string | undefined): string {
  const d = text === undefined || text === '' ? undefined : parseDec(text);
  return d ? decText(d) : (text ?? '');
}

/** Returns the engine's amount with OKX's fee sign ("0.12" charged → "-0.12"). */
export function okxFee(engineFee: string): string {
  const d = parseDec(engineFee);
  return d ? decText(neg(d)) : '0';
}

/** Returns the OKX ordType of an engine order. */
export function okxOrdType(o: Pick<SimOrder, 'type' | 'tif'>): string {
  if (o.type === 'market') return 'market';
  return o.tif === 'IOC' ? 'ioc' : o.tif === 'FOK' ? 'fok' : o.tif === 'POST_ONLY' ? 'post_only' : 'limit';
}

/** Returns OKX's `state` for an engine status. */
export function okxState(o: SimOrder): string {
  switch (o.status) {
    case 'new':
      return 'live';
    case 'partially_filled':
    case 'filled':
      return o.status;
    default:
      return 'canceled';
  }
}

function cancelSource(o: SimOrder, userCanceled: boolean): string {
  if (okxState(o) !== 'canceled') return '';
  if (userCanceled) return '1';
  if (o.reason === 'POST_ONLY_WOULD_TAKE' || o.tif === 'POST_ONLY') return '31';
  if (o.tif === 'FOK' || o.reason === 'FOK_UNFILLABLE') return '13';
  if (o.tif === 'IOC' || o.type === 'market') return '14';
  return '0';
}

/** Returns an order row; `fill` adds the fill fields of an orders push (REST rows leave them as the last fill). */
export function okxOrderRow(o: SimOrder, ctx: OkxOrderContext, fill?: SimFill, ws = false): Record<string, unknown> {
  const perp = ctx.spec?.kind === 'perp';
  const quote = ctx.spec?.quote ?? '';
  const source = cancelSource(o, ctx.userCanceled);
  const feeCcy = fill?.feeAsset || quote;
  const row: Record<string, unknown> = {
    accFillSz: okxNum(o.filledQty),
    algoClOrdId: '',
    algoId: '',
    attachAlgoClOrdId: '',
    attachAlgoOrds: [],
    avgPx: o.avgPrice !== undefined ? okxNum(o.avgPrice) : ws ? '0' : '',
    cTime: String(o.createdAt),
    cancelSource: source,
    cancelSourceReason: source === '' ? '' : (OKX_CANCEL_SOURCE[source] ?? ''),
    category: 'normal',
    ccy: perp ? quote : '',
    clOrdId: ctx.clientGiven ? o.clientOrderId : '',
    execType: fill ? (fill.liquidity === 'maker' ? 'M' : 'T') : '',
    fee: okxFee(o.fee),
    feeCcy,
    fillPx: okxNum(fill?.price),
    fillSz: fill ? okxNum(fill.qty) : '0',
    fillTime: fill ? String(fill.ts) : '',
    instId: o.symbol,
    instType: perp ? 'SWAP' : 'SPOT',
    isTpLimit: 'false',
    lever: perp ? ctx.lever : '',
    linkedAlgoOrd: { algoId: '' },
    ordId: o.orderId,
    ordType: ctx.meta?.ordType ?? okxOrdType(o),
    pnl: '0',
    posSide: perp ? 'net' : '',
    px: okxNum(o.price),
    pxType: '',
    pxUsd: '',
    pxVol: '',
    quickMgnType: '',
    rebate: '0',
    rebateCcy: quote,
    reduceOnly: o.reduceOnly ? 'true' : 'false',
    side: o.side,
    slOrdPx: '',
    slTriggerPx: '',
    slTriggerPxType: '',
    source: '',
    state: okxState(o),
    stpId: '',
    stpMode: 'cancel_maker',
    sz: okxNum(ctx.meta?.sz ?? o.qty),
    tag: '',
    tdMode: ctx.meta?.tdMode ?? (perp ? 'cross' : 'cash'),
    tgtCcy: ctx.meta?.tgtCcy ?? '',
    tpOrdPx: '',
    tpTriggerPx: '',
    tpTriggerPxType: '',
    tradeId: fill?.tradeId ?? '',
    tradeQuoteCcy: perp ? '' : quote,
    uTime: String(o.updatedAt),
  };
  if (ws) {
    const notional = fill ? decText(mul(parseDec(fill.qty) ?? ZERO, mul(parseDec(fill.price) ?? ZERO, parseDec(ctx.spec?.contractSize ?? '1') ?? ZERO))) : '';
    Object.assign(row, {
      amendResult: ctx.amended ? '0' : '',
      amendSource: ctx.amended ? '1' : '',
      code: '0',
      fillFee: fill ? okxFee(fill.fee) : '0',
      fillFeeCcy: fill ? feeCcy : '',
      fillMarkPx: '',
      fillNotionalUsd: notional,
      fillPnl: '0',
      lastPx: okxNum(fill?.price),
      msg: '',
      notionalUsd: '',
      reqId: '',
    });
  }
  return row;
}

/**
 * Returns a `/api/v5/trade/fills` row. The engine keeps no account bills, so `billId` (the paging
 * cursor of this endpoint) is the trade id.
 */
export function okxFillRow(f: SimFill, spec: InstrumentSpec | undefined, clientGiven: boolean): Record<string, unknown> {
  const perp = spec?.kind === 'perp';
  return {
    billId: f.tradeId,
    clOrdId: clientGiven ? f.clientOrderId : '',
    execType: f.liquidity === 'maker' ? 'M' : 'T',
    fee: okxFee(f.fee),
    feeCcy: f.feeAsset || (spec?.quote ?? ''),
    feeRate: '',
    fillFwdPx: '',
    fillIdxPx: '',
    fillMarkPx: '',
    fillMarkVol: '',
    fillPnl: '0',
    fillPx: okxNum(f.price),
    fillPxUsd: '',
    fillPxVol: '',
    fillSz: okxNum(f.qty),
    fillTime: String(f.ts),
    instId: f.symbol,
    instType: perp ? 'SWAP' : 'SPOT',
    ordId: f.orderId,
    posSide: perp ? 'net' : '',
    side: f.side,
    subType: f.side === 'buy' ? '1' : '2',
    tag: '',
    tradeId: f.tradeId,
    ts: String(f.ts),
  };
}

/** Returns a SWAP position row (net mode, cross margin). */
export function okxPositionRow(p: SimPosition, spec: InstrumentSpec | undefined, uTime: number): Record<string, unknown> {
  const qty = parseDec(p.qty) ?? ZERO;
  const mark = parseDec(p.markPrice) ?? ZERO;
  const ctVal = parseDec(spec?.contractSize ?? '1') ?? ZERO;
  return {
    adl: '1',
    availPos: decText(abs(qty)),
    avgPx: okxNum(p.entryPrice),
    bePx: okxNum(p.entryPrice),
    cTime: String(uTime),
    ccy: spec?.quote ?? 'USDT',
    closeOrderAlgo: [],
    deltaBS: '',
    deltaPA: '',
    fee: '0',
    fundingFee: '0',
    gammaBS: '',
    gammaPA: '',
    idxPx: okxNum(p.markPrice),
    imr: okxNum(p.margin),
    instId: p.symbol,
    instType: 'SWAP',
    interest: '',
    last: okxNum(p.markPrice),
    lever: String(p.leverage),
    liab: '',
    liabCcy: '',
    liqPenalty: '0',
    liqPx: '',
    margin: '',
    markPx: okxNum(p.markPrice),
    mgnMode: 'cross',
    mgnRatio: '',
    mmr: '',
    notionalUsd: decText(mul(abs(qty), mul(ctVal, mark))),
    optVal: '',
    pendingCloseOrdLiabVal: '',
    pnl: okxNum(p.realizedPnl),
    pos: okxNum(p.qty),
    posCcy: '',
    posId: `${spec?.base ?? p.symbol}0`,
    posSide: 'net',
    realizedPnl: okxNum(p.realizedPnl),
    thetaBS: '',
    thetaPA: '',
    tradeId: '',
    uTime: String(uTime),
    upl: okxNum(p.unrealizedPnl),
    uplLastPx: okxNum(p.unrealizedPnl),
    uplRatio: '',
    uplRatioLastPx: '',
    usdPx: '',
    vegaBS: '',
    vegaPA: '',
  };
}

const USD_LIKE = new Set(['USDT', 'USDC', 'USD']);

/** Returns one currency's `details[]` row; `upl` is the unrealized PnL of positions margined in it. */
export function okxBalanceDetail(b: SimBalance, upl: string, uTime: number): Record<string, unknown> {
  const total = parseDec(b.total) ?? ZERO;
  const free = parseDec(b.free) ?? ZERO;
  const frozen = decText(sub(total, free));
  const equity = decText(add(total, dec(upl)));
  const eqUsd = USD_LIKE.has(b.asset) ? equity : '';
  return {
    autoLendMtAmt: '0',
    autoLendStatus: 'off',
    availBal: okxNum(b.free),
    availEq: okxNum(b.free),
    borrowFroz: '',
    cashBal: okxNum(b.total),
    ccy: b.asset,
    clSpotInUseAmt: '',
    colBorrAutoConversion: '0',
    colRes: '0',
    collateralEnabled: false,
    collateralRestrict: false,
    crossLiab: '0',
    disEq: eqUsd,
    eq: equity,
    eqUsd,
    fixedBal: '0',
    frozenBal: frozen,
    frpType: '0',
    imr: '',
    interest: '0',
    isoEq: '0',
    isoLiab: '0',
    isoUpl: '0',
    liab: '0',
    maxLoan: '',
    maxSpotInUse: '',
    mgnRatio: '',
    mmr: '',
    notionalLever: '',
    ordFrozen: frozen,
    rewardBal: '0',
    smtSyncEq: '0',
    spotCopyTradingEq: '0',
    spotInUseAmt: '',
    spotIsoBal: '0',
    stgyEq: '0',
    twap: '0',
    uTime: String(uTime),
    upl,
    uplLiab: '0',
  };
}

function dec(text: unknown): Dec {
  return typeof text === 'string' ? (parseDec(text) ?? ZERO) : ZERO;
}

/** Returns the account summary (`/api/v5/account/balance` data[0], the `account` channel's data[0]). */
export function okxAccountRow(details: Record<string, unknown>[], uTime: number): Record<string, unknown> {
  let totalEq = ZERO;
  let upl = ZERO;
  for (const d of details) {
    totalEq = add(totalEq, dec(d.eqUsd));
    upl = add(upl, dec(d.upl));
  }
  return {
    adjEq: decText(totalEq),
    availEq: decText(totalEq),
    borrowFroz: '',
    delta: '',
    deltaLever: '',
    deltaNeutralStatus: '0',
    details,
    imr: '',
    isoEq: '0',
    mgnRatio: '',
    mmr: '',
    notionalUsd: '',
    notionalUsdForBorrow: '',
    notionalUsdForFutures: '',
    notionalUsdForOption: '',
    notionalUsdForSwap: '',
    ordFroz: '',
    totalEq: decText(totalEq),
    uTime: String(uTime),
    upl: decText(upl),
  };
}

/** Returns a `/api/v5/account/trade-fee` row for an instrument type at the engine's rates. */
export function okxFeeRow(instType: 'SPOT' | 'SWAP', fees: { maker: number; taker: number }, ts: number): Record<string, unknown> {
  // OKX states charges as negative rates and rebates as positive ones.
  const maker = decText(neg(decOfNumber(fees.maker)));
  const taker = decText(neg(decOfNumber(fees.taker)));
  const swap = instType === 'SWAP';
  return {
    category: '1',
    delivery: '',
    exercise: '',
    feeGroup: [{ groupId: '1', maker, taker }],
    fiat: [],
    instType,
    level: 'Lv1',
    maker,
    makerU: swap ? maker : '',
    makerUSDC: '',
    ruleType: 'normal',
    taker,
    takerU: swap ? taker : '',
    takerUSDC: '',
    ts: String(ts),
  };
}
