/** Process entry of `npm run policy` (see ./main.ts). */
import { runCli } from "../cli/run";
import { main, USAGE } from "./main";

runCli("policy", USAGE, main);
