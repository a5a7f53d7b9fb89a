// Builds the task pane (index.html) and the dev playground (playground.html) into outlook-addin/dist,
// served by the server under /addin/ (server/api/addin.ts).
import { fileURLToPath } from "node:url";
import preact from "@preact/preset-vite";
import { defineConfig } from "vite";

const root = fileURLToPath(new URL(".", import.meta.url));

export default defineConfig({
  root,
  base: "/addin/",
  plugins: [preact()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    modulePreload: { polyfill: false },
    rollupOptions: {
      input: {
        index: `${root}index.html`,
        commands: `${root}commands.html`,
        playground: `${root}playground.html`,
      },
    },
  },
  server: { port: 5173 },
});
