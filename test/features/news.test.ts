import { describe, expect, it } from 'vitest';
import { DEFAULT_NEWS_OPTIONS, NewsBoard, type NewsFlagInput } from '../../src/features/news.ts';

const MIN = 60_000;
const T0 = 1_700_000_000_000;

function flag(over: Partial<NewsFlagInput> = {}): NewsFlagInput {
  return { scope: '*', impact: 'medium', type: 'macro', at: T0, until: T0 + 60 * MIN, ...over };
}

describe('NewsBoard precedence', () => {
  it('picks the strongest impact in force: high > medium > low', () => {
    const b = new NewsBoard();
    b.set(flag({ impact: 'low', type: 'a' }));
    const high = b.set(flag({ impact: 'high', type: 'b' }));
    b.set(flag({ impact: 'medium', type: 'c' }));
    expect(b.view('bybit-linear:BTCUSDT', 'BTC', T0 + MIN).flag).toEqual(high);
  });

  it('breaks a tie on impact by the most recent at, then by the one set last', () => {
    const b = new NewsBoard();
    const later = b.set(flag({ impact: 'high', at: T0 + MIN, type: 'later' }));
    b.set(flag({ impact: 'high', at: T0, type: 'earlier' })); // set after, but older news
    expect(b.view('bybit-linear:BTCUSDT', 'BTC', T0 + 2 * MIN).flag).toEqual(later);
    const same = b.set(flag({ impact: 'high', at: T0 + MIN, type: 'same time, set last' }));
    expect(b.view('bybit-linear:BTCUSDT', 'BTC', T0 + 2 * MIN).flag).toEqual(same);
  });

  it('lists the active flags strongest first', () => {
    const b = new NewsBoard();
    b.set(flag({ impact: 'low', type: 'l' }));
    b.set(flag({ impact: 'high', type: 'h1', at: T0 }));
    b.set(flag({ impact: 'medium', type: 'm' }));
    b.set(flag({ impact: 'high', type: 'h2', at: T0 + 1 }));
    expect(b.active(T0 + MIN).map((f) => f.type)).toEqual(['h2', 'h1', 'm', 'l']);
  });
});

describe('NewsBoard scope', () => {
  const b = new NewsBoard();
  b.set(flag({ scope: 'bybit-linear:ETHUSDT', impact: 'high', type: 'eth-perp' }));
  b.set(flag({ scope: 'sol', impact: 'medium', type: 'sol-asset' })); // assets are kept upper case
  b.set(flag({ scope: '*', impact: 'low', type: 'market' }));

  it.each<[string, string, string, string]>([
    ['the instrument id matches', 'bybit-linear:ETHUSDT', 'ETH', 'eth-perp'],
    ['the same asset on another venue does not match an instrument scope', 'binance-usdm:ETHUSDT', 'ETH', 'market'],
    ['the asset matches on any venue', 'binance-usdm:SOLUSDT', 'SOL', 'sol-asset'],
    ['* matches everything', 'bybit-linear:DOGEUSDT', 'DOGE', 'market'],
  ])('%s', (_name, instrument, asset, type) => {
    expect(b.view(instrument, asset, T0 + MIN).flag?.type).toBe(type);
  });
});

describe('NewsBoard time', () => {
  it('drops a flag at its until (exclusive), lazily', () => {
    const b = new NewsBoard();
    const f = b.set(flag({ until: T0 + 10 * MIN }));
    expect(b.view('bybit-linear:BTCUSDT', 'BTC', T0 + 10 * MIN - 1).flag).toEqual(f);
    expect(b.size).toBe(1);
    expect(b.view('bybit-linear:BTCUSDT', 'BTC', T0 + 10 * MIN)).toEqual({ flag: null, fresh: false });
    expect(b.size).toBe(0);
  });

  it('lets a weaker flag win once the stronger one expired', () => {
    const b = new NewsBoard();
    b.set(flag({ impact: 'high', until: T0 + 5 * MIN, type: 'short' }));
    b.set(flag({ impact: 'low', until: T0 + 50 * MIN, type: 'long' }));
    expect(b.view('x:Y', 'Y', T0 + 4 * MIN).flag?.type).toBe('short');
    expect(b.view('x:Y', 'Y', T0 + 6 * MIN).flag?.type).toBe('long');
    expect(b.active(T0 + 6 * MIN).map((f) => f.type)).toEqual(['long']);
  });

  it.each<[string, number, boolean]>([
    // announced ahead: in force, not yet fresh
    ['before at', T0 - MIN, false],
    ['at at', T0, true],
    ['just inside freshMs', T0 + 5 * MIN - 1, true],
    ['at freshMs', T0 + 5 * MIN, false],
    ['later, still in force', T0 + 30 * MIN, false],
  ])('freshness %s', (_name, ts, fresh) => {
    const b = new NewsBoard();
    b.set(flag());
    const v = b.view('bybit-linear:BTCUSDT', 'BTC', ts);
    expect(v.flag).not.toBeNull();
    expect(v.fresh).toBe(fresh);
    expect(DEFAULT_NEWS_OPTIONS.freshMs).toBe(5 * MIN);
  });

  it('takes freshMs from the options', () => {
    const b = new NewsBoard({ freshMs: MIN });
    b.set(flag());
    expect(b.view('a:B', 'B', T0 + MIN - 1).fresh).toBe(true);
    expect(b.view('a:B', 'B', T0 + MIN).fresh).toBe(false);
  });
});

describe('NewsBoard ids and validation', () => {
  it('numbers ids from its counter, skips taken ones, replaces on a given id, clears by id', () => {
    const b = new NewsBoard({ nextId: 7 });
    b.set(flag({ id: 'news-8', type: 'manual' }));
    expect(b.set(flag()).id).toBe('news-7');
    expect(b.set(flag()).id).toBe('news-9');
    b.set(flag({ id: 'news-8', type: 'replaced', impact: 'high' }));
    expect(b.size).toBe(3);
    expect(b.view('a:B', 'B', T0).flag).toMatchObject({ id: 'news-8', type: 'replaced' });
    expect(b.clear('news-8')).toBe(true);
    expect(b.clear('news-8')).toBe(false);
    expect(b.size).toBe(2);
  });

  it('gives the same ids to the same sequence of calls (no randomness)', () => {
    const ids = () => {
      const b = new NewsBoard();
      return [b.set(flag()).id, b.set(flag({ impact: 'high' })).id];
    };
    expect(ids()).toEqual(ids());
    expect(ids()).toEqual(['news-1', 'news-2']);
  });

  it.each<[string, Partial<NewsFlagInput> | Record<string, unknown>, RegExp]>([
    ['an unknown impact', { impact: 'huge' as 'high' }, /unknown news impact "huge"/],
    ['until equal to at', { until: T0 }, /until .* must be after at/],
    ['until before at', { until: T0 - 1 }, /until .* must be after at/],
    ['an empty scope', { scope: '  ' }, /scope is empty/],
    ['an empty type', { type: '' }, /type is empty/],
    ['a non-numeric at', { at: 'soon' as unknown as number }, /at must be a time/],
    ['an infinite until', { until: Number.POSITIVE_INFINITY }, /until must be a time/],
    ['an empty id', { id: '' }, /id, when given/],
  ])('rejects %s with a RangeError', (_name, over, message) => {
    const b = new NewsBoard();
    const call = () => b.set({ ...flag(), ...over } as NewsFlagInput);
    expect(call).toThrow(RangeError);
    expect(call).toThrow(message);
    expect(b.size).toBe(0);
    // a rejected flag does not use up an id
    expect(b.set(flag()).id).toBe('news-1');
  });

  it('round-trips through JSON, counter included', () => {
    const b = new NewsBoard({ nextId: 3 });
    b.set(flag({ impact: 'high', scope: 'bybit-linear:BTCUSDT', type: 'hack' }));
    b.set(flag({ impact: 'low', scope: 'eth', type: 'upgrade', until: T0 + 5 * MIN }));
    const copy = NewsBoard.from(JSON.parse(JSON.stringify(b)));
    expect(copy.toJSON()).toEqual(b.toJSON());
    expect(copy.view('bybit-linear:BTCUSDT', 'BTC', T0)).toEqual(b.view('bybit-linear:BTCUSDT', 'BTC', T0));
    expect(copy.set(flag()).id).toBe('news-5');
  });

  it.each<[string, unknown]>([
    ['not an object', 'x'],
    ['no flags array', { nextId: 1 }],
    ['no nextId', { flags: [] }],
    ['a flag without id', { nextId: 1, flags: [{ scope: '*', impact: 'low', type: 't', at: 0, until: 1 }] }],
    ['a bad flag', { nextId: 1, flags: [{ id: 'a', scope: '*', impact: 'nope', type: 't', at: 0, until: 1 }] }],
  ])('from() rejects %s', (_name, json) => {
    expect(() => NewsBoard.from(json)).toThrow(RangeError);
  });
});
