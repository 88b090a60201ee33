// errno names and the glibc strerror() texts the real tool prints ("Error 16: Device or resource busy").

const STRERROR: Record<number, string> = {
  1: "Operation not permitted",
  2: "No such file or directory",
  7: "Argument list too long",
  11: "Resource temporarily unavailable",
  12: "Cannot allocate memory",
  13: "Permission denied",
  14: "Bad address",
  16: "Device or resource busy",
  17: "File exists",
  21: "Is a directory",
  22: "Invalid argument",
  28: "No space left on device",
  34: "Numerical result out of range",
  38: "Function not implemented",
  61: "No data available",
  75: "Value too large for defined data type",
  95: "Operation not supported",
  105: "No buffer space available",
};

export const EPERM = 1;
export const ENOENT = 2;
export const EAGAIN = 11;
export const EBUSY = 16;
export const EINVAL = 22;
export const E2BIG = 7;
export const ENOBUFS = 105;

/** glibc's text, or its fallback for numbers it does not know. */
export function strerror(errno: number): string {
  return STRERROR[errno] ?? `Unknown error ${errno}`;
}

const ERRNO_NAMES: Record<number, string> = {
  1: "EPERM", 2: "ENOENT", 7: "E2BIG", 11: "EAGAIN", 12: "ENOMEM", 14: "EFAULT", 16: "EBUSY", 17: "EEXIST",
  22: "EINVAL", 28: "ENOSPC", 34: "ERANGE", 38: "ENOSYS", 61: "ENODATA", 75: "EOVERFLOW", 95: "EOPNOTSUPP", 105: "ENOBUFS",
};

/** "EINVAL" for 22; null for numbers the livepatch code never returns. */
export function errnoName(errno: number): string | null {
  return ERRNO_NAMES[errno] ?? null;
}

/** −EBUSY (16), or the plain number for an rc that is not an errno (a hook's −1). */
export function rcText(rc: number): string {
  if (rc === 0) return "0";
  const name = ERRNO_NAMES[-rc];
  return name ? `−${name} (${-rc})` : `${rc}`.replace("-", "−");
}
