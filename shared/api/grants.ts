// Sharing a record: a grant lets one user read a person, company, lead or deal he does not own.
import { z } from "zod";
import { email, userRef } from "./common.js";

/** Whom to share with: a user's id, or the address he signs in with. */
export const grantInput = z
  .strictObject({
    userId: z.string().min(1).max(64).optional(),
    email: email.optional(),
  })
  .refine((g) => (g.userId === undefined) !== (g.email === undefined), {
    message: "give either userId or email",
    path: ["userId"],
  });

export const grant = z.object({
  /** The user who may read the record. */
  user: userRef,
  createdAt: z.string(),
});
export type Grant = z.infer<typeof grant>;
