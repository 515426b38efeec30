// Lint: typescript-eslint's type-aware rules plus Pulumi's rules for programs
// (no Output used in a template literal or string concatenation by mistake).
import tseslint from "typescript-eslint";
import pulumi from "@pulumi/eslint-plugin";

export default tseslint.config(
  { ignores: ["node_modules/**", "out/**", "coverage/**", "**/*.js", "**/*.mjs", "**/*.cjs"] },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { "@pulumi": pulumi },
    rules: {
      "@pulumi/no-output-in-template-literal": "error",
      "@pulumi/no-output-instance-in-template-literal": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    // The program uses components through their public API only (components/index.ts).
    files: ["infra/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["**/components/*"], message: "Import components through components/index.ts, their public API." },
          ],
        },
      ],
    },
  },
  {
    // Dynamic providers are serialized as closures: Node built-ins must be require()d
    // inside provider methods, not imported at the top (see docs/testing.md).
    files: ["components/libvirt/**/*.ts"],
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
);
