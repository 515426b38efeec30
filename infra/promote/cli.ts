/** Process entry of `npm run promote` (see ./main.ts). */
import { runCli } from "../cli/run";
import { main, USAGE } from "./main";

runCli("promote", USAGE, main);
