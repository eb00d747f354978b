/**
 * Base class of every error the EO library throws. Subclasses carry the data needed to act on them
 * (file, band, shape, field) and their message says what to do.
 */
export class Ai4eoError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}
