// The product's handler, but with the access-policy code (and so the AWS SDK) imported at
// the top level: what configured mode would cost without the lazy chunk.
import '../../handler/access/guard.ts';

export { handler } from '../../handler/index.ts';
