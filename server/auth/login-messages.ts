// The words of the sign-in pages in Concilia's three languages.
import type { Locale } from "../../shared/i18n.js";

export interface LoginMessages {
  title: string;
  intro: string;
  email: string;
  password: string;
  submit: string;
  missing: string;
  wrong: string;
  throttled: (minutes: number) => string;
  signedIn: string;
  codeLabel: string;
  codeHint: string;
  returning: string;
  copy: string;
  copied: string;
  error: string;
}

export const loginMessages: Record<Locale, LoginMessages> = {
  en: {
    title: "Sign in to Concilia",
    intro: "Use your Concilia account to connect the sidebar.",
    email: "Email",
    password: "Password",
    submit: "Sign in",
    missing: "Enter your email address and your password.",
    wrong: "The email address or the password is wrong.",
    throttled: (n) => `Too many failed attempts. Try again in ${n} minute${n === 1 ? "" : "s"}.`,
    signedIn: "You are signed in",
    codeLabel: "Your one-time code",
    codeHint: "Enter this code in the Concilia sidebar. It is valid for 3 minutes and works once.",
    returning: "Returning to the sidebar…",
    copy: "Copy code",
    copied: "Code copied",
    error: "Error",
  },
  es: {
    title: "Inicia sesión en Concilia",
    intro: "Usa tu cuenta de Concilia para conectar la barra lateral.",
    email: "Correo electrónico",
    password: "Contraseña",
    submit: "Iniciar sesión",
    missing: "Escribe tu correo electrónico y tu contraseña.",
    wrong: "El correo electrónico o la contraseña no son correctos.",
    throttled: (n) =>
      `Demasiados intentos fallidos. Vuelve a intentarlo en ${n} minuto${n === 1 ? "" : "s"}.`,
    signedIn: "Has iniciado sesión",
    codeLabel: "Tu código de un solo uso",
    codeHint:
      "Escribe este código en la barra lateral de Concilia. Es válido 3 minutos y sirve una sola vez.",
    returning: "Volviendo a la barra lateral…",
    copy: "Copiar código",
    copied: "Código copiado",
    error: "Error",
  },
  it: {
    title: "Accedi a Concilia",
    intro: "Usa il tuo account Concilia per collegare la barra laterale.",
    email: "Email",
    password: "Password",
    submit: "Accedi",
    missing: "Inserisci il tuo indirizzo email e la password.",
    wrong: "L'indirizzo email o la password non sono corretti.",
    throttled: (n) => `Troppi tentativi non riusciti. Riprova tra ${n} minut${n === 1 ? "o" : "i"}.`,
    signedIn: "Accesso effettuato",
    codeLabel: "Il tuo codice monouso",
    codeHint:
      "Inserisci questo codice nella barra laterale di Concilia. È valido 3 minuti e funziona una sola volta.",
    returning: "Ritorno alla barra laterale…",
    copy: "Copia codice",
    copied: "Codice copiato",
    error: "Errore",
  },
};
