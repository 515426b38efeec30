/**
 * Process entry of the delivery commands: `node scripts/run-ts.cjs infra/delivery/cli.ts
 * <command> …`, one bundle for all of them (package.json names each as an npm script).
 */
import { type CliMain, runCli } from "../cli/run";
import { main as ciSetup, USAGE as CI_SETUP } from "./ci-setup";
import { main as driftReport, USAGE as DRIFT } from "./drift-report";
import { main as eachStack, USAGE as EACH, environmentsMain, ENVIRONMENTS_USAGE } from "./each-stack";
import { main as images, USAGE as IMAGES } from "./images-main";
import { main as outputs, USAGE as OUTPUTS } from "./outputs";
import { main as smoke, USAGE as SMOKE } from "./smoke";

const COMMANDS: Record<string, [CliMain, string]> = {
  "ci:environments": [environmentsMain, ENVIRONMENTS_USAGE],
  "ci:setup": [(argv, io) => ciSetup(argv, io), CI_SETUP],
  "drift:report": [(argv, io) => driftReport(argv, io), DRIFT],
  "each-stack": [eachStack, EACH],
  images: [(argv, io) => images(argv, io), IMAGES],
  outputs: [(argv, io) => outputs(argv, io), OUTPUTS],
  smoke: [(argv, io) => smoke(argv, io), SMOKE],
};

const name = process.argv[2] ?? "";
const command = COMMANDS[name];
if (command === undefined) {
  process.stderr.write(`usage: node scripts/run-ts.cjs infra/delivery/cli.ts <${Object.keys(COMMANDS).join("|")}> …\n`);
  process.exit(2);
}
process.argv.splice(2, 1);
runCli(name, command[1], command[0]);
