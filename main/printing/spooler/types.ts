/**
 * The OS print spooler as a byte pipe: an installed printer (a CUPS queue, a Windows printer with its
 * vendor driver) fed our ESC/POS bytes with the RAW datatype, so cut, drawer kick, QR and GBK text work
 * exactly as on a network or serial printer. Two implementations: CUPS (`lp -o raw`, Linux and macOS)
 * and the Windows winspool helper process. Both throw PrintError with the same reasons
 * (not-found, offline, paused, paper-out, unsupported, timeout, io).
 */

export interface SpoolJob {
  /** The installed printer's name, exactly as the OS lists it. */
  printer: string;
  /** Shown in the OS queue. */
  title: string;
  bytes: Uint8Array;
  /**
   * How long the job may take from submission until the spooler says it went out. On timeout the job
   * is cancelled in the spooler, so a retry can never print a second copy when the printer comes back.
   */
  timeoutMs: number;
}

export interface RawSpooler {
  /** Installed printer names, as the OS lists them. */
  list(): Promise<string[]>;
  /** Resolves when the spooler has passed the job to the printer. Throws a PrintError. */
  print(job: SpoolJob): Promise<void>;
  /** Installed and ready? Throws a PrintError when not. */
  check(printer: string): Promise<void>;
  close(): Promise<void>;
}

/** A title the OS queue can show: no control characters, bounded. */
export function jobTitle(title: string): string {
  return title.replace(/\p{Cc}/gu, ' ').slice(0, 120);
}

/**
 * A name we pass to the spooler's tools as one argument: not empty, bounded, no control characters,
 * and not starting with '-' (a command-line tool would read it as an option).
 */
export function validPrinterName(name: string): boolean {
  return name.length > 0 && name.length <= 256 && !name.startsWith('-') && !/\p{Cc}/u.test(name);
}
