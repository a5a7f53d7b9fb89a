// Raw RFC 5322 messages for the mail tests: the headers a test names, a text body, base64 files.
export interface TestMessage {
  from: string;
  to?: string;
  cc?: string;
  subject?: string;
  messageId: string;
  inReplyTo?: string;
  references?: string[];
  date?: string;
  text?: string;
  files?: { name: string; type: string; bytes: Buffer }[];
}

const b64 = (b: Buffer) => b.toString("base64").replace(/.{76}/g, "$&\r\n");

export function eml(m: TestMessage): Buffer {
  const head = [
    `From: ${m.from}`,
    m.to && `To: ${m.to}`,
    m.cc && `Cc: ${m.cc}`,
    `Subject: ${m.subject ?? "Hello"}`,
    `Date: ${m.date ?? "Tue, 04 Mar 2025 10:15:00 +0100"}`,
    `Message-ID: <${m.messageId}>`,
    m.inReplyTo && `In-Reply-To: <${m.inReplyTo}>`,
    m.references?.length && `References: ${m.references.map((r) => `<${r}>`).join(" ")}`,
    "MIME-Version: 1.0",
  ].filter(Boolean);
  const body = `Content-Type: text/plain; charset=utf-8\r\n\r\n${m.text ?? "Hi there"}`;
  if (!m.files?.length) return Buffer.from(`${head.join("\r\n")}\r\n${body}\r\n`);
  const parts = [
    body,
    ...m.files.map(
      (f) =>
        `Content-Type: ${f.type}; name="${f.name}"\r\nContent-Disposition: attachment; filename="${f.name}"\r\n` +
        `Content-Transfer-Encoding: base64\r\n\r\n${b64(f.bytes)}`,
    ),
  ];
  return Buffer.from(
    `${head.join("\r\n")}\r\nContent-Type: multipart/mixed; boundary="b1"\r\n\r\n` +
      parts.map((p) => `--b1\r\n${p}\r\n`).join("") +
      "--b1--\r\n",
  );
}
