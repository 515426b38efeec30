/**
 * `npm run synth -- <stack> [--config-file FILE] [--out DIR]`
 *
 * Evaluates one stack offline and writes what it would declare to DIR/<stack>/:
 * resources.json (type, name, parent, dependencies and inputs of every resource),
 * outputs.json, and the rendered artefacts (kubernetes/*.yaml in apply order,
 * docker/*.json, libvirt/*.xml, cloud-init/*), secrets masked. Exit 0 on success, 1 when the config is invalid or unreadable
 * (nothing written), 2 on a usage error.
 */
import * as pulumi from "@pulumi/pulumi";
import { parseArgs } from "node:util";
import { ConfigError } from "../config-error";
import { evaluateStack } from "./evaluate";
import { writeSynthOutput } from "./write";

const USAGE = "usage: npm run synth -- <stack> [--config-file FILE] [--out DIR]";
const STACK_NAME = /^[A-Za-z0-9_.-]+$/;

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { "config-file": { type: "string" }, out: { type: "string", default: "out" }, help: { type: "boolean", short: "h" } },
    });
  } catch (error) {
    return usage((error as Error).message);
  }
  if (parsed.values.help) {
    console.log(USAGE);
    return 0;
  }
  const [stack, ...extra] = parsed.positionals;
  if (!stack || extra.length > 0) return usage(stack ? `unexpected argument ${extra.join(" ")}` : "missing stack name");
  if (!STACK_NAME.test(stack)) return usage(`invalid stack name "${stack}"`);

  try {
    const evaluation = await evaluateStack(stack, parsed.values["config-file"]);
    const written = writeSynthOutput(parsed.values.out, evaluation);
    console.log(`${stack}: ${evaluation.resources.length} resources → ${written.directory}/ (${written.files.length} files)`);
    return 0;
  } catch (error) {
    if (error instanceof ConfigError || pulumi.RunError.isInstance(error)) {
      console.error((error).message);
      return 1;
    }
    throw error;
  }
}

function usage(problem: string): number {
  console.error(`synth: ${problem}\n${USAGE}`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error("synth: internal error (please report):", error);
    process.exit(3);
  },
);
