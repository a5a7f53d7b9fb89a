// When one address belongs to several records (a person who is also in the CRM as a lead, a company's
// info@ that a person uses too), the sidebars show one of them and attendees link to one: a person,
// then a lead, then a company. Mail logging links every match but lists them in this order too.
import type { RecordType } from "../db/schema.js";

export const MATCH_PRECEDENCE: readonly RecordType[] = ["person", "lead", "company"];

/** A record type's place in the precedence, 0 first. */
export const precedenceOf = (type: RecordType): number => MATCH_PRECEDENCE.indexOf(type);

/** The same as SQL text over a record-type expression, for ORDER BY in hand-written statements. */
export const precedenceSql = (typeExpr: string): string =>
  `case ${typeExpr} ${MATCH_PRECEDENCE.map((t, i) => `when '${t}' then ${i}`).join(" ")} end`;
