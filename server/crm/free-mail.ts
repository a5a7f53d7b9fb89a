// Mail providers whose domain says nothing about the sender's company.
const FREE_MAIL = new Set([
  "gmail.com",
  "googlemail.com",
  "outlook.com",
  "hotmail.com",
  "live.com",
  "yahoo.com",
  "yahoo.es",
  "yahoo.it",
  "icloud.com",
  "me.com",
  "aol.com",
  "gmx.de",
  "gmx.net",
  "proton.me",
  "protonmail.com",
  "libero.it",
  "virgilio.it",
]);

export const isFreeMailDomain = (domain: string) => FREE_MAIL.has(domain.toLowerCase());
