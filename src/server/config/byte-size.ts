// Byte sizes in configuration: `536870912`, `512MiB`, `1GiB`, `1.5G`, `64KB` → bytes, and bytes → `512MiB`.

/** Bytes per unit; units compare case-insensitively. Bare K/M/G/T are binary, as in `docker --memory` and `-Xmx`. */
const UNITS: Record<string, number> = {
  b: 1,
  k: 1024,
  kib: 1024,
  kb: 1000,
  m: 1024 ** 2,
  mib: 1024 ** 2,
  mb: 1000 ** 2,
  g: 1024 ** 3,
  gib: 1024 ** 3,
  gb: 1000 ** 3,
  t: 1024 ** 4,
  tib: 1024 ** 4,
  tb: 1000 ** 4,
};

const SIZE = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i;

/**
 * Parses a byte size: a non-negative integer (bytes), or a number (decimals allowed) with a unit B, K/KiB, KB,
 * M/MiB, MB, G/GiB, GB, T/TiB, TB (binary for the bare letter and *iB, decimal for *B), rounded down to whole
 * bytes. Returns NaN for anything else, including sizes beyond Number.MAX_SAFE_INTEGER.
 */
export function parseByteSize(text: string): number {
  const m = SIZE.exec(text.trim());
  if (m === null) return NaN;
  const unit = m[2]!.toLowerCase();
  const scale = unit === "" ? 1 : UNITS[unit];
  if (scale === undefined) return NaN;
  if (unit === "" && m[1]!.includes(".")) return NaN; // fractional bytes
  const bytes = Math.floor(Number(m[1]) * scale);
  return Number.isSafeInteger(bytes) ? bytes : NaN;
}

/** Formats bytes for logs and help: `512MiB`, `1.5GiB`, `1000B` (binary units, up to 2 decimals). */
export function formatByteSize(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let i = 0;
  while (value >= 1024 && i < units.length - 1) {
    value /= 1024;
    i++;
  }
  return `${Math.round(value * 100) / 100}${units[i]}`;
}
