// The access policy's own vocabulary: who asks, and why a read is turned away. Types only,
// so that the adapter and the responder can name them without pulling policy code into
// open mode's bundle.

/** What the access policy looks at; read from the event only when a policy is in force. */
export interface Caller {
  /** Every Authorization value sent, whatever the case of the header name. */
  authorization: readonly string[];
  /**
   * Every `access_token` query parameter value, first as sent first; undefined when the
   * query string has none (an empty `access_token=` is present, with an empty value).
   */
  queryTokens: readonly string[] | undefined;
  /**
   * Every Origin value sent. A browser adds one to every cross-origin request a page makes
   * (`null` for sandboxed pages); command-line clients and probes send none.
   */
  origins: readonly string[];
  /** The peer address the gateway itself saw; undefined where the event carries none. */
  sourceIp: string | undefined;
}

/**
 * Why a read of the version route is turned away; each maps to one of Synapse's answers.
 * The four token refusals are Synapse's `get_access_token_from_request`, message for message.
 * 'unavailable': no policy in force (none read yet, or the last answer said there is none).
 */
export type PolicyRefusal =
  | 'missing-token'
  | 'mixed-token-sources'
  | 'too-many-authorization-headers'
  | 'invalid-authorization-header'
  | 'unknown-token'
  | 'forbidden'
  | 'unavailable';
