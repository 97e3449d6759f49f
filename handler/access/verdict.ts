// The access policy's own vocabulary: who asks, and why a read is turned away. Types only,
// so that the adapter and the responder can name them without pulling policy code into
// open mode's bundle.

/** What the access policy looks at; read from the event only when a policy is in force. */
export interface Caller {
  /** Every Authorization value sent, whatever the case of the header name. */
  authorization: readonly string[];
  /** The peer address the gateway itself saw; undefined where the event carries none. */
  sourceIp: string | undefined;
}

/**
 * Why a read of the version route is turned away; each maps to one of Synapse's answers.
 * 'unavailable': no policy in force (none read yet, or the last answer said there is none).
 */
export type Refusal = 'missing-token' | 'unknown-token' | 'forbidden' | 'unavailable';
