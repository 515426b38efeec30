/**
 * Docker HEALTHCHECK for a distroless image (no shell, no curl): GET /healthz on the local
 * port, exit 0 on 200 and 1 otherwise, within 2 seconds.
 */
import * as http from "node:http";
import { readConfig } from "#config";
import { HEALTH_PATH } from "#contract";

const { port } = readConfig(process.env);
const request = http.get({ host: "127.0.0.1", port, path: HEALTH_PATH, timeout: 2000 }, (response) => {
  response.resume();
  process.exit(response.statusCode === 200 ? 0 : 1);
});
request.on("timeout", () => request.destroy(new Error("timed out")));
request.on("error", () => process.exit(1));
