/**
 * Real engine: restic backups to a REST repository (`rclone serve restic` in a container of its
 * own), under the contract every repository kind meets (support/contract.ts).
 */
import { repositoryContract } from "./support/contract";
import { startRestServer } from "./support/repositories";

repositoryContract("REST", startRestServer);
