/** `npm run docs:config`: writes the generated reference into docs/guides/stack-config.md. */
import { readFileSync, writeFileSync } from "node:fs";
import { catalog } from "../platform";
import { withReference } from "./stack-config-reference";

export const GUIDE = "docs/guides/stack-config.md";

const before = readFileSync(GUIDE, "utf8");
const after = withReference(before, catalog);
writeFileSync(GUIDE, after);
console.log(after === before ? `${GUIDE}: up to date` : `${GUIDE}: reference rewritten from infra/config-schema.ts`);
