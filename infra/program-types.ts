import type * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "./config";
import type { Platform } from "./platform";

/** Types of the program's entry point (infra/index.ts, which may only `export =` its function). */

/** How the program is run; Pulumi passes nothing. */
export interface ProgramOptions {
  /** The stack settings file the config came from, for messages. @default stacks/Pulumi.<stack>.yaml */
  configFile?: string;
  /** Config already validated (synth, tests): the program then does not read and validate it again. */
  config?: StackConfig;
  /**
   * Offline evaluation only: a change to the described platform before anything is declared
   * (`npm run bench` adds generated services to measure how evaluation scales). @default none
   */
  reshape?: (platform: Platform) => Platform;
}

/** Stack outputs of a dockyard stack. */
export interface StackOutputs {
  target: string;
  configFile: string;
  /** Address images are pushed to and pulled from. */
  registry: pulumi.Output<string>;
  /** Image each service runs, `repo@sha256:…`. */
  images: Record<string, pulumi.Output<string>>;
  /** Image the backup jobs run, `repo@sha256:…`, when the topology backs anything up. */
  backupImage?: pulumi.Output<string>;
  /** How other services reach each service (Docker alias or cluster DNS name). */
  services: Record<string, pulumi.Output<string | undefined>>;
  /** Where users reach each service: `https://<host>/` through the stack's Gateway, or `http://127.0.0.1:<port>/` on Docker. */
  urls: Record<string, pulumi.Output<string | undefined>>;
  /** Physical name of each volume. */
  volumes: Record<string, pulumi.Output<string>>;
  /** Per backed-up volume: its restic repository (URL, or the volume repository's name) and how to restore from it. */
  backups: Record<string, { repository: pulumi.Output<string>; restore: pulumi.Output<string> }>;
  /** Each VM's domain, MAC and (once leased) IP address. */
  vms: Record<
    string,
    { domain: pulumi.Output<string>; mac: pulumi.Output<string>; ip: pulumi.Output<string | undefined> }
  >;
}
