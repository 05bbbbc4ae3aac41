/**
 * The simulated venues' API credentials: one key per account, checked by each venue's private side
 * exactly as the venue checks its own (signature, key, passphrase where it has one).
 */

/** A key pair a simulated venue accepts, and the matching-engine account it trades for. */
export interface SimCredentials {
  readonly apiKey: string;
  readonly apiSecret: string;
  /** OKX and Bitget sign in with a passphrase as well. */
  readonly passphrase?: string;
  /** The engine account the key trades for. */
  readonly account: string;
}
