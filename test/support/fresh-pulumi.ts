/**
 * Setup of the Node-only suite, whose test files share worker processes (isolate: false, so the
 * SDKs load once per worker, not once per file): each file starts from Pulumi's defaults, not
 * from what the file before it left in the process-global runtime state. Every entry point of
 * the harness (record, evaluate, the CLIs) also installs fresh mocks itself.
 */
import * as pulumi from "@pulumi/pulumi";
import { beforeAll } from "vitest";
import { setDynamicProviderSerialization } from "../../components/libvirt/dynamic-resource";

beforeAll(() => {
  pulumi.runtime.setAllConfig({}, []);
  setDynamicProviderSerialization(true);
});
