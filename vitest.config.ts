import { configDefaults, defineConfig } from "vitest/config";
import { corpusPresent, corpusTestFiles } from "./scripts/corpus.mjs";

export default defineConfig({
  test: {
    include: ["test/**/*.test.{ts,tsx}"],
    // The shared corpus's tests are collected only where the corpus is (scripts/corpus.mjs).
    exclude: [...configDefaults.exclude, ...(corpusPresent() ? [] : corpusTestFiles)],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    maxWorkers: 2,
  },
});
