// html-to-text ships without type declarations; this is the one function Concilia calls.
declare module "html-to-text" {
  export function convert(html: string, options?: Record<string, unknown>): string;
}
