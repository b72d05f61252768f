/**
 * A fake of GitHub's Actions results service as `@actions/artifact` uses it to upload an
 * artifact: Twirp JSON (`CreateArtifact`, `FinalizeArtifact`) authorised by the job's runtime
 * token, and the Azure-style blob URL that CreateArtifact signs (Put Block, Put Block List, or
 * one Put Blob).
 *
 * The REST OpenAPI description does not cover this service, so requests are validated against
 * what is published of it: the protobuf message types generated from GitHub's results API that
 * ship inside @actions/artifact (unknown fields or wrong types are rejected, as the real Twirp
 * server does), the backend ids the runtime token grants, and the size and sha256 of the bytes
 * that reached the blob. Problems are recorded in `violations` and answered with Twirp errors.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const SERVICE = '/twirp/github.actions.results.api.v1.ArtifactService/';
const RUN_ID = 'c4d6f3a0-1111-4aae-887f-30da475f5f1a';
const JOB_ID = 'a1b2c3d4-2222-526b-2ce8-bdc85f692774';

interface MessageType {
  fromJson(json: unknown, options?: { ignoreUnknownFields?: boolean }): Record<string, unknown>;
}

export interface FakeArtifact {
  id: number;
  name: string;
  bytes: Buffer;
  blocks: Map<string, Buffer>;
  finalized: boolean;
}

export interface FakeResultsService {
  /** ACTIONS_RUNTIME_TOKEN for the job: an unsigned JWT with the Actions.Results scope. */
  runtimeToken: string;
  artifacts: FakeArtifact[];
  violations: string[];
  /** Handle the request if it is for this service; false otherwise. */
  handle(req: IncomingMessage, res: ServerResponse, url: URL, raw: Buffer): boolean;
}

const b64url = (s: string) => Buffer.from(s).toString('base64url');

/** The generated message types, from the @actions/artifact package in node_modules. */
async function messageTypes(): Promise<Record<string, MessageType>> {
  const file = path.resolve(
    import.meta.dirname,
    '../../../node_modules/@actions/artifact/lib/generated/index.js',
  );
  return (await import(pathToFileURL(file).href)) as Record<string, MessageType>;
}

function twirpError(res: ServerResponse, status: number, code: string, msg: string): void {
  const text = JSON.stringify({ code, msg });
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(text);
}

/** Create the fake; `baseUrl()` gives the server's origin for the signed blob URLs. */
export async function createResultsService(baseUrl: () => string): Promise<FakeResultsService> {
  const types = await messageTypes();
  const runtimeToken = [
    b64url(JSON.stringify({ alg: 'none', typ: 'JWT' })),
    b64url(JSON.stringify({ scp: `Actions.GenericRead:x Actions.Results:${RUN_ID}:${JOB_ID}` })),
    'fake-signature',
  ].join('.');
  const artifacts: FakeArtifact[] = [];
  const violations: string[] = [];

  const parse = (type: string, raw: Buffer): Record<string, unknown> => {
    const json: unknown = JSON.parse(raw.toString('utf8'));
    return types[type]!.fromJson(json, { ignoreUnknownFields: false });
  };

  function twirp(req: IncomingMessage, res: ServerResponse, method: string, raw: Buffer) {
    const problems: string[] = [];
    if (req.method !== 'POST') problems.push(`${method}: method ${req.method}, expected POST`);
    if (!String(req.headers['content-type']).includes('application/json'))
      problems.push(`${method}: content-type ${String(req.headers['content-type'])}`);
    if (req.headers['authorization'] !== `Bearer ${runtimeToken}`)
      problems.push(`${method}: not authorised with the runtime token`);
    let body: Record<string, unknown> = {};
    try {
      body = parse(`${method}Request`, raw);
    } catch (error) {
      problems.push(`${method}: body does not match ${method}Request: ${String(error)}`);
    }
    if (body.workflowRunBackendId !== RUN_ID || body.workflowJobRunBackendId !== JOB_ID)
      problems.push(`${method}: backend ids are not the ones the runtime token grants`);
    if (problems.length > 0) {
      violations.push(...problems);
      twirpError(res, 400, 'invalid_argument', problems.join('; '));
      return;
    }
    const name = String(body.name);
    if (method === 'CreateArtifact') {
      if (body.version !== 7) violations.push(`CreateArtifact: version ${String(body.version)}`);
      if (artifacts.some((a) => a.name === name)) {
        twirpError(res, 409, 'already_exists', `an artifact named ${name} already exists`);
        return;
      }
      const id = 9000 + artifacts.length + 1;
      artifacts.push({ id, name, bytes: Buffer.alloc(0), blocks: new Map(), finalized: false });
      const signedUploadUrl = `${baseUrl()}/fakeaccount/artifacts/${id}.zip?sv=2023-11-03&sig=fake`;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: true, signedUploadUrl }));
      return;
    }
    const artifact = artifacts.find((a) => a.name === name && !a.finalized);
    if (!artifact) {
      violations.push(`FinalizeArtifact: no artifact ${name} being uploaded`);
      twirpError(res, 404, 'not_found', `no artifact ${name}`);
      return;
    }
    const sha = `sha256:${createHash('sha256').update(artifact.bytes).digest('hex')}`;
    const hash = (body.hash as { value?: string } | undefined)?.value;
    if (String(body.size) !== String(artifact.bytes.length))
      violations.push(
        `FinalizeArtifact: size ${String(body.size)}, blob has ${artifact.bytes.length}`,
      );
    if (hash !== sha) violations.push(`FinalizeArtifact: hash ${String(hash)}, blob has ${sha}`);
    artifact.finalized = true;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ok: true, artifactId: String(artifact.id) }));
  }

  function blob(req: IncomingMessage, res: ServerResponse, url: URL, raw: Buffer) {
    const id = Number(/\/artifacts\/(\d+)\.zip$/.exec(url.pathname)?.[1]);
    const artifact = artifacts.find((a) => a.id === id);
    if (!artifact || url.searchParams.get('sig') !== 'fake' || req.method !== 'PUT') {
      violations.push(`blob: unexpected ${req.method} ${url.pathname}${url.search}`);
      res.writeHead(403);
      res.end();
      return;
    }
    const comp = url.searchParams.get('comp');
    if (comp === 'block') {
      artifact.blocks.set(url.searchParams.get('blockid') ?? '', raw);
    } else if (comp === 'blocklist') {
      const ids = [...raw.toString('utf8').matchAll(/<(?:Latest|Uncommitted|Committed)>([^<]+)</g)];
      const parts = ids.map((m) => artifact.blocks.get(m[1]!));
      if (parts.some((p) => p === undefined))
        violations.push('blob: block list names unknown blocks');
      artifact.bytes = Buffer.concat(parts.filter((p) => p !== undefined));
    } else if (comp === null) {
      if (req.headers['x-ms-blob-type'] !== 'BlockBlob')
        violations.push(`blob: x-ms-blob-type ${String(req.headers['x-ms-blob-type'])}`);
      artifact.bytes = raw;
    } else violations.push(`blob: unexpected comp=${comp}`);
    res.writeHead(201, {
      etag: `"0x${artifact.id.toString(16)}"`,
      'last-modified': new Date().toUTCString(),
      'x-ms-request-id': `fake-${artifact.id}`,
      'x-ms-version': '2023-11-03',
      'x-ms-request-server-encrypted': 'true',
    });
    res.end();
  }

  return {
    runtimeToken,
    artifacts,
    violations,
    handle(req, res, url, raw) {
      if (url.pathname.startsWith(SERVICE)) {
        twirp(req, res, url.pathname.slice(SERVICE.length), raw);
        return true;
      }
      if (url.pathname.startsWith('/fakeaccount/artifacts/')) {
        blob(req, res, url, raw);
        return true;
      }
      return false;
    },
  };
}
