/** Types of the program's entry point (infra/index.ts, which may only `export =` its function). */

/** How the program is run; Pulumi passes nothing. */
export interface ProgramOptions {
  /** The stack settings file the config came from, for messages. @default stacks/Pulumi.<stack>.yaml */
  configFile?: string;
}

/** Stack outputs of a dockyard stack. */
export interface StackOutputs {
  target: string;
  configFile: string;
  services: string[];
  vms: string[];
}

