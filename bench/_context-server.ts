// The context benchmark's server: `concilia serve --no-demo` exactly, plus the bench-only in-memory floor
// route (bench/_context-floor.ts). Run as its own process by bench/_server.ts.
import { loadConfig } from "../server/config.js";
import { createLogger } from "../server/log.js";
import { serve } from "../server/serve.js";
import { contextFloorRoutes } from "./_context-floor.js";

const config = loadConfig();
await serve(config, createLogger(config.CONCILIA_LOG_LEVEL), { demo: false, extend: contextFloorRoutes });
