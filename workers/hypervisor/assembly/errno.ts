// Xen's errno values as the livepatch code returns them (negated at the call site).
export const EPERM: i32 = 1;
export const ENOENT: i32 = 2;
export const E2BIG: i32 = 7;
export const EAGAIN: i32 = 11;
export const ENOMEM: i32 = 12;
export const EFAULT: i32 = 14;
export const EBUSY: i32 = 16;
export const EEXIST: i32 = 17;
export const EINVAL: i32 = 22;
export const ENOSPC: i32 = 28;
export const ERANGE: i32 = 34;
export const ENOSYS: i32 = 38;
export const ENODATA: i32 = 61;
export const EOVERFLOW: i32 = 75;
export const EOPNOTSUPP: i32 = 95;
export const ENOBUFS: i32 = 105;
