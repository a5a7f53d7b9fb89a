#!/usr/bin/env node
// The `concilia` command. Sources are TypeScript, loaded through tsx so that no build step stands
// between a fresh clone and a running server.
import { register } from "tsx/esm/api";

register();
await import("../server/cli.ts");
