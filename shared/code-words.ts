// R-SB-7: the words of signing a sidebar in with a one-time code from Concilia's sign-in page, one set
// for both sidebars.
import type { Locale } from "./i18n.js";

const en = {
  haveCode: "Have a code?",
  codeHint: "Signed in on Concilia's page in your browser? Enter the code it showed.",
  useCode: "Use code",
  codeRefused:
    "That code did not work: it may have expired (codes last 3 minutes) or been used. Sign in again to get a new one.",
};

export type CodeWords = typeof en;

const es: CodeWords = {
  haveCode: "¿Tienes un código?",
  codeHint: "¿Has iniciado sesión en la página de Concilia en tu navegador? Escribe el código que te mostró.",
  useCode: "Usar código",
  codeRefused:
    "Ese código no ha funcionado: puede haber caducado (los códigos duran 3 minutos) o ya se ha usado. Vuelve a iniciar sesión para obtener otro.",
};

const it: CodeWords = {
  haveCode: "Hai un codice?",
  codeHint:
    "Hai effettuato l'accesso alla pagina di Concilia nel browser? Inserisci il codice che ti ha mostrato.",
  useCode: "Usa codice",
  codeRefused:
    "Il codice non ha funzionato: potrebbe essere scaduto (i codici durano 3 minuti) o essere già stato usato. Accedi di nuovo per riceverne uno nuovo.",
};

export const codeWords: Record<Locale, CodeWords> = { en, es, it };
