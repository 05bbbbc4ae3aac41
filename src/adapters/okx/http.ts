/**
 * OKX REST endpoints the public adapter uses. `/api/v5/public/instruments` returns a type's
 * whole universe in one answer (it does not page).
 */
import { ErrorCodes, FleetError } from '../../core/errors.ts';
import type { RestClient } from '../rest.ts';
import { OKX_INSTRUMENTS_PATH, type OkxInstType } from './constants.ts';
import type { OkxInstrument, OkxRestResponse } from './messages.ts';

/** Returns every instrument row of one instrument type. */
export async function getOkxInstruments(rest: RestClient, instType: OkxInstType): Promise<OkxInstrument[]> {
  const body = await rest.get<OkxRestResponse<OkxInstrument[]>>(OKX_INSTRUMENTS_PATH, { instType });
  if (body?.code !== '0') {
    throw new FleetError(ErrorCodes.VENUE_REJECTED, `OKX instruments ${instType}: code ${body?.code} ${body?.msg ?? ''}`, 'non-retryable', body);
  }
  if (!Array.isArray(body.data)) {
    throw new FleetError(ErrorCodes.VENUE_RESPONSE_INVALID, `OKX instruments ${instType}: no data array`, 'retryable');
  }
  return body.data;
}
