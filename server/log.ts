// JSON logs (pino). Anything that could carry a credential is redacted by path, so a secret never
// reaches a log line even when a whole request or config object is logged by mistake.
import pino from "pino";

export const redactPaths = [
  "req.headers.authorization",
  "req.headers.cookie",
  "headers.authorization",
  "authorization",
  "password",
  "*.password",
  "token",
  "*.token",
  "refreshToken",
  "*.refreshToken",
  "accessToken",
  "*.accessToken",
  "secret",
  "*.secret",
  "code",
  "*.code",
  "CONCILIA_SECRET_KEY",
  "*.CONCILIA_SECRET_KEY",
  "config.CONCILIA_SECRET_KEY",
  "config.CONCILIA_OLD_SECRET_KEYS",
  "passwordHash",
  "*.passwordHash",
  "tokenHash",
  "*.tokenHash",
  "ciphertext",
  "*.ciphertext",
  "idToken",
  "*.idToken",
];

export type Logger = pino.Logger;

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: redactPaths, censor: "[redacted]" },
      base: { service: "concilia" },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
