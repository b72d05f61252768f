/**
 * A local fake of the GitHub REST API for integration tests (node:http on 127.0.0.1, random
 * port). Every request is matched against GitHub's OpenAPI description and validated (path and
 * query parameters, JSON body); mismatches are recorded in `violations` and answered with 4xx
 * like GitHub would. Responses are built from the spec's own examples with our state patched in,
 * and are validated too (`responseViolations`): that keeps the fake honest about field names.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadGitHubSpec, type OpenApiSpec, type Operation } from './openapi.js';
import { FakeState, type FakeRepo } from './state.js';
import { handlers, HttpError, type HandlerContext, type HandlerResult } from './handlers.js';
import { createResultsService, type FakeResultsService } from './results-service.js';

export interface Violation {
  method: string;
  path: string;
  operationId?: string;
  problems: string[];
}

export interface RequestLogEntry {
  method: string;
  path: string;
  operationId?: string;
  status: number;
  token?: string;
  body?: unknown;
}

/** What an injected fault answers instead of the real handler. */
export type Fault =
  | { kind: 'server-error'; status?: 500 | 502 | 503 }
  | { kind: 'secondary-rate-limit'; retryAfter?: number; status?: 403 | 429 }
  | { kind: 'forbidden'; message?: string }
  | { kind: 'custom'; status: number; body: unknown; headers?: Record<string, string> };

/** Runs before the handler of a matching request (e.g. to create a race deterministically). */
export type BeforeHook = (ctx: {
  repo: FakeRepo | undefined;
  body: unknown;
}) => void | Promise<void>;

export interface FakeGitHub {
  /** Base URL of the API, to use as Octokit `baseUrl` / GITHUB_API_URL. */
  url: string;
  state: FakeState;
  /** Requests that did not conform to the OpenAPI description. Tests assert this is empty. */
  violations: Violation[];
  /** Responses of the fake that did not conform (a bug in the fake, not in the client). */
  responseViolations: Violation[];
  /** Every request, in arrival order. */
  requests: RequestLogEntry[];
  /** The Actions results service (artifact uploads), on the same port; see results-service.ts. */
  results: FakeResultsService;
  /** Tokens whose writes answer 403 "Resource not accessible by integration" (fork PRs). */
  readOnlyTokens: Set<string>;
  /**
   * The next `times` requests to `route` (an operationId like `checks/create`, or
   * `METHOD /template` like `POST /repos/{owner}/{repo}/check-runs`) answer with `fault`.
   * `times: Infinity` keeps failing.
   */
  inject(route: string, fault: Fault, times?: number): void;
  /** Run `hook` before the next `times` requests to `route` are handled. */
  before(route: string, hook: BeforeHook, times?: number): void;
  /** Requests (from the log) for one route. */
  calls(route: string): RequestLogEntry[];
  close(): Promise<void>;
}

const DOCS = 'https://docs.github.com/rest';

/** Start a fake GitHub API server. Loads and indexes the OpenAPI description on first use. */
export async function startFakeGitHub(): Promise<FakeGitHub> {
  const spec = await loadGitHubSpec();
  const state = new FakeState();
  const violations: Violation[] = [];
  const responseViolations: Violation[] = [];
  const requests: RequestLogEntry[] = [];
  const readOnlyTokens = new Set<string>();
  const faults: { route: string; fault: Fault; remaining: number }[] = [];
  const hooks: { route: string; hook: BeforeHook; remaining: number }[] = [];
  let baseUrl = '';
  const results = await createResultsService(() => baseUrl);

  const routeMatches = (route: string, op: Operation): boolean =>
    route === op.operationId || route === `${op.method} ${op.template}`;

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      send(res, 500, { message: `fake-github crashed: ${String(error)}` });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', baseUrl);
    const method = (req.method ?? 'GET').toUpperCase();
    const raw = await readBody(req);
    if (results.handle(req, res, url, raw)) return;

    // Artifact downloads redirect here (GitHub redirects to blob storage, outside the API).
    const download = /^\/_fake\/artifact-downloads\/(\d+)\.zip$/.exec(url.pathname);
    if (download) {
      for (const repo of state.repos.values()) {
        const artifact = repo.artifacts.get(Number(download[1]));
        if (artifact) {
          res.writeHead(200, {
            'content-type': 'application/zip',
            'content-length': artifact.zip.length,
          });
          res.end(Buffer.from(artifact.zip));
          return;
        }
      }
      send(res, 404, { message: 'Not Found' });
      return;
    }

    const entry: RequestLogEntry = { method, path: url.pathname + url.search, status: 0 };
    requests.push(entry);
    const matched = spec.match(method, url.pathname);
    if (!matched) {
      const problem = spec.pathExists(url.pathname)
        ? `method ${method} not allowed for this path`
        : 'no such endpoint in the OpenAPI description';
      violations.push({ method, path: entry.path, problems: [problem] });
      entry.status = 404;
      send(res, 404, { message: 'Not Found', documentation_url: DOCS });
      return;
    }
    const { operation, pathParams } = matched;
    entry.operationId = operation.operationId;

    const auth = req.headers['authorization'];
    const token =
      typeof auth === 'string' ? /^(?:token|bearer)\s+(.+)$/i.exec(auth)?.[1] : undefined;
    entry.token = token;
    const problems: string[] = [];
    if (!token) problems.push('request is not authenticated (no Authorization header)');
    problems.push(...spec.validateParameters(operation, pathParams, url.searchParams));

    let body: unknown;
    const hasBody = raw.length > 0;
    if (hasBody) {
      const type = String(req.headers['content-type'] ?? '');
      if (!type.includes('json')) problems.push(`request body content-type is "${type}"`);
      try {
        body = JSON.parse(raw.toString('utf8'));
        entry.body = body;
      } catch {
        violations.push({
          method,
          path: entry.path,
          operationId: operation.operationId,
          problems: ['body is not valid JSON'],
        });
        entry.status = 400;
        send(res, 400, {
          message: 'Problems parsing JSON',
          documentation_url: DOCS,
          status: '400',
        });
        return;
      }
    }
    problems.push(...spec.validateBody(operation, body, hasBody));
    if (problems.length > 0) {
      violations.push({ method, path: entry.path, operationId: operation.operationId, problems });
      entry.status = token ? 422 : 401;
      send(res, entry.status, {
        message: token ? `Invalid request.\n\n${problems.join('\n')}` : 'Requires authentication',
        documentation_url: DOCS,
        status: String(entry.status),
      });
      return;
    }

    const fault = faults.find((f) => f.remaining > 0 && routeMatches(f.route, operation));
    if (fault) {
      fault.remaining -= 1;
      entry.status = answerFault(res, fault.fault, operation);
      return;
    }
    if (token && readOnlyTokens.has(token) && method !== 'GET' && method !== 'HEAD') {
      entry.status = answerFault(res, { kind: 'forbidden' }, operation);
      return;
    }

    const repo =
      pathParams['owner'] !== undefined && pathParams['repo'] !== undefined
        ? state.repo(pathParams['owner'], pathParams['repo'])
        : undefined;
    for (const h of hooks) {
      if (h.remaining > 0 && routeMatches(h.route, operation)) {
        h.remaining -= 1;
        await h.hook({ repo, body });
      }
    }

    const handler = handlers[operation.operationId];
    let result: HandlerResult;
    if (!handler) {
      violations.push({
        method,
        path: entry.path,
        operationId: operation.operationId,
        problems: [`fake-github does not implement ${operation.operationId}`],
      });
      result = {
        status: 501,
        body: { message: `Not implemented by fake: ${operation.operationId}` },
      };
    } else if (!repo && pathParams['owner'] !== undefined) {
      result = {
        status: 404,
        body: { message: 'Not Found', documentation_url: DOCS, status: '404' },
      };
    } else {
      const ctx: HandlerContext = {
        spec,
        state,
        repo: repo!,
        operation,
        params: pathParams,
        query: url.searchParams,
        body: (body ?? {}) as Record<string, unknown>,
        baseUrl,
        path: url.pathname,
      };
      try {
        result = handler(ctx);
      } catch (error) {
        if (!(error instanceof HttpError)) throw error;
        result = {
          status: error.status,
          body: {
            message: error.message,
            documentation_url: DOCS,
            ...(error.errors ? { errors: error.errors } : {}),
            status: String(error.status),
          },
        };
      }
    }
    entry.status = result.status;
    if (result.status >= 200 && result.status < 300 && result.body !== undefined) {
      const bad = spec.validateResponse(operation, result.status, result.body);
      if (bad.length > 0) {
        responseViolations.push({
          method,
          path: entry.path,
          operationId: operation.operationId,
          problems: bad,
        });
      }
    }
    send(res, result.status, result.body, result.headers);
  }

  function answerFault(res: ServerResponse, fault: Fault, operation: Operation): number {
    switch (fault.kind) {
      case 'server-error': {
        const status = fault.status ?? 502;
        send(res, status, { message: status === 502 ? 'Server Error' : 'Internal Server Error' });
        return status;
      }
      case 'secondary-rate-limit': {
        const status = fault.status ?? 403;
        send(
          res,
          status,
          {
            message:
              'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID 0000:0000:0000000:0000000:00000000.',
            documentation_url: `${DOCS}/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits`,
            status: String(status),
          },
          { 'retry-after': String(fault.retryAfter ?? 1) },
        );
        return status;
      }
      case 'forbidden':
        send(res, 403, {
          message: fault.message ?? 'Resource not accessible by integration',
          documentation_url: `${DOCS}#${operation.operationId}`,
          status: '403',
        });
        return 403;
      case 'custom':
        send(res, fault.status, fault.body, fault.headers);
        return fault.status;
    }
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as AddressInfo;
  baseUrl = `http://127.0.0.1:${address.port}`;

  return {
    url: baseUrl,
    state,
    violations,
    responseViolations,
    requests,
    results,
    readOnlyTokens,
    inject(route, fault, times = 1) {
      faults.push({ route, fault, remaining: times });
    },
    before(route, hook, times = 1) {
      hooks.push({ route, hook, remaining: times });
    },
    calls(route) {
      return requests.filter((r) => {
        const op = r.operationId ? spec.operation(r.operationId) : undefined;
        return op !== undefined && routeMatches(route, op);
      });
    },
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

let requestCounter = 0;

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  requestCounter += 1;
  const common: Record<string, string> = {
    'x-github-request-id': `FAKE:${requestCounter}`,
    'x-ratelimit-limit': '5000',
    'x-ratelimit-remaining': '4999',
    'x-ratelimit-used': '1',
    'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600),
    'x-ratelimit-resource': 'core',
    ...headers,
  };
  if (body === undefined || status === 204 || status === 302) {
    res.writeHead(status, common);
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...common,
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
  });
  res.end(text);
}

export type { OpenApiSpec };
