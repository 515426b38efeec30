/** Process entry of `npm run images` (see ./images-main.ts). */
import { runCli } from "../cli/run";
import { main, USAGE } from "./images-main";

runCli("images", USAGE, (argv, io) => main(argv, io));
