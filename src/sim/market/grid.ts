/**
 * A venue's price or size grid with the venue's own text for it. The text keeps as many decimals
 * as the venue writes its step ("0.10" → "30247.20"), the same string for the same level every
 * time, because Bitget and OKX checksum the exact strings.
 */
import { writtenDecimals, Scale } from '../../model/scale.ts';

/** A tick or lot grid that prints its steps as the venue does. */
export class Grid {
  readonly scale: Scale;
  /** The step as a float (for arithmetic on fair values, never for quotes). */
  readonly value: number;
  private readonly pad: string;

  constructor(step: string) {
    this.scale = new Scale(step);
    this.value = this.scale.toNumber(1);
    const extra = Math.max(0, writtenDecimals(step) - this.scale.decimals);
    this.pad = extra === 0 ? '' : (this.scale.decimals === 0 ? '.' : '') + '0'.repeat(extra);
  }

  /** Returns the venue text of a whole number of steps. */
  text(steps: number): string {
    return this.scale.toText(steps) + this.pad;
  }

  /** Returns the nearest whole number of steps to a float value. */
  round(value: number): number {
    return Math.round(value / this.value);
  }
}
