/**
 * Least privilege in delivery: a job that can run on `pull_request` runs the branch's own copy of
 * its workflow, so anyone who can push a branch can read or use what that job can reach. Such
 * jobs, and the nightly drift check (which only reads), get read-only credentials only, from
 * environments named for that; no deploy credential, no organization Pulumi token, no OIDC token
 * they do not exchange, no state-backend identity but a read-only one. The environments the
 * workflows name are the ones the delivery guide documents, each with what it holds; the preview
 * and drift RBAC grants read and nothing else.
 */
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import { loadEnvironments, workflowMatrices } from "../../infra/environments";

const DIR = ".github/workflows";
const FILES = readdirSync(DIR)
  .filter((file) => /\.ya?ml$/.test(file))
  .sort();

/** Workflows that only read by design, whatever triggers them (docs/guides/delivery.md, "Drift"). */
const READ_ONLY_WORKFLOWS = ["drift.yml"];
/** Environments a read-only job may use: named for what they are for. */
const READ_ONLY_ENVIRONMENT = /^(preview|drift)-[a-z0-9-]+$/;
/** The environments of this commit's stack files, and the matrices the workflows take from them. */
const ENVIRONMENTS = loadEnvironments();
const MATRICES = workflowMatrices(ENVIRONMENTS);
/**
 * Deploy environments, each named as its CI environment's stack: every secret a job in one of them
 * references is a deploy credential.
 */
const DEPLOY_ENVIRONMENTS = ENVIRONMENTS.ci.map((environment) => environment.stack);
/**
 * Secrets deploy jobs reference that a read-only job may still hold, each with why. With the
 * passphrase secrets provider a stack has one passphrase, and a preview must decrypt the stack's
 * config to plan: docs/guides/delivery.md, "The passphrase".
 */
const SHARED_WITH_DEPLOY: Record<string, string> = {
  PULUMI_CONFIG_PASSPHRASE: "a preview decrypts the stack's config to plan; no read-only passphrase exists",
};
/** Pulumi token types a read-only job may request: never an organization token. */
const READ_ONLY_TOKEN_TYPES = ["urn:pulumi:token-type:access_token:team"];
/** Built in to every run, not an environment's: GitHub scopes it by the job's `permissions`. */
const BUILT_IN_SECRETS = ["GITHUB_TOKEN"];
/**
 * Settings deploy environments hold that read-only ones may hold too, each with why: they are
 * public, not credentials.
 */
const PUBLIC_SETTINGS: Record<string, string> = {
  SSH_KNOWN_HOSTS: "a host's public key, which pins the host",
  STACK_CA_CERT: "a CA's certificate, which the stack's TLS clients trust",
};
/**
 * The actions that log in to a self-managed state backend by the workflow's OIDC token, each with
 * the input naming the identity it becomes. A read-only job takes that identity from a
 * `READ_ONLY_` variable (docs/guides/delivery.md: a role, service account or identity that can
 * only read the state), whose cloud trusts it only for the preview and drift environments.
 */
const BACKEND_LOGINS: Record<string, string> = {
  "aws-actions/configure-aws-credentials": "role-to-assume",
  "google-github-actions/auth": "service_account",
  "azure/login": "client-id",
};
/** Inputs that hand a backend login a long-lived credential instead of the OIDC token. */
const STATIC_CREDENTIAL_INPUTS = ["aws-access-key-id", "aws-secret-access-key", "credentials_json", "creds"];
const READ_ONLY_IDENTITY = /^\$\{\{ vars\.READ_ONLY_[A-Z0-9_]+ \}\}$/;
const backendLogin = (step: Step) => Object.keys(BACKEND_LOGINS).find((action) => step.uses?.startsWith(`${action}@`));

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}
interface Job {
  environment?: string | { name: string };
  permissions?: Record<string, string>;
  strategy?: { matrix?: Record<string, unknown> };
  steps?: Step[];
  uses?: string;
  secrets?: unknown;
}
interface Workflow {
  on: Record<string, unknown>;
  env?: Record<string, unknown>;
  jobs: Record<string, Job>;
}

const workflow = (file: string) => parse(readFileSync(`${DIR}/${file}`, "utf8")) as Workflow;
const WORKFLOWS = Object.fromEntries(FILES.map((file) => [file, workflow(file)]));
const steps = (job: Job) => job.steps ?? [];
const called = (job: Job) => /^\.\/\.github\/workflows\/(.+)$/.exec(job.uses ?? "")?.[1];

/** Every workflow a pull request can run: triggered by one, or called from one (transitively). */
function pullRequestWorkflows(workflows: Record<string, Workflow>): Set<string> {
  const reached = new Set(
    Object.keys(workflows).filter((file) =>
      ["pull_request", "pull_request_target"].some((e) => e in workflows[file].on),
    ),
  );
  for (let grew = true; grew;) {
    grew = false;
    for (const file of [...reached])
      for (const job of Object.values(workflows[file].jobs)) {
        const callee = called(job);
        if (callee !== undefined && !reached.has(callee)) [grew] = [true, reached.add(callee)];
      }
  }
  return reached;
}

/**
 * The legs of a job's matrix: `include` from the `environments` job's outputs (this commit's
 * environments), or from the deploy workflow's `images` job (an image of each build stage), or
 * written out; each key's values otherwise.
 */
function matrixLegs(job: Job): Record<string, unknown>[] {
  const matrix = job.strategy?.matrix ?? {};
  const include = matrix.include;
  if (typeof include === "string") {
    const output = /^\$\{\{\s*fromJSON\(needs\.(environments|images)\.outputs\.([a-z-]+)\)\s*\}\}$/.exec(include);
    if (output === null) throw new Error(`matrix include ${include}: not an output of the environments or images job`);
    const [, from, name] = output;
    const legs = from === "images" ? MATRICES["build-stages"] : MATRICES[name as keyof typeof MATRICES];
    if (legs === undefined) throw new Error(`matrix include ${include}: the environments job has no such output`);
    return legs as unknown as Record<string, unknown>[];
  }
  if (Array.isArray(include)) return include as Record<string, unknown>[];
  let legs: Record<string, unknown>[] = [{}];
  for (const [key, values] of Object.entries(matrix))
    if (Array.isArray(values)) legs = legs.flatMap((leg) => values.map((value: unknown) => ({ ...leg, [key]: value })));
  return legs;
}

/** The environments a job names, its matrix expanded (`preview-${{ matrix.stack }}`). */
function environmentsOf(job: Job): string[] {
  const raw = typeof job.environment === "object" ? job.environment.name : job.environment;
  if (raw === undefined) return [];
  if (!raw.includes("matrix.")) return [raw];
  const names = matrixLegs(job).map((leg) =>
    raw.replace(/\$\{\{\s*matrix\.([A-Za-z-]+)\s*\}\}/g, (_, key: string) => String(leg[key])),
  );
  return [...new Set(names)];
}

/** `secrets.X` / `vars.X` a job can read: its own text and its workflow's `env`. */
function referenced(kind: "secrets" | "vars", wf: Workflow, job: Job): string[] {
  const text = JSON.stringify([wf.env ?? {}, job]);
  return [...new Set([...text.matchAll(new RegExp(`\\b${kind}\\.([A-Za-z0-9_]+)`, "g"))].map((m) => m[1]))].sort();
}

/** Whether a job exchanges the workflow's OIDC token: a Pulumi login, keyless signing, or a called workflow that does. */
function needsIdToken(job: Job, workflows: Record<string, Workflow>): boolean {
  const callee = called(job);
  if (callee !== undefined)
    return Object.values(workflows[callee].jobs).some((inner) => inner.permissions?.["id-token"] === "write");
  return steps(job).some(
    (s) =>
      s.uses?.startsWith("pulumi/auth-actions@") ||
      backendLogin(s) !== undefined ||
      /^npm run images -- (sign|copy) /.test(s.run ?? ""),
  );
}

interface Finding {
  readonly where: string;
  readonly problem: string;
}

/** Every way the workflows give a read-only job more than read-only credentials. */
function leastPrivilegeFindings(workflows: Record<string, Workflow>): Finding[] {
  const findings: Finding[] = [];
  const deployCredentials = new Set(
    Object.values(workflows).flatMap((wf) =>
      Object.values(wf.jobs)
        .filter((job) => environmentsOf(job).some((env) => DEPLOY_ENVIRONMENTS.includes(env)))
        .flatMap((job) => referenced("secrets", wf, job))
        .filter((name) => !(name in SHARED_WITH_DEPLOY) && !BUILT_IN_SECRETS.includes(name)),
    ),
  );
  const pullRequest = pullRequestWorkflows(workflows);
  for (const [file, wf] of Object.entries(workflows)) {
    const readOnly = pullRequest.has(file) || READ_ONLY_WORKFLOWS.includes(file);
    for (const [id, job] of Object.entries(wf.jobs)) {
      const where = `${file} ${id}`;
      if (job.permissions?.["id-token"] === "write" && !needsIdToken(job, workflows))
        findings.push({ where, problem: "id-token: write, but nothing in the job exchanges the OIDC token" });
      for (const step of steps(job).filter((s) => backendLogin(s) !== undefined))
        for (const input of Object.keys(step.with ?? {}).filter((name) => STATIC_CREDENTIAL_INPUTS.includes(name)))
          findings.push({ where, problem: `backend login ${backendLogin(step)} takes ${input}, not the OIDC token` });
      if (!readOnly) continue;
      for (const env of environmentsOf(job))
        if (!READ_ONLY_ENVIRONMENT.test(env))
          findings.push({ where, problem: `environment ${env} is not a preview-* or drift-* environment` });
      if (job.secrets === "inherit") findings.push({ where, problem: "secrets: inherit hands it every secret" });
      for (const name of referenced("secrets", wf, job))
        if (deployCredentials.has(name)) findings.push({ where, problem: `references deploy credential ${name}` });
      for (const step of steps(job).filter((s) => s.uses?.startsWith("pulumi/auth-actions@"))) {
        const requested = step.with?.["requested-token-type"];
        const type = typeof requested === "string" ? requested : "(the action's default)";
        if (!READ_ONLY_TOKEN_TYPES.includes(type))
          findings.push({ where, problem: `requests Pulumi token ${type}, not a read-only team token` });
      }
      for (const step of steps(job)) {
        const action = backendLogin(step);
        if (action === undefined) continue;
        const identity = step.with?.[BACKEND_LOGINS[action]];
        if (typeof identity !== "string" || !READ_ONLY_IDENTITY.test(identity))
          findings.push({
            where,
            problem: `backend login ${action} takes ${BACKEND_LOGINS[action]} from ${JSON.stringify(identity ?? null)}, not a READ_ONLY_ variable`,
          });
      }
    }
  }
  return findings;
}

/** One row of the guide's "What a repository must set" table. */
interface Setting {
  readonly where: string[];
  readonly names: string[];
  readonly kind: string;
  readonly what: string;
}

/** The guide's table of what each environment (and the repository) holds. */
function documentedSettings(): Setting[] {
  const guide = readFileSync("docs/guides/delivery.md", "utf8");
  const section = guide.split(/^## What a repository must set$/m)[1]?.split(/^## /m)[0] ?? "";
  const rows = section
    .split("\n")
    .filter((line) => line.startsWith("|"))
    .slice(2)
    .map((line) =>
      line
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((cell) => cell.trim()),
    );
  // `<stack>` stands for each CI environment's stack, `<promoted-stack>` for each promoted one's.
  const each = (name: string) =>
    name.includes("<stack>")
      ? ENVIRONMENTS.ci.map((e) => name.replace("<stack>", e.stack))
      : name.includes("<promoted-stack>")
        ? ENVIRONMENTS.promoted.map((e) => name.replace("<promoted-stack>", e.stack))
        : [name];
  const ticked = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]);
  const settings: Setting[] = [];
  for (const [whereCell, namesCell, kind, what] of rows) {
    const where =
      whereCell === "same"
        ? (settings.at(-1)?.where ?? [])
        : whereCell === "repository"
          ? ["repository"]
          : ticked(whereCell).flatMap(each);
    settings.push({ where, names: ticked(namesCell), kind, what });
  }
  return settings;
}

describe("least privilege in delivery", () => {
  it("no job a pull request can run, nor the drift check, can reach a deploy credential or more than read-only access", () => {
    expect(leastPrivilegeFindings(WORKFLOWS)).toEqual([]);
  });

  it("catches a pull-request job given the deploy key, an organization token, a deploy or static backend login, or an OIDC token it does not use", () => {
    const deploy = WORKFLOWS["deploy.yml"];
    const preview: Job = {
      environment: "preview-${{ matrix.stack }}",
      strategy: { matrix: { stack: ["test", "prod"] } },
      permissions: { contents: "read", "id-token": "write" },
      steps: [
        { run: "npm run ci:setup -- x", with: {} },
        {
          uses: "pulumi/auth-actions@x",
          with: { "requested-token-type": "urn:pulumi:token-type:access_token:organization" },
        },
        {
          uses: "aws-actions/configure-aws-credentials@x",
          with: { "role-to-assume": "${{ vars.BACKEND_AWS_ROLE }}", "aws-region": "eu-west-1" },
        },
        { uses: "azure/login@x", with: { creds: "${{ secrets.AZURE_CREDENTIALS }}" } },
      ],
    };
    const leaky = { ...preview, steps: [{ run: "npm run ci:setup -- ${{ secrets.SSH_PRIVATE_KEY }}" }] };
    const reusable: Workflow = { on: { workflow_call: {} }, jobs: { up: { environment: "test", steps: [] } } };
    const workflows: Record<string, Workflow> = {
      "deploy.yml": deploy,
      "reusable.yml": reusable,
      "pr.yml": {
        on: { pull_request: {} },
        jobs: { preview, leaky, calls: { uses: "./.github/workflows/reusable.yml", secrets: "inherit" } },
      },
    };
    expect(leastPrivilegeFindings(workflows)).toEqual([
      { where: "reusable.yml up", problem: "environment test is not a preview-* or drift-* environment" },
      { where: "pr.yml preview", problem: "backend login azure/login takes creds, not the OIDC token" },
      {
        where: "pr.yml preview",
        problem: "requests Pulumi token urn:pulumi:token-type:access_token:organization, not a read-only team token",
      },
      {
        where: "pr.yml preview",
        problem:
          'backend login aws-actions/configure-aws-credentials takes role-to-assume from "${{ vars.BACKEND_AWS_ROLE }}", not a READ_ONLY_ variable',
      },
      {
        where: "pr.yml preview",
        problem: "backend login azure/login takes client-id from null, not a READ_ONLY_ variable",
      },
      { where: "pr.yml leaky", problem: "id-token: write, but nothing in the job exchanges the OIDC token" },
      { where: "pr.yml leaky", problem: "references deploy credential SSH_PRIVATE_KEY" },
      { where: "pr.yml calls", problem: "secrets: inherit hands it every secret" },
    ]);
  });

  it("every environment a workflow names is documented with each secret and variable its jobs read from it", () => {
    const settings = documentedSettings();
    const documented = (env: string, name: string) =>
      settings.some((s) => s.names.includes(name) && (s.where.includes(env) || s.where.includes("repository")));
    const named = new Set<string>();
    for (const [file, wf] of Object.entries(WORKFLOWS))
      for (const [id, job] of Object.entries(wf.jobs))
        for (const env of environmentsOf(job)) {
          named.add(env);
          for (const name of [...referenced("secrets", wf, job), ...referenced("vars", wf, job)].filter(
            (n) => !BUILT_IN_SECRETS.includes(n),
          ))
            expect(documented(env, name), `${file} ${id}: ${name} in environment ${env}`).toBe(true);
        }
    const documentedEnvironments = new Set(settings.flatMap((s) => s.where).filter((w) => w !== "repository"));
    expect([...documentedEnvironments].sort()).toEqual([...named].sort());
    for (const setting of settings) expect(setting.what.length, setting.names.join(", ")).toBeGreaterThan(20);
  });

  it("the guide gives read-only environments no deploy credential", () => {
    const deployOnly = new Set(
      documentedSettings()
        .filter((s) => s.where.some((w) => DEPLOY_ENVIRONMENTS.includes(w)))
        .flatMap((s) => s.names)
        .filter((name) => !(name in SHARED_WITH_DEPLOY) && !(name in PUBLIC_SETTINGS)),
    );
    for (const setting of documentedSettings().filter((s) => s.where.some((w) => READ_ONLY_ENVIRONMENT.test(w))))
      for (const name of setting.names)
        expect(deployOnly.has(name), `${setting.where.join(", ")}: ${name}`).toBe(false);
  });
});

/** An RBAC rule as the manifests write it. */
interface Rule {
  apiGroups?: string[];
  resources?: string[];
  verbs?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

const WRITE_VERBS = ["create", "update", "patch", "delete", "deletecollection", "escalate", "bind", "impersonate"];
const RBAC_DIR = "deploy/rbac";
const rbacObjects = (file: string) =>
  parseAllDocuments(readFileSync(`${RBAC_DIR}/${file}`, "utf8")).map(
    (doc) => doc.toJSON() as { kind: string; metadata: { name: string }; rules?: Rule[]; roleRef?: { name: string } },
  );

describe("the preview and drift RBAC", () => {
  const files = () => readdirSync(RBAC_DIR).filter((file) => file.endsWith(".yaml"));

  it("is in deploy/rbac: preview-reader.yaml and drift-reader.yaml", () => {
    expect(files().sort()).toEqual(["drift-reader.yaml", "preview-reader.yaml"]);
  });

  it.each(["drift-reader.yaml", "preview-reader.yaml"])("%s grants no write verb and no wildcard", (file) => {
    const rules = rbacObjects(file).flatMap((object) => object.rules ?? []);
    expect(rules.length).toBeGreaterThan(0);
    for (const rule of rules) {
      for (const verb of rule.verbs ?? []) expect([...WRITE_VERBS, "*"], `${file}: ${verb}`).not.toContain(verb);
      expect(rule.resources ?? [], file).not.toContain("*");
      expect(rule.apiGroups ?? [], file).not.toContain("*");
      expect(rule.nonResourceURLs, file).toBeUndefined();
    }
  });

  it("previews cannot read Secrets; drift gets them, never lists them (a refresh gets every resource it manages)", () => {
    const secretRules = (file: string) =>
      rbacObjects(file)
        .flatMap((object) => object.rules ?? [])
        .filter((rule) => (rule.apiGroups ?? []).includes("") && (rule.resources ?? []).includes("secrets"));
    expect(secretRules("preview-reader.yaml")).toEqual([]);
    expect(secretRules("drift-reader.yaml").flatMap((rule) => rule.verbs)).toEqual(["get"]);
    // Drift binds the preview's read rules (the guide's commands) and only adds Secrets and Namespaces to them.
    const guide = readFileSync("docs/guides/delivery.md", "utf8");
    for (const role of ["dockyard-preview-reader", "dockyard-drift-secret-reader"])
      expect(guide).toContain(`--clusterrole=${role} --serviceaccount=dockyard-ci:dockyard-drift`);
    expect(guide).toContain("--clusterrole=dockyard-preview-reader --serviceaccount=dockyard-ci:dockyard-preview");
  });

  it("the preview can read every kind of namespaced Kubernetes resource the program declares", () => {
    const kinds = new Set(
      readdirSync("components", { recursive: true, encoding: "utf8" })
        .filter((file) => file.endsWith(".ts"))
        .flatMap((file) => [
          ...readFileSync(`components/${file}`, "utf8").matchAll(/new k8s\.([a-z]+)\.v[0-9a-z]+\.([A-Za-z]+)\(/g),
        ])
        .map(([, , kind]) => kind.toLowerCase()),
    );
    const readable = new Set(
      rbacObjects("preview-reader.yaml")
        .flatMap((object) => object.rules ?? [])
        .filter(
          (rule) => ["get", "list", "watch"].every((verb) => (rule.verbs ?? []).includes(verb)) || rule.resourceNames,
        )
        .flatMap((rule) => rule.resources ?? []),
    );
    const plural = (kind: string) =>
      kind.endsWith("y") ? `${kind.slice(0, -1)}ies` : kind.endsWith("s") ? `${kind}es` : `${kind}s`;
    for (const kind of [...kinds].filter((k) => k !== "secret"))
      expect(readable.has(plural(kind)), `${kind} (${plural(kind)})`).toBe(true);
    // cert-manager Certificates, declared as CustomResources.
    expect(readable.has("certificates")).toBe(true);
  });
});
