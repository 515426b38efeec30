/** Process entry of `npm run pin` (see ./pin-main.ts). */
import { runCli } from "../cli/run";
import { main, USAGE } from "./pin-main";

runCli("pin", USAGE, main);
