/** Process entry of `npm run parity` (see ./main.ts). */
import { runCli } from "../cli/run";
import { main, USAGE } from "./main";

runCli("parity", USAGE, main);
