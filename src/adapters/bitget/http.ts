/**
 * Bitget v2 REST endpoints the public adapter uses. Both instrument lists return the whole
 * universe in one answer (they do not page).
 */
import { ErrorCodes, FleetError } from '../../core/errors.ts';
import type { RestClient, Query } from '../rest.ts';
import { BITGET_CONTRACTS_PATH, BITGET_PRODUCT_TYPE, BITGET_SPOT_SYMBOLS_PATH } from './constants.ts';
import type { BitgetContract, BitgetRestResponse, BitgetSpotSymbol } from './messages.ts';

async function getData<T>(rest: RestClient, path: string, query?: Query): Promise<T[]> {
  const body = await rest.get<BitgetRestResponse<T[]>>(path, query);
  if (body?.code !== '00000') {
    throw new FleetError(ErrorCodes.VENUE_REJECTED, `Bitget ${path}: code ${body?.code} ${body?.msg ?? ''}`, 'non-retryable', body);
  }
  if (!Array.isArray(body.data)) throw new FleetError(ErrorCodes.VENUE_RESPONSE_INVALID, `Bitget ${path}: no data array`, 'retryable');
  return body.data;
}

/** Returns every USDT-FUTURES contract row. */
export function getBitgetContracts(rest: RestClient): Promise<BitgetContract[]> {
  return getData<BitgetContract>(rest, BITGET_CONTRACTS_PATH, { productType: BITGET_PRODUCT_TYPE });
}

/** Returns every spot symbol row. */
export function getBitgetSpotSymbols(rest: RestClient): Promise<BitgetSpotSymbol[]> {
  return getData<BitgetSpotSymbol>(rest, BITGET_SPOT_SYMBOLS_PATH);
}
