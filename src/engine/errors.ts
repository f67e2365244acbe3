/**
 * Typed engine errors. Every message names the engine it came from, so a user with several engines (or a
 * DOCKER_HOST they forgot about) knows which one answered.
 */

export type EngineErrorKind =
  | 'unreachable' | 'misconfigured' | 'tls' | 'hostKey' | 'notFound' | 'conflict' | 'permissionDenied' | 'badRequest' | 'timeout'
  | 'cancelled' | 'engine';

export class EngineError extends Error {
  constructor(
    readonly kind: EngineErrorKind,
    message: string,
    /** Human name of the engine, e.g. "unix:///var/run/docker.sock (default socket)". */
    readonly engine: string,
    /** HTTP status from the engine, when it answered. */
    readonly statusCode?: number,
    /** The engine's own words, when it answered. */
    readonly engineMessage?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'EngineError';
  }
}

/** Socket-level codes that mean "nobody is listening" or "cannot get there". */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED', 'ENOENT', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', 'ENOTSOCK',
]);

interface ErrorLike {
  statusCode?: number;
  code?: string;
  message?: string;
  json?: { message?: string } | null;
  reason?: string;
  name?: string;
}

/** TLS failures in words (OpenSSL's own text names C files and record layers). */
function tlsProblem(e: ErrorLike): string | undefined {
  const code = e.code ?? '';
  const text = e.message ?? '';
  if (/ALERT_BAD_CERTIFICATE|CERTIFICATE_REQUIRED|ALERT_UNKNOWN_CA|HANDSHAKE_FAILURE/.test(code) || /alert (bad certificate|certificate required|unknown ca)/i.test(text)) {
    return 'the engine refused our client certificate, or got none: put cert.pem and key.pem signed by the engine\'s CA in the certificate folder (DOCKER_CERT_PATH or the engine.certPath setting).';
  }
  if (['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_GET_ISSUER_CERT'].includes(code)) {
    return 'the engine\'s certificate is not signed by the CA in ca.pem of the certificate folder (DOCKER_CERT_PATH or the engine.certPath setting).';
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return `the engine's certificate is not made out for this host name (${text}).`;
  if (code === 'CERT_HAS_EXPIRED') return 'the engine\'s certificate has expired.';
  if (code === 'EPROTO' && /wrong version number|packet length too long/i.test(text)) return 'the engine does not speak TLS on this port: use tcp:// without certificates, or the TLS port (2376).';
  return undefined;
}

/** The engine's own message from a docker-modem error (its `json.message`), else the error's message. */
function engineWords(e: ErrorLike): string {
  const fromJson = e.json && typeof e.json === 'object' ? e.json.message : undefined;
  return (fromJson || e.reason || e.message || String(e)).trim();
}

/**
 * Turns whatever dockerode or the socket threw into an EngineError. `action` says what we were doing
 * ("list networks", "remove volume data"), so the message reads as a sentence.
 */
export function toEngineError(err: unknown, engine: string, action: string): EngineError {
  if (err instanceof EngineError) return err;
  const e = (err ?? {}) as ErrorLike;
  if (e.name === 'AbortError' || e.code === 'ABORT_ERR') {
    return new EngineError('cancelled', `Cancelled: ${action} on ${engine}.`, engine, undefined, undefined, { cause: err });
  }
  if (e.code && UNREACHABLE_CODES.has(e.code)) {
    const why = e.code === 'ENOENT' ? 'no socket at that path' : e.code === 'ECONNREFUSED' ? 'connection refused' : e.code;
    return new EngineError('unreachable', `Cannot reach the Docker engine at ${engine} (${why}). Is it running?`, engine, undefined, undefined, { cause: err });
  }
  const tls = tlsProblem(e);
  if (tls) return new EngineError('tls', `TLS with ${engine} failed: ${tls}`, engine, undefined, undefined, { cause: err });
  if (/All configured authentication methods failed/i.test(e.message ?? '')) {
    return new EngineError('permissionDenied',
      `SSH authentication to ${engine} failed: the server accepted none of your keys (the agent in SSH_AUTH_SOCK, ~/.ssh/id_ed25519, id_ecdsa, id_rsa).`,
      engine, undefined, undefined, { cause: err });
  }
  if (e.code === 'EACCES' || e.code === 'EPERM') {
    return new EngineError('permissionDenied',
      `Permission denied on ${engine}: add your user to the "docker" group or point the extension at an engine you can use.`,
      engine, undefined, undefined, { cause: err });
  }
  if (e.code === 'ETIMEDOUT' || e.code === 'ESOCKETTIMEDOUT' || /timeout/i.test(e.message ?? '')) {
    return new EngineError('timeout', `The Docker engine at ${engine} did not answer in time (${action}).`, engine, undefined, undefined, { cause: err });
  }
  const status = e.statusCode;
  const words = engineWords(e);
  switch (status) {
    case 404:
      return new EngineError('notFound', `Not found on ${engine}: ${words}`, engine, status, words, { cause: err });
    case 409:
      return new EngineError('conflict', `Conflict on ${engine}: ${words}`, engine, status, words, { cause: err });
    case 403:
      return new EngineError('conflict', `Refused by ${engine}: ${words}`, engine, status, words, { cause: err });
    case 400:
      return new EngineError('badRequest', `The engine at ${engine} rejected the request (${action}): ${words}`, engine, status, words, { cause: err });
    case 401:
      return new EngineError('permissionDenied', `Not authorized on ${engine}: ${words}`, engine, status, words, { cause: err });
    default:
      return new EngineError('engine', `Docker engine at ${engine} failed to ${action}: ${words}`, engine, status, words, { cause: err });
  }
}

/** Why an engine cannot be used, in the few cases the explorer explains differently. */
export type UnreachableReason = 'noSocket' | 'refused' | 'closed' | 'permission' | 'timeout' | 'misconfigured' | 'certificate' | 'hostKey' | 'other';

export function unreachableReason(error: EngineError): UnreachableReason {
  switch (error.kind) {
    case 'misconfigured': return 'misconfigured';
    case 'tls': return 'certificate';
    case 'hostKey': return 'hostKey';
    case 'permissionDenied': return 'permission';
    case 'timeout': return 'timeout';
    case 'unreachable': {
      const code = (error.cause as { code?: string } | undefined)?.code;
      if (code === 'ENOENT') return 'noSocket';
      if (code === 'ECONNREFUSED') return 'refused';
      return error.cause === undefined ? 'closed' : 'other';
    }
    default: return 'other';
  }
}
