// Password sign-in: the same answer, and about the same time, whether the address is unknown or the
// password is wrong, so the dialog does not reveal who has an account.

import { findUserByEmail } from "../crm/users.js";
import type { Tx } from "../db/index.js";
import { hashPassword, verifyPassword } from "./passwords.js";

let decoy: Promise<string> | undefined;

export async function signInWithPassword(db: Tx, email: string, password: string) {
  const user = await findUserByEmail(db, email);
  if (!user?.passwordHash) {
    decoy ??= hashPassword("decoy password");
    await verifyPassword(password, await decoy);
    return null;
  }
  return (await verifyPassword(password, user.passwordHash)) ? user : null;
}
