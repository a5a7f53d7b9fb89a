// The demo workspace: a small Spanish–Italian sales team's CRM, chosen so that every category of
// R-CAT-1 occurs and the sidebars' playground has a message for each case.
export const DEMO_DOMAIN = "concilia.demo";

export const demoUsers = [
  { key: "admin", email: "admin@concilia.demo", name: "Alba Admin", role: "admin", password: "demo-admin", locale: "es", timeZone: "Europe/Madrid" },
  { key: "sales", email: "sara@concilia.demo", name: "Sara Ventas", role: "member", password: "demo", locale: "en", timeZone: "Europe/Madrid", aliases: ["sara.ventas@concilia.demo"] },
] as const;

export type DemoUserKey = (typeof demoUsers)[number]["key"];

export const demoCompanies = [
  { key: "acme", name: "Acme Iberia", domain: "acme-iberia.example", emails: ["info@acme-iberia.example"], phones: ["+34 910 000 100"], customerStatus: "none", owner: "sales" },
  { key: "borealis", name: "Borealis Srl", domain: "borealis.example", emails: ["info@borealis.example"], phones: ["+39 02 0000 200"], customerStatus: "none", owner: "sales" },
  { key: "cumbre", name: "Cumbre Logística", domain: "cumbre.example", emails: ["hola@cumbre.example"], phones: ["+34 930 000 300"], customerStatus: "former", owner: "sales" },
  { key: "delta", name: "Delta Foods", domain: "delta-foods.example", emails: ["office@delta-foods.example"], phones: [], customerStatus: "none", owner: "admin" },
  { key: "estrella", name: "Estrella Media", domain: "estrella.example", emails: [], phones: ["+34 950 000 500"], customerStatus: "current", owner: "admin" },
] as const;

type CompanyKey = (typeof demoCompanies)[number]["key"];

export const demoPersons: {
  key: string;
  firstName: string;
  lastName: string;
  title: string;
  company: CompanyKey | null;
  emails: string[];
  phones: string[];
  owner: DemoUserKey;
  customerStatus?: "none" | "current" | "former";
}[] = [
  { key: "jose", firstName: "José", lastName: "García", title: "Director de compras", company: "acme", emails: ["jose.garcia@acme-iberia.example", "jgarcia@gmail.example"], phones: ["+34 600 000 101"], owner: "sales" },
  { key: "marta", firstName: "Marta", lastName: "Núñez", title: "CFO", company: "acme", emails: ["marta.nunez@acme-iberia.example"], phones: ["+34 600 000 102"], owner: "sales" },
  { key: "pablo", firstName: "Pablo", lastName: "Ortega", title: "IT manager", company: "acme", emails: ["pablo.ortega@acme-iberia.example"], phones: [], owner: "sales" },
  { key: "giulia", firstName: "Giulia", lastName: "Rossi", title: "Responsabile acquisti", company: "borealis", emails: ["giulia.rossi@borealis.example"], phones: ["+39 333 000 201"], owner: "sales" },
  { key: "luca", firstName: "Luca", lastName: "Bianchi", title: "CEO", company: "borealis", emails: ["luca.bianchi@borealis.example"], phones: ["+39 333 000 202"], owner: "sales" },
  { key: "chiara", firstName: "Chiara", lastName: "Esposito", title: "Marketing", company: "borealis", emails: ["chiara.esposito@borealis.example"], phones: [], owner: "admin" },
  { key: "lucia", firstName: "Lucía", lastName: "Fernández", title: "Gerente", company: "cumbre", emails: ["lucia.fernandez@cumbre.example"], phones: ["+34 600 000 301"], owner: "sales" },
  { key: "andres", firstName: "Andrés", lastName: "Martín", title: "Operaciones", company: "cumbre", emails: ["andres.martin@cumbre.example"], phones: [], owner: "sales" },
  { key: "marco", firstName: "Marco", lastName: "Ricci", title: "Direttore commerciale", company: "delta", emails: ["marco.ricci@delta-foods.example"], phones: ["+39 340 000 401"], owner: "sales" },
  { key: "sofia", firstName: "Sofía", lastName: "López", title: "Compras", company: "delta", emails: ["sofia.lopez@delta-foods.example"], phones: [], owner: "admin" },
  { key: "elena", firstName: "Elena", lastName: "Sanz", title: "Directora", company: "estrella", emails: ["elena.sanz@estrella.example"], phones: ["+34 600 000 501"], owner: "admin" },
  { key: "diego", firstName: "Diego", lastName: "Romero", title: "Producción", company: "estrella", emails: ["diego.romero@estrella.example"], phones: [], owner: "sales" },
  { key: "francesca", firstName: "Francesca", lastName: "Conti", title: "Consulente", company: null, emails: ["francesca.conti@libero.example"], phones: ["+39 347 000 601"], owner: "sales", customerStatus: "current" },
  { key: "javier", firstName: "Javier", lastName: "Ruiz", title: "Autónomo", company: null, emails: ["javier.ruiz@outlook.example"], phones: [], owner: "sales", customerStatus: "former" },
  { key: "ines", firstName: "Inés", lastName: "Navarro", title: "Abogada", company: null, emails: ["ines.navarro@legal.example"], phones: [], owner: "sales" },
  { key: "paolo", firstName: "Paolo", lastName: "Greco", title: "Architetto", company: null, emails: ["paolo.greco@studio-greco.example"], phones: [], owner: "admin" },
  { key: "carmen", firstName: "Carmen", lastName: "Vidal", title: "Compras", company: "acme", emails: ["carmen.vidal@acme-iberia.example"], phones: [], owner: "sales" },
  { key: "tommaso", firstName: "Tommaso", lastName: "Galli", title: "Logistica", company: "borealis", emails: ["tommaso.galli@borealis.example"], phones: [], owner: "sales" },
  { key: "raquel", firstName: "Raquel", lastName: "Molina", title: "Ventas", company: "cumbre", emails: ["raquel.molina@cumbre.example"], phones: [], owner: "admin" },
  { key: "alessia", firstName: "Alessia", lastName: "Moretti", title: "Qualità", company: "delta", emails: ["alessia.moretti@delta-foods.example"], phones: [], owner: "sales" },
];

export const demoLeads = [
  { key: "nina", firstName: "Nina", lastName: "Weber", title: "Founder", companyName: "Nordlicht GmbH", emails: ["nina.weber@nordlicht.example"], phones: ["+49 170 000 701"], owner: "sales" },
  { key: "omar", firstName: "Omar", lastName: "Haddad", title: "Buyer", companyName: "Atlas Trading", emails: ["omar@atlas-trading.example"], phones: [], owner: "sales" },
  { key: "valentina", firstName: "Valentina", lastName: "Ferri", title: "COO", companyName: "Ferri & Figli", emails: ["valentina@ferri-figli.example"], phones: [], owner: "sales" },
  { key: "hugo", firstName: "Hugo", lastName: "Blanco", title: "CTO", companyName: "Nube Nueve", emails: ["hugo@nubenueve.example"], phones: [], owner: "admin" },
  { key: "emma", firstName: "Emma", lastName: "Dubois", title: "Acheteuse", companyName: "Maison Dubois", emails: ["emma.dubois@maison-dubois.example"], phones: [], owner: "sales" },
] as const;

/** Deals in every status, so that every status category occurs (R-CAT-1). */
export const demoDeals = [
  { name: "Acme: renovación de licencias 2027", status: "won", value: 48000, currency: "EUR", person: "jose", company: "acme", owner: "sales" },
  { name: "Acme: ampliación a 200 puestos", status: "open", value: 90000, currency: "EUR", person: "marta", company: "acme", owner: "sales" },
  { name: "Borealis: pilota Nord Italia", status: "open", value: 25000, currency: "EUR", person: "giulia", company: "borealis", owner: "sales" },
  { name: "Borealis: formazione", status: "open", value: 6000, currency: "EUR", person: "luca", company: "borealis", owner: "sales" },
  { name: "Cumbre: flota 2025", status: "won", value: 30000, currency: "EUR", person: "lucia", company: "cumbre", owner: "sales" },
  { name: "Delta: catálogo digital", status: "lost", value: 12000, currency: "EUR", person: "marco", company: "delta", owner: "sales" },
  { name: "Delta: segunda propuesta", status: "unqualified", value: null, currency: null, person: "sofia", company: "delta", owner: "admin" },
  { name: "Estrella: campaña primavera", status: "won", value: 15000, currency: "EUR", person: "elena", company: "estrella", owner: "admin" },
  { name: "Ines: asesoría", status: "lost", value: 2000, currency: "EUR", person: "ines", company: null, owner: "sales" },
] as const;
