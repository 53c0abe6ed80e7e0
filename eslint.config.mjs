import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      ".next/**", "node_modules/**", "next-env.d.ts", "test-results/**", "playwright-report/**",
      // Learners' projects, run inside sandboxes by the acceptance tests: not this codebase.
      "tests/acceptance/**",
      // The workshop's app, in its own (CommonJS, browser) style, run in nodes: checked by workshop.test.ts.
      "sandbox/node/apps/**",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { files: ["**/*.mjs"], languageOptions: { globals: globals.node } },
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
);
