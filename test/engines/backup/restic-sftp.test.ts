/**
 * Real engine: restic backups to an SFTP repository (OpenSSH's sshd in a container of its own,
 * key login, the host key pinned), under the contract every repository kind meets
 * (support/contract.ts).
 */
import { repositoryContract } from "./support/contract";
import { startSftpServer } from "./support/repositories";

repositoryContract("SFTP", startSftpServer);
