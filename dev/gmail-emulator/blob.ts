// Utilities.newBlob and the Blob it returns (bytes are Java's signed bytes, as in Apps Script).

export class Blob {
  constructor(
    readonly data: Uint8Array,
    private contentType: string | null,
    private name: string | null,
  ) {}
  getBytes(): number[] {
    return Array.from(this.data, (b) => (b > 127 ? b - 256 : b));
  }
  getDataAsString(charset = "UTF-8"): string {
    return new TextDecoder(charset.toLowerCase() === "utf-8" ? "utf-8" : charset).decode(this.data);
  }
  getContentType(): string | null {
    return this.contentType;
  }
  setContentType(type: string) {
    this.contentType = type;
    return this;
  }
  getName(): string | null {
    return this.name;
  }
  setName(name: string) {
    this.name = name;
    return this;
  }
  copyBlob(): Blob {
    return new Blob(this.data.slice(), this.contentType, this.name);
  }
}

export function toBytes(data: string | number[] | Uint8Array): Uint8Array {
  if (typeof data === "string") return new TextEncoder().encode(data);
  if (data instanceof Uint8Array) return data;
  if (Array.isArray(data)) return Uint8Array.from(data, (b) => b & 0xff);
  throw new Error("Exception: Invalid argument: data");
}

export function newBlob(data: string | number[], contentType?: string, name?: string): Blob {
  return new Blob(toBytes(data), contentType ?? null, name ?? null);
}
