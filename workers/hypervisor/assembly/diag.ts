// The reason for the most recent upload failure, as Xen's console would put it. Checks return a
// negative errno through fail(); the upload sequence turns the message into a console event.

export let diagMsg: string = "";
export let diagNote: string = "";

export function resetDiag(): void {
  diagMsg = "";
  diagNote = "";
}

/** Records why a check failed and returns -rc. `note` explains where the simulator differs. */
export function fail(rc: i32, msg: string, note: string = ""): i32 {
  diagMsg = msg;
  diagNote = note;
  return -rc;
}
