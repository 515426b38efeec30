/** Process entry of `npm run synth` (see ./main.ts). */
import { runCli } from "../cli/run";
import { main, USAGE } from "./main";

runCli("synth", USAGE, main);
