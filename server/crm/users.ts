import { eq } from "drizzle-orm";
import { hashPassword } from "../auth/passwords.js";
import type { Tx } from "../db/index.js";
import { users } from "../db/schema.js";
import { newId } from "../ids.js";

export interface NewUser {
  email: string;
  name: string;
  role?: "admin" | "member";
  password?: string;
  locale?: string;
  timeZone?: string;
  aliases?: string[];
}

export async function createUser(db: Tx, u: NewUser) {
  const email = u.email.trim().toLowerCase();
  const [existing] = await db.select({ id: users.id }).from(users).where(eq(users.email, email));
  if (existing) throw new Error(`A user with the address ${email} exists already.`);
  const [row] = await db
    .insert(users)
    .values({
      id: newId(),
      email,
      name: u.name,
      role: u.role ?? "member",
      passwordHash: u.password ? await hashPassword(u.password) : null,
      locale: u.locale ?? "en",
      timeZone: u.timeZone ?? "UTC",
      aliases: (u.aliases ?? []).map((a) => a.toLowerCase()),
    })
    .returning();
  return row;
}

export async function findUserByEmail(db: Tx, email: string) {
  const [row] = await db.select().from(users).where(eq(users.email, email.trim().toLowerCase()));
  return row ?? null;
}
