// The same route on Hono's AWS Lambda adapter, headers as Synapse sends them.
import { Hono } from 'hono';
import { handle } from 'hono/aws-lambda';

const version = { server_version: '1.0.0', python_version: process.versions.node };
const headers = {
  'Cache-Control': 'no-cache, no-store, must-revalidate',
  'Access-Control-Allow-Origin': '*',
  Server: 'Synapse/1.0.0',
};

const app = new Hono();
app.get('/_synapse/admin/v1/server_version', (c) => c.json(version, 200, headers));
app.all('/_synapse/admin/v1/server_version', (c) =>
  c.json({ errcode: 'M_UNRECOGNIZED', error: 'Unrecognized request' }, 405, headers),
);
app.notFound((c) => c.json({ errcode: 'M_UNRECOGNIZED', error: 'Unrecognized request' }, 404));

export const handler = handle(app);
